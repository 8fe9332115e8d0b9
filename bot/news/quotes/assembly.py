"""Quote candidates in a text and the public entry point, extract_quotes()."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.news.model import Quote
from bot.news.quotes.attribution import (
    attributed_after,
    attribution_after,
    attribution_before,
    attribution_in,
    intro_speaker,
    intro_speaker_before,
    label_speaker,
    paragraph_speaker,
    reported,
)
from bot.news.quotes.document import Document, Mention, Speaker, name_gender
from bot.news.quotes.lexicon import PREPOSITIONS, grams_of, speech_verb
from bot.news.quotes.people import collect_names
from bot.news.quotes.resolve import resolve_speaker
from bot.news.quotes.spans import (
    AFTER_DASH,
    CLAUSE_END,
    DASH,
    SENTENCE_END,
    SPLIT_DASH,
    WORD,
    continued_spans,
    quote_spans,
    unclosed_opener,
)

MIN_WORDS = 4  # shorter quoted bits are names, titles or scare quotes, not key quotes
FRAGMENT_WORDS = 6  # a quote inside a sentence: shorter ones are labels or scare quotes
REPORTED_WORDS = 5  # the same, after 'said that' (the verb makes it likelier speech)
# 'Martin Hale: It sounds like an excuse…' — a paragraph given to a named speaker
_LABELLED = re.compile(r"([^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){1,2}): (?=\S)")


def _join(head: str, rest: str) -> str:
    """Rejoin a quote split by its attribution; the comma before the dash stood for a stop
    when the second part starts a new sentence."""
    first, second = _clean(head), _clean(rest)
    if second[:1].isupper() and first[-1:] not in ".!?…":
        first += "."
    elif first[-1:] not in ".!?…,":
        first += ","
    return f"{first} {second}"


def _clean(text: str) -> str:
    text = re.sub(r"\n[«„“\"]", " ", text)  # a continuation paragraph reopens the quote
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(",").rstrip(" —–-").strip()


def _standalone_start(doc: Document, quote_open: int) -> bool:
    """The quote opens a sentence (not a fragment inside one)."""
    line_start = doc.text.rfind("\n", 0, quote_open) + 1
    # the last letter, digit or punctuation mark before it (symbols and spaces skipped)
    for k in range(quote_open - 1, line_start - 1, -1):
        ch = doc.text[k]
        if ch.isalnum() or ch in _ENDS_CLAUSE or ch in ",;":
            return ch in _ENDS_CLAUSE
    return True


_ENDS_CLAUSE = '.!?…:»”"' + DASH


def _clause_bounds(doc: Document, start: int) -> tuple[int, int]:
    match = CLAUSE_END.search(doc.text, start)
    return start, match.start() if match else len(doc.text)


@dataclass(slots=True)
class _Candidate:
    start: int
    text: str
    speaker: Speaker
    end: int = -1  # where its attribution's sentence ends (-1: the quote's own start)


def _split_inside(content: str, start: int, doc: Document) -> _Candidate | None:
    """«Перша частина, — сказав X, — друга частина» → one quote, speaker X."""
    parts = SPLIT_DASH.split(content)
    if len(parts) < 2:
        return None
    head = parts[0]
    clause_offset = start + len(head)
    clause_offset = start + content.find(parts[1], len(head))
    _, clause_end = _clause_bounds(doc, clause_offset)
    clause_end = min(clause_end, clause_offset + len(parts[1]))
    speaker = attribution_after(clause_offset, clause_end, doc)
    if speaker is None:
        return None
    rest = " ".join(parts[2:])
    tail = doc.text[clause_end : clause_offset + len(parts[1])].lstrip(".,;: ")
    if tail and not rest:
        return None  # a narrative sentence follows the attribution, not more quote
    text = _join(head, rest) if rest else _clean(head)
    return _Candidate(start, text, speaker, clause_end)


def _in_english_clause(doc: Document, after: int, content: str) -> tuple[int, int] | None:
    rest = doc.text[after:]
    match = re.match(r"\s*,?\s*", rest)
    if content.rstrip()[-1:] not in ",?!" and not rest.startswith(","):
        return None
    start = after + (match.end() if match else 0)
    return _clause_bounds(doc, start)


def _candidates(
    doc: Document, spans: list[tuple[int, int]], consumed: set[int]
) -> list[_Candidate]:
    """Attributed quotes; `consumed` gets the spans joined to another one or rejected as
    scare quotes (so the unnamed pass does not take them either)."""
    text, lang = doc.text, doc.language
    found: list[_Candidate] = []
    for index, (open_, close) in enumerate(spans):
        if open_ in consumed:
            continue
        content = text[open_ + 1 : close]
        doc.cursor = open_
        standalone = _standalone_start(doc, open_)
        # attribution after the quote
        speaker: Speaker | None = None
        clause: tuple[int, int] | None = None
        dash = AFTER_DASH.match(text, close + 1)
        comma = re.match(r"[,.]?,\s+(?=\w)", text[close + 1 : close + 4])
        if dash and "\n" not in dash.group():
            clause = _clause_bounds(doc, dash.end())
        elif lang == "en":
            clause = _in_english_clause(doc, close + 1, content)
        elif comma:  # '…», заявив міністр'
            clause = _clause_bounds(doc, close + 1 + comma.end())
        if clause:
            speaker = attribution_after(*clause, doc)
        if speaker is not None:
            if not standalone and len(WORD.findall(content)) < FRAGMENT_WORDS:
                consumed.add(open_)
                continue  # «scare quote» inside a sentence that also reports speech
            quote_text = _clean(content)
            # split quote: «…», — сказав X, — «…»
            nxt = spans[index + 1] if index + 1 < len(spans) else None
            if nxt and clause and not text[clause[1] : nxt[0]].strip(" ,.:;—–-"):
                between = text[clause[0] : nxt[0]]
                second = text[nxt[0] + 1 : nxt[1]]
                own = AFTER_DASH.match(text, nxt[1] + 1)  # '«…», — подчеркнул X': its own
                ended = re.search(r"[.!?]\s*$", between)  # '— добавил он. «…»': a new one
                if _ADDING.search(between) and second[:1].isupper() and not (own or ended):
                    # '“…,” he said, adding, “It is …”': a second quote of the same speaker
                    found.append(_Candidate(nxt[0], _clean(second), speaker, nxt[1]))
                    consumed.add(nxt[0])
                elif re.search(r"([,:]|[,.]\s*[—–-])\s*$", between):
                    quote_text = _join(quote_text, second)
                    consumed.add(nxt[0])
            found.append(_Candidate(open_, quote_text, speaker, clause[1] if clause else close))
            continue
        if not standalone and not text[:open_].rstrip().endswith(","):
            fragment = _reported_fragment(open_, close, doc)
            if fragment is not None:
                found.append(_Candidate(open_, _clean(content), fragment, close))
            continue
        inner = _split_inside(content, open_ + 1, doc) if standalone else None
        if inner:
            found.append(inner)
            continue
        last = found[-1] if found and index and found[-1].start == spans[index - 1][0] else None
        if (
            clause is None
            and found
            and _next_paragraph(doc, found[-1], open_, close)
            and not _other_named(doc, found[-1], open_)
        ):
            found.append(_Candidate(open_, _clean(content), found[-1].speaker, close))
            continue
        # an attribution after it that names nobody we can read ('— вторил ей X'): not
        # the previous speaker's words for certain
        if (
            standalone
            and last
            and clause is None
            and _continues(text[max(last.end, 0) : open_])
            and not _other_named(doc, last, open_)
        ):
            # '«…,» Blinken said. «We have made clear…»': the same speaker goes on
            found.append(_Candidate(open_, _clean(content), last.speaker, close))
            continue
        # attribution before the quote, and the quote ends its sentence
        tail = "\n" if text[close] == "\n" else text[close + 1 : close + 3]  # see _paragraphs_of
        mid_sentence = tail[:1] not in ("", "\n", ".", "!", "?", " ", "…") or re.match(r" \w", tail)
        if mid_sentence and not re.match(r" [A-ZА-ЯІЇЄҐЁ«„“\"]", tail):
            continue
        before = attribution_before(open_, doc)
        if before is None and clause is None and _whole_paragraph(doc, open_, close):
            before = paragraph_speaker(open_ - 1, doc)  # 'Он отметил, что …' ¶ '«…»'
        if before is not None:
            found.append(_Candidate(open_, _clean(content), before, close))
    return found


def _whole_paragraph(doc: Document, open_: int, close: int) -> bool:
    """The quote is its paragraph: nothing before it on its line, a stop at most after."""
    line_end = doc.text.find("\n", close)
    line_end = len(doc.text) if line_end < 0 else line_end
    return doc.text[open_ - 1 : open_] in ("\n", "") and not doc.text[close + 1 : line_end].strip(
        " ."
    )


def _next_paragraph(doc: Document, last: _Candidate, open_: int, close: int) -> bool:
    """'«…», - сказав Зайцев.' then a paragraph that is one quote and nothing else: the
    named speaker goes on (a new speaker would be named)."""
    text = doc.text
    line_end = text.find("\n", close)
    line_end = len(text) if line_end < 0 else line_end
    return (
        last.speaker.kind == "person"
        and _whole_paragraph(doc, open_, close)
        and text.count("\n", max(last.end, 0), open_) == 1
        and not text[max(last.end, 0) : open_].strip(" .,;\n")
    )


_ADDING = re.compile(r"\b(?:adding|додавши|добавив|добавил|добавила|додала|додав)\b", re.I)
_GOES_ON = re.compile(
    r"[\s,.;:—–-]*(?:(?:and\s+)?(?:adding|added|continuing)|і\s+додав\w*|и\s+добавил\w*)?"
    r"[\s,.;:—–-]*"
)


def _other_named(doc: Document, last: _Candidate, open_: int) -> bool:
    """Someone else is named in the attribution between two quotes ('“…,” Rubio said,
    adding that Lavrov agreed. “…”'): the second one may be theirs — unless that person
    is only an object ('crediting the talks to Donald Trump', 'referencing Trump')."""
    for m in doc.mentions:
        if not last.start < m.start < open_ or m.name == last.speaker.name:
            continue
        before = WORD.findall(doc.text[max(0, m.start - 60) : m.start])
        while before and before[-1][:1].isupper():
            before.pop()  # a title before the name ('to U.S. President Donald Trump')
        word = before[-1].lower() if before else ""
        if word in PREPOSITIONS[doc.language] or (
            doc.language == "en" and (word.endswith("ing") or speech_verb(word, "en") is not None)
        ):
            continue  # an object: 'to Trump', 'referencing Trump', 'Blinken told Lavrov'
        return True
    return False


def _continues(between: str) -> bool:
    """Nothing but punctuation (or 'adding') between an attributed quote and this one."""
    return "\n" not in between and _GOES_ON.fullmatch(between) is not None


_REOPENS = re.compile(r"\n(?=[«„“\"])")


def _paragraphs_of(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """An English quote over paragraphs that each open with the mark again (“…¶“…¶“…”)
    is one quote per paragraph (as English typesetting presents them); one that does not
    reopen stays whole."""
    open_, close = span
    breaks = [m.start() for m in _REOPENS.finditer(text, open_, close)]
    if not breaks:
        return [span]
    starts = [open_, *(b + 1 for b in breaks)]
    ends = [*breaks, close]
    return list(zip(starts, ends, strict=True))


def _title_case(line: str) -> bool:
    words = WORD.findall(line)
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _reported_fragment(open_: int, close: int, doc: Document) -> Speaker | None:
    """'Рябков сказал, что «разговор был трудным, но деловым»': a long quoted stretch of
    reported speech, its speaker the subject of the speech verb before it."""
    text = doc.text
    if len(WORD.findall(text[open_:close])) < REPORTED_WORDS:
        return None
    line_start = text.rfind("\n", 0, open_) + 1
    ends = list(SENTENCE_END.finditer(text, line_start, open_))
    start = ends[-1].end() if ends else line_start
    prefix = text[start:open_]
    if any(mark in prefix for mark in '«„“"”»'):
        return None  # another quote earlier in the sentence: whose words these are is unclear
    return attribution_in(start, open_, doc)


def _labelled(
    doc: Document, lines: Iterable[tuple[int, str]], spans: list[tuple[int, int]]
) -> list[_Candidate]:
    """'Name Surname: words…' or 'Name Surname: «…»' as its own paragraph (interviews,
    round-ups): the label must name a person, the words make a sentence."""
    found: list[_Candidate] = []
    for start, line in lines:
        match = _LABELLED.match(line)
        if not match or not all(w[:1].isupper() for w in match.group(1).split()):
            continue
        speaker = label_speaker(start, start + len(match.group(1)), doc)
        if speaker is None:
            continue
        body = start + match.end()
        span = next((s for s in spans if s[0] == body), None)
        if span is not None:
            found.append(
                _Candidate(body, _clean(doc.text[span[0] + 1 : span[1]]), speaker, span[1])
            )
        elif line[match.end() :][:1].isupper() and len(WORD.findall(line)) >= 8:
            found.append(_Candidate(body, _clean(line[match.end() :]), speaker, start + len(line)))
    return found


def _dialogues(doc: Document, lines: list[tuple[int, str]]) -> list[_Candidate]:
    """Dash-introduced speech: attributed inside ('— …, — сказав X'), or a run of dash
    paragraphs right after a line that introduces the speaker ('X рассказал журналистам
    об итогах.', 'Главный тренер «Y» X:' then '— …'). A question is somebody else's (an
    interview); in a run that has questions, a paragraph answers only after one (a
    journalist's remark or request — 'Оцените игру.' — is not the speaker's). Before the
    first question, every paragraph is the speaker's."""
    found: list[_Candidate] = []
    carry: Speaker | None = None
    previous_end = -2
    asked = True  # the first paragraph after the introducing line answers
    interview = False  # a question came in this run of paragraphs: answers alternate
    for start, line in lines:
        candidate = _dialogue(doc, start, line)
        follows = start == previous_end + 1
        asking = _asks(line, doc.language)
        if candidate is None and doc.language != "en" and not follows:
            intro_end = start - 1
            intro_start = doc.text.rfind("\n", 0, intro_end) + 1
            carry = intro_speaker(intro_start, intro_end, doc)
            asked, interview = True, False
        if candidate is None and doc.language != "en" and not asking:
            answers = asked or not interview
            if carry is not None and answers:
                body = start + len(line) - len(line.lstrip(" —–-"))
                candidate = _Candidate(body, _clean(line.lstrip(" —–-")), carry, start + len(line))
            asked = not answers  # a remark out of turn is the interviewer's: an answer follows
        elif candidate is not None:
            carry = None
        if asking:
            asked = interview = True
        if candidate:
            found.append(candidate)
        previous_end = start + len(line)
    return found


def _asks(line: str, language: str) -> bool:
    """An interviewer's line: a question, or a request ('— Оцените игру.')."""
    if line.rstrip().endswith("?"):
        return True
    first = WORD.search(line)
    return first is not None and language != "en" and _request(first.group(), language)


def _request(word: str, language: str) -> bool:
    """'Оцените', 'Охарактеризуйте', 'Розкажіть': an imperative addressed to 'you'."""
    return any({"VERB", "impr", "plur"} <= g for g in grams_of(word.lower(), language))


ATTRIBUTION_WORDS = 7  # '– додав він.', '– йдеться у повідомленні Білого дому.'


def _attributed_paragraphs(doc: Document, lines: list[tuple[int, str]]) -> list[_Candidate]:
    """Speech without quote marks, its attribution on the next line alone: 'На столі
    лежить пропозиція про мир,' then '– додав він.'"""
    found: list[_Candidate] = []
    for (start, line), (prev_start, prev) in zip(lines[1:], lines, strict=False):
        dash = re.match(r"[—–-]\s+", line)
        if not dash or len(WORD.findall(line)) > ATTRIBUTION_WORDS or prev[:1] in DASH:
            continue
        body = prev.rstrip().rstrip(",").strip()
        if len(WORD.findall(body)) < MIN_WORDS or any(mark in body[:1] for mark in '«„“"'):
            continue
        clause = (start + dash.end(), start + len(line))
        doc.cursor = prev_start
        speaker = attribution_after(*clause, doc)
        if speaker is None and not attributed_after(start - 1, start + len(line), doc):
            continue
        found.append(_Candidate(prev_start, _clean(body), speaker or UNNAMED, clause[1]))
    return found


def _dialogue(doc: Document, line_start: int, line: str) -> _Candidate | None:
    """'— Текст, — сказав X. — Ще текст.' (dash-dialogue paragraph)."""
    match = re.match(r"\s*[—–-]\s+", line)
    if not match:
        return None
    body_start = line_start + match.end()
    doc.cursor = body_start
    return _split_inside(doc.text[body_start : line_start + len(line)], body_start, doc)


UNNAMED = Speaker("", "unnamed")
UNCLOSED_WORDS = 6  # a paragraph opened with a mark that never closes: speech, not a term


def _unnamed(
    doc: Document, spans: list[tuple[int, int]], found: list[_Candidate], consumed: set[int]
) -> list[_Candidate]:
    """Quotes the text attributes to nobody it names (a statement, an unresolved 'he', a
    quoted paragraph): shown without a name. A quote ends its sentence, or a speech verb
    right after it attributes it; inside a sentence it needs a speech verb before it."""
    text = doc.text
    starts = sorted(c.start for c in found)
    out: list[_Candidate] = []
    for open_, close in spans:
        at = bisect_left(starts, open_)
        if open_ in consumed or (at < len(starts) and starts[at] <= close):
            continue  # taken with a speaker, joined to another quote, or a scare quote
        content = text[open_ + 1 : close]
        words = len(WORD.findall(content))
        if words < MIN_WORDS:
            continue
        line_start = text.rfind("\n", 0, open_) + 1
        ends = list(SENTENCE_END.finditer(text, line_start, open_))
        sentence_start = ends[-1].end() if ends else line_start
        before = text[sentence_start:open_]
        line_end = text.find("\n", close)
        line_end = len(text) if line_end < 0 else line_end
        after = text[close + 1 : line_end]
        tail = re.split(r"(?<=[.!?…])\s", after, maxsplit=1)[0]
        if content.rstrip()[-1:] in ".!?…" and re.match(r"\s+[A-ZА-ЯІЇЄҐЁ«„“\"]", after):
            tail = ""  # '“… on these issues.” Anything else …': the quote ended its sentence
        introduced = before.rstrip().endswith(":")
        if WORD.search(tail):  # '«…» — так називається книжка', '"…": a headline' fail
            attributed = attributed_after(close + 1, close + 1 + len(tail), doc) or (
                words >= MIN_WORDS and reported(sentence_start, open_, doc, calls=False)
            )  # 'По мнению посла, Вашингтон пытается «…» в отношении …'
        elif WORD.search(before):
            attributed = introduced or reported(sentence_start, open_, doc)
        else:
            attributed = _standalone_start(doc, open_)
        if not attributed:
            continue
        # a short phrase inside a sentence is a term or a title, unless speech is reported
        # around it ('said that NATO had a “serious and direct exchange” with …')
        short = words < REPORTED_WORDS - (not WORD.search(tail))
        if WORD.search(before) and not introduced and short:
            verb = reported(sentence_start, open_, doc, calls=False, intro=False)
            if words < MIN_WORDS or not verb:
                continue
        doc.cursor = open_
        speaker = intro_speaker_before(sentence_start, open_, doc) if before else None
        out.append(_Candidate(open_, _clean(content), speaker or UNNAMED, close))
    return out


def _headline_quote(doc: Document, head: str, lines: list[str]) -> list[_Candidate]:
    """'Владимир ШАРАН: «Получим премиальные за этот матч»': a headline that gives a
    person's words the story does not repeat is a quote of that person."""
    label = _LABELLED.match(head)
    span = next((s for s in quote_spans(head) if label and s[0] == label.end()), None)
    if label is None or span is None:
        return []
    speaker = label_speaker(0, len(label.group(1)), doc)
    content = _clean(head[span[0] + 1 : span[1]])
    body = " ".join(" ".join(lines).casefold().split())
    if speaker is None or " ".join(content.casefold().split()) in body:
        return []
    return [_Candidate(span[0], content, speaker, span[1])]


def _display(name: str) -> str:
    """'Андрей ДМИТРИЕВ' (a surname set in capitals) → 'Андрей Дмитриев'."""
    return " ".join(
        "-".join(p.capitalize() for p in w.split("-")) if w.isupper() and len(w) > 2 else w
        for w in name.split()
    )


def extract_quotes(
    paragraphs: Sequence[str], language: str, *, headline: str | None = None
) -> list[Quote]:
    """Key direct quotes with their speakers, best first (longer, by named people).

    The headline, when given, only names people ('Ушаков: …' then '— отметил он'); its
    own quotes are not taken (a headline quote repeats or trims one in the body).
    """
    if language not in ("uk", "ru", "en"):
        return []
    lines = [p.strip() for p in paragraphs if p and p.strip()]
    head = " ".join(headline.split()) if headline else ""
    if (head and lines and lines[0] == head) or (language == "en" and _title_case(head)):
        head = ""  # 'Blinken Says Will Not Deliver…': every word capitalised names nobody
    text = "\n".join([head, *lines] if head else lines)
    spans: list[tuple[int, int]] = []
    line_starts: list[int] = []
    offset = len(head) + 1 if head else 0
    by_line: list[list[tuple[int, int]]] = []
    for line in lines:
        line_starts.append(offset)
        by_line.append(quote_spans(line))
        spans.extend((offset + a, offset + b) for a, b in by_line[-1])
        offset += len(line) + 1
    long_spans = continued_spans(lines, line_starts, by_line)
    if long_spans:
        spans = [s for s in spans if not any(a <= s[0] <= b for a, b in long_spans)]
        if language == "en":  # English reopens every paragraph of a long quote: “…¶“…¶“…”
            long_spans = [part for span in long_spans for part in _paragraphs_of(text, span)]
        spans = sorted(spans + long_spans)
    # a quote opened and never closed (a broken mark, or the text cut short) runs to the
    # end of its line; it is taken only after a colon that names the speaker
    unclosed = []
    for start, line, own in zip(line_starts, lines, by_line, strict=True):
        at = unclosed_opener(line, own)
        if at >= 0 and not any(a <= start + at <= b for a, b in long_spans):
            unclosed.append((start + at, start + len(line)))
    dialogue_lines = [
        (start, line)
        for start, line in zip(line_starts, lines, strict=True)
        if line[:1] in DASH and line[1:2].isspace()
    ]
    labelled = any(_LABELLED.match(line) for line in lines)
    if not spans and not dialogue_lines and not unclosed and not labelled:
        return []
    doc = Document(text, language, sorted(spans + unclosed))
    collect_names(doc)
    consumed: set[int] = set()
    found = _candidates(doc, spans, consumed)
    for open_, end in unclosed:
        doc.cursor = open_
        speaker = attribution_before(open_, doc) if _standalone_start(doc, open_) else None
        body = _clean(doc.text[open_ + 1 : end])
        lead = doc.text[doc.text.rfind("\n", 0, open_) + 1 : open_].strip()
        opens_line = not lead or lead.endswith(":")  # '…after the Council: "The quagmire …'
        if speaker is None and opens_line and len(WORD.findall(body)) >= UNCLOSED_WORDS:
            speaker = UNNAMED  # a paragraph of speech whose mark never closes (cut or broken)
        if speaker is not None:
            found.append(_Candidate(open_, body, speaker, end))
    found.extend(_dialogues(doc, dialogue_lines))
    found.extend(_attributed_paragraphs(doc, list(zip(line_starts, lines, strict=True))))
    found.extend(_labelled(doc, zip(line_starts, lines, strict=True), spans))
    found.extend(_unnamed(doc, spans, found, consumed))
    if head:
        found.extend(_headline_quote(doc, head, lines))
    found.sort(key=lambda c: c.start)
    quotes: list[tuple[int, int, Quote]] = []
    seen: set[str] = set()
    for candidate in found:
        speaker = resolve_speaker(candidate.speaker, candidate.start, doc)
        if speaker is None:  # attributed, but to nobody certain: shown without a name
            speaker = UNNAMED
        # a resolved speaker is a fresh mention, as of the end of the attribution's
        # sentence (names in a clause after it do not take the paragraph from them)
        if speaker.kind == "person":
            at = max(candidate.start, candidate.end)
            gender = speaker.gender or name_gender(speaker.name, doc)  # 'Sergey …': he
            doc.mentions.append(Mention(at, speaker.name, gender, True, shown=True))
            doc.mentions.sort(key=lambda m: m.start)
        words = len(WORD.findall(candidate.text))
        if words < MIN_WORDS or candidate.text in seen:
            continue
        seen.add(candidate.text)
        tier = 2 if speaker.kind == "person" else 1 if speaker.kind == "org" else 0
        role = doc.posts.get(speaker.name, "") if speaker.kind == "person" else ""
        name = _display(speaker.name) if speaker.kind == "person" else speaker.name
        quotes.append((tier, words, Quote(candidate.text, name, role)))
    quotes.sort(key=lambda item: (-item[0], -item[1]))
    return [quote for _, _, quote in quotes]

"""Extractive summary: 2–3 whole sentences of the story, in their original order.

Score = centrality (TextRank over content-lemma overlap) + closeness to the title
+ a lead bonus (news puts the point first). Then pick greedily, skipping sentences
too close to one already picked (no near-duplicate pair), background lines
("Нагадаємо…", "Раніше…") and sentences that are not prose (headings, fragments,
questions to the reader).

Never picked: a sentence that repeats a quote shown below the summary, the headline
again, labels ("Деталі:"), photo captions and credits. A dateline in front of a
sentence ("КИЇВ, 10 січня — …", "(Reuters) -", "Feb. 21 (UPI) --", "GENEVA: …") is
cut off. A transcript's answer — from a speaker label ("SECRETARY NAME:", "MR.
NAME:", "QUESTION:") to the next one — is that person's speech, not the story's text.
A sentence whose opener needs an antecedent ("Про це він заявив…", "Данная
встреча…", "The diplomat, however, …", "Він …") is picked only right after the
sentence it leans on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from operator import mul

_BACKGROUND = re.compile(
    r"^\W*(?:нагадаємо|нагадуємо|раніше|як повідомлялося|як відомо|як ми писали|"
    r"як писав|до слова|довідка|тим часом|водночас|також|крім того|"
    r"напомним|ранее|как сообщалось|как известно|как мы писали|к слову|справка|"
    r"тем временем|между тем|кроме того|"
    r"earlier|previously|as reported|recall that|meanwhile|in other news|background)\b",
    re.IGNORECASE,
)
# Openers whose meaning hangs on the sentence before ("За його словами, …", "Він …",
# "Про це заявив …", "Данная встреча …"): out of context in a summary.
_ANAPHORIC = re.compile(
    r"^\W*(?:(?:за|на)\s+(?:його|її|їхніми|їхню|їх)\s+(?:словами|думку|даними)|"
    r"він|вона|вони|воно|його|її|їх|їхн\w*|це|цей|ця|ці|цього|цієї|цим|цими|цих|"
    r"такий|таке|така|такі|тому|при цьому|про це|дан(?:ий|а|е|і|ого|ої|им)|"
    r"по\s+(?:его|ее|её|их)\s+(?:словам|мнению|данным)|он|она|они|оно|его|ее|её|их|"
    r"это|этот|эта|эти|этого|этой|этим|этими|этих|поэтому|при этом|об этом|"
    r"данн(?:ый|ая|ое|ые|ого|ой|ым|ых)|так(?:ой|ая|ое|ие)|"
    r"according to (?:him|her|them)|he|she|they|his|her|their|this|these|those|that|"
    r"the (?:two|latter|former)\b)\b"
    # "Цього року …", "This week …": a time phrase, not a pointer back
    r"(?!\s+(?:року|рік|тижня|тиждень|місяця|дня|разу|ранку|вечора|літа|осені|зими|весни|"
    r"года|год|недели|неделе|месяца|месяце|утра|вечера|летом|осенью|зимой|весной|раз|"
    r"year|week|month|morning|evening|time|spring|summer|autumn|fall|winter)\b)",
    re.IGNORECASE,
)
# A role noun as the subject with no name after it ("Дипломат також заявив…", "The
# minister, however, …") stands for someone named before.
_ROLE_OPENER = re.compile(
    r"^\W*(?:the\s+)?(?:diplomat|minister|official|president|spokes(?:man|woman|person)|"
    r"envoy|senator|ambassador|secretary|chancellor|premier|leader|adviser|advisor|aide|"
    r"politician|дипломат|міністр|посадов\w+|президент|речни\w+|посол|посланець|"
    r"спецпосланець|прем['’]єр|лідер|радник|політик|очільни\w+|глава|министр|чиновник|"
    r"пресс-секретарь|прес-секретар|представител\w+|посланник|спецпосланник|премьер|лидер|"
    r"советник|замминистра|заступни\w+|замглавы|генсек\w*|спикер|спікер)\w*\b"
    r"(?P<after>(?:\s+\S+){0,3})",
    re.IGNORECASE,
)
# Contrast openers read oddly alone: last resort, like background lines.
_CONTRAST = re.compile(
    r"^\W*(?:однак|проте|але|втім|зате|однако|но|впрочем|зато|however|but|yet|still)\b",
    re.IGNORECASE,
)
# Photo captions and credits inside a sentence: "Фото: …", "(Photo: AP)", "© Reuters".
_CAPTION = re.compile(
    r"(?:^|[\s(])(?:фото|photo|світлина|снимок|зображення|image|скриншот|screenshot|"
    r"ілюстративне фото|иллюстративное фото)\s*[:©]|©|\bphoto(?:graph)?\s+by\b|"
    r"^\W*(?:на фото|on the photo|pictured|getty images)\b",
    re.IGNORECASE,
)
_MONTH_NAME = (
    r"(?:січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд|янв|фев|мар|апр|ма[йя]|"
    r"июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zа-яіїєё]*\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}\s+{_MONTH_NAME}|{_MONTH_NAME}\s+\d{{1,2}}|\d{{1,2}}\.\d{{1,2}})"
    r"(?:,?\s+\d{4})?"
)
# A transcript's speaker label ("SECRETARY BLINKEN:", "MR. PATEL:", "JEROME POWELL:",
# "QUESTION:"): what follows is that person's speech, not the story's own text. Two
# words and more, or a title or a question label; one bare word ("GENEVA:") is a
# dateline and is cut off instead.
_LABEL_TITLE = (
    r"(?:MR|MRS|MS|DR|SECRETARY|PRESIDENT|MINISTER|AMBASSADOR|SPOKESPERSON|SPOKESMAN|"
    r"SPOKESWOMAN|SENATOR|GENERAL|ADMIRAL|QUESTION|ANSWER|Q|A|MODERATOR|INTERVIEWER|"
    r"ВОПРОС|ОТВЕТ|ВЕДУЩИЙ|ПИТАННЯ|ВІДПОВІДЬ|ВЕДУЧИЙ)\.?"
)
_AGENCY = (
    r"(?:\s*[-—–]\s*[^.!?]{1,25}\.|\s*\.?\s*[(/][^)/]{1,25}[)/]\.?(?:\s*(?:--?|[—–]))?|"
    r"\s*(?:--?|[—–.]))"
)
# A dateline before the sentence proper: "МОСКВА, 6 декабря. /ТАСС/.", "KYIV, Jan 10
# (Reuters) -", "МОСКВА, 1 мар — РИА Новости.", "10 січня 2022, 14:30 —", "July 28,
# 2021 (Agency)—", "… (Reuters) -".
_DATELINE = re.compile(
    r"^\s*(?:date\s+)?\d{4}-\d{2}(?:-\d{2})?(?:T[\d:]+)?\s+"
    rf"|^\s*(?-i:[A-ZА-ЯІЇЄҐ]{{2,}}(?:[ -][A-ZА-ЯІЇЄҐ]{{2,}})*),\s+{_DATE}{_AGENCY}\s*"
    rf"|^\s*{_DATE}(?:\s+(?:року|года|р\.|г\.))?,?(?:\s*\d{{1,2}}:\d{{2}})?"
    r"(?:\s*\([^)]{1,30}\))?\s*(?:--?|[—–])\s*"
    r"|^[^.!?]{0,40}\((?:reuters|ap|afp|upi|tass|ria|bloomberg|cnn|bbc|sputnik)\)\s*(?:--?|[—–])\s*"
    rf"|^\s*(?-i:(?!{_LABEL_TITLE}:)[A-ZА-ЯІЇЄҐ]{{3,}}):\s+"
    r"|^\s*(?-i:[A-ZА-ЯІЇЄҐ]{2,}(?:[ -][A-ZА-ЯІЇЄҐ]{2,})*)\s*\([^)]{2,60}\)\s*[-—–]?\s*",
    re.IGNORECASE,
)
_CAPS_WORD = r"[A-ZА-ЯІЇЄҐЁ][A-ZА-ЯІЇЄҐЁ'’.-]*"
_SPEECH_LABEL = re.compile(
    rf"^\s*(?:{_LABEL_TITLE}(?:\s+{_CAPS_WORD}){{0,3}}|{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{1,3}})"
    r":\s+\S"
)
_NORMAL = re.compile(r"[\W_]+")
_QUOTE_RUN = 5  # words in a row shared with a shown quote make a repeat
_HEADLINE_SHARE = 0.7  # content lemmas shared with the headline, both ways
_PROSE_END = tuple(".!…")
_CLOSERS = "\"»”“'’) "  # a closing quote ends a sentence only after its full stop
_MIN_WORDS, _MAX_WORDS = 6, 60
_NEAR_DUPLICATE = 0.5  # Jaccard of content lemmas above which two sentences repeat
_DAMPING, _ROUNDS = 0.85, 20
_MAX_CANDIDATES = 40  # news puts the point early; caps the quadratic graph
_LONG_STORY = 8  # prose sentences from which a story gets the full `limit`
_MAX_CHARS = 700  # three long sentences make a wall of text in a chat message


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    lemmas: frozenset[str]  # content lemmas


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _centrality(items: Sequence[Candidate]) -> list[float]:
    """PageRank over the sentence-similarity graph, scaled so the top sentence is 1."""
    n = len(items)
    links: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    sets = [item.lemmas for item in items]
    # TextRank overlap, normalised by length so long sentences do not win by size:
    # common / (log |a| + log |b|); the logs once per sentence, not once per pair
    logs = [math.log(len(a)) if len(a) >= 2 else 0.0 for a in sets]
    linked = [i for i in range(n) if len(sets[i]) >= 2]  # shorter ones have no edges
    for k, i in enumerate(linked):
        a, log_a, row = sets[i], logs[i], links[i]
        for j in linked[k + 1 :]:
            common = len(a & sets[j])
            if common:
                w = common / (log_a + logs[j])
                row.append((j, w))
                links[j].append((i, w))
    totals = [sum(w for _, w in row) or 1.0 for row in links]
    # Incoming share of each neighbour, computed once for all rounds.
    sources = [[j for j, _ in row] for row in links]
    shares = [[w / totals[j] for j, w in row] for row in links]
    rank = [1.0 / n] * n
    base = (1 - _DAMPING) / n
    for _ in range(_ROUNDS):
        pick = rank.__getitem__
        rank = [
            base + _DAMPING * sum(map(mul, share, map(pick, source)))
            for source, share in zip(sources, shares, strict=True)
        ]
    top = max(rank) or 1.0
    return [r / top for r in rank]


def _normal(text: str) -> str:
    return " " + _NORMAL.sub(" ", text.casefold().replace("ё", "е")).strip() + " "


def _quote_runs(quotes: Sequence[str]) -> tuple[set[str], set[str]]:
    """Five-word runs of the shown quotes, and the whole of the shorter ones."""
    runs: set[str] = set()
    short: set[str] = set()
    for quote in quotes:
        words = _normal(quote).split()
        if len(words) <= _QUOTE_RUN:
            if words:
                short.add(" ".join(words))
            continue
        runs.update(" ".join(words[k : k + _QUOTE_RUN]) for k in range(len(words) - _QUOTE_RUN + 1))
    return runs, short


def _repeats_quote(text: str, runs: set[str], short: set[str]) -> bool:
    """Five words in a row (or a whole short quote) of a quote shown below it; `text`:
    the sentence, normalised."""
    words = text.split()
    if any(" ".join(words[k : k + _QUOTE_RUN]) in runs for k in range(len(words) - _QUOTE_RUN + 1)):
        return True
    return any(f" {q} " in text for q in short)


def _repeats_headline(item: Candidate, text: str, head: str, title_lemmas: frozenset[str]) -> bool:
    """`head`: the headline, `text` the sentence, both normalised."""
    # the headline's own sentence (a story that opens with it, a dated copy)
    if head.strip() and head in text and len(head.split()) >= _HEADLINE_SHARE * len(text.split()):
        return True
    common = len(item.lemmas & title_lemmas)
    return bool(common) and (
        common >= _HEADLINE_SHARE * len(item.lemmas)
        and common >= _HEADLINE_SHARE * len(title_lemmas)
    )


def needs_antecedent(sentence: str, *, roles: bool = True) -> bool:
    """The sentence opens with a pointer back ("Він …", "Про це …"), or (roles) with a
    role that stands for someone named before ("Дипломат також заявив …")."""
    if _ANAPHORIC.match(sentence):
        return True
    if not roles:
        return False
    role = _ROLE_OPENER.match(sentence)
    if role is None:
        return False
    # "Президент США Джо Байден заявив…": a name follows the role, nothing is missing.
    after = role.group("after").split()
    return not any(w[:1].isupper() and not w.isupper() and len(w) > 2 for w in after)


def without_dateline(sentence: str) -> str:
    """The sentence without a dateline in front of it (the rest, verbatim; "" when it
    is nothing but a dateline)."""
    for _ in range(3):  # "date 2022-10-22 МОСКВА, 22 окт — Агентство. …": two in a row
        found = _DATELINE.match(sentence)
        if found is None:
            return sentence
        rest = sentence[found.end() :].lstrip()
        if not any(ch.isalnum() for ch in rest):
            return ""  # a dateline on its own ("МОСКВА, 1 мар — Агентство.")
        if not (rest[:1].isupper() or rest[:1] in '«"“„'):
            return sentence
        sentence = rest
    return sentence


def _furniture(text: str) -> bool:
    """Labels and photo captions: never in a summary."""
    bare = text.strip()
    if bare.endswith(":"):  # _LABEL_END on a stripped line
        return True
    # _CAPTION inside a line needs a colon, "©" or "photo"; without them only its
    # opening alternative can match, at the start (no scan of every position)
    if ":" in bare or "©" in bare or "photo" in bare.lower():
        return bool(_CAPTION.search(bare))
    return bool(_CAPTION.match(bare))


def speech_label(sentence: str) -> bool:
    """The sentence opens with a transcript's speaker label: the words after it are
    that person's speech."""
    colon = sentence.find(":", 0, 60)
    return colon > 0 and bool(_SPEECH_LABEL.match(sentence))


def _is_prose(sentence: str) -> bool:
    words = len(sentence.split())
    return _MIN_WORDS <= words <= _MAX_WORDS and sentence.rstrip(_CLOSERS).endswith(_PROSE_END)


def summarize(
    sentences: Sequence[Candidate],
    title_lemmas: frozenset[str],
    limit: int = 3,
    *,
    title: str = "",
    quotes: Sequence[str] = (),
    speech: Collection[int] = (),
) -> tuple[str, ...]:
    """Up to `limit` sentences (2 for short stories), original order. `quotes` are the
    quotes shown with the summary, `title` the headline shown above it: neither is
    repeated. `speech`: positions of sentences that are a transcript's answer (the
    paragraph after a speaker label), never picked."""
    runs, short = _quote_runs(quotes)
    head = _normal(title)
    # Checked in order until enough candidates: news puts the point early, and a long
    # story's tail would only cost time.
    sentences = list(sentences)
    headline: set[int] = set()
    opening, any_prose, story_sentences = -1, False, 0
    graph: list[int] = []  # prose candidates, ranked together
    blocked: set[int] = set()  # ranked (they shape what is central) but never picked
    others: list[int] = []  # allowed but not prose: used only when nothing is prose
    for i, raw in enumerate(sentences):
        if len(graph) == _MAX_CANDIDATES:
            break
        undated = without_dateline(raw.text)  # most sentences have no dateline: kept as they are
        item = sentences[i] = raw if undated is raw.text else Candidate(undated, raw.lemmas)
        prose = _is_prose(item.text)
        story_sentences += prose  # quotes and the headline count for the story's length
        if prose and not any_prose:
            opening, any_prose = i, True
        if not item.lemmas or i in speech or _furniture(item.text) or speech_label(item.text):
            continue
        text = _normal(item.text) if head.strip() or runs or short else ""
        if _repeats_headline(item, text, head, title_lemmas):
            headline.add(i)
            blocked.add(i)
        elif (runs or short) and _repeats_quote(text, runs, short):
            blocked.add(i)
        (graph if prose else others).append(i)
    # The story's opening sentence when it is the headline again: the headline is
    # shown right above the summary, so the sentence after it may lean on it.
    opens_with_headline = opening in headline and not needs_antecedent(sentences[opening].text)
    if not any_prose:
        # no prose at all (notes, a list): the longer lines are what there is
        graph = [i for i in others if len(sentences[i].text.split()) >= _MIN_WORDS]
    free = [i for i in graph if i not in blocked]
    if not free:
        return ()
    items = [sentences[i] for i in graph]
    central = _centrality(items) if len(items) > 1 else [1.0]
    scores: dict[int, float] = {}
    leaning: set[int] = set()
    for rank, (index, item) in enumerate(zip(graph, items, strict=True)):
        if index in blocked:
            continue
        overlap = len(item.lemmas & title_lemmas) / (len(title_lemmas) or 1)
        lead = 1.0 / (1.0 + 0.35 * rank)
        score = central[rank] + 1.2 * overlap + 0.6 * lead
        if _BACKGROUND.match(item.text) or _CONTRAST.match(item.text):
            score *= 0.3  # background is the last resort, not forbidden
        if needs_antecedent(item.text):
            leaning.add(index)
        scores[index] = score
    want = min(limit if story_sentences >= _LONG_STORY else 2, len(free))
    picked: list[int] = []
    on_headline: list[int] = []  # picked because the headline before them is shown
    # Two rounds: a sentence that leans on the one before it may join once that one
    # is in (then it reads in context), or first when the one before is the headline
    # shown above the summary; alone it never does.
    for _round in range(2):
        for index in sorted(scores, key=lambda i: -scores[i]):
            if len(picked) == want:
                break
            if index in picked or any(index < p for p in on_headline):
                continue
            after_headline = False
            if index in leaning and index - 1 not in picked:
                # the headline is shown right above: the first sentence may lean on it
                if not (opens_with_headline and index - 1 == opening) or any(
                    p < index for p in picked
                ):
                    continue
                after_headline = True
            lemmas = sentences[index].lemmas
            if any(_jaccard(lemmas, sentences[p].lemmas) > _NEAR_DUPLICATE for p in picked):
                continue
            size = sum(len(sentences[p].text) for p in picked) + len(sentences[index].text)
            if picked and size > _MAX_CHARS and len(picked) >= 2:
                continue
            picked.append(index)
            if after_headline:
                on_headline.append(index)
    return tuple(sentences[i].text for i in sorted(picked))

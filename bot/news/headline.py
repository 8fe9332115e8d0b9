"""Which line of a story is its headline, when no title was given.

Scraped pages put furniture above the headline: menus ("Menu", "All news"), section
names, breadcrumbs, share bars, tickers (losses, currency, weather), "date … Site.com"
lines, image markup, contact lines. The headline is the line that is shaped like one
and that the story then talks about: its words come back in the text below it. So
each headline-shaped line near the top is scored by how many of its words recur in
the following text, earlier lines first; a line after the story has started loses.

Without such a line: a first line shaped like a heading is still the title (pasted
"Headline\\nText"), and a text that starts with prose gets its first sentence as the
headline and keeps the rest of that paragraph as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from bot.news.sentences import split_paragraph
from bot.news.summary import needs_antecedent, without_dateline

HEAD_LINES = 40  # the headline is near the top of a page (menus can be long)
_MIN_WORDS = 3  # "В России", "MADRID", "Pep Guardiola": rubrics, datelines, names
_FOLLOWING_WORDS = 250  # the text a headline is compared with
_MIN_OVERLAP = 0.3  # share of a headline's words the text below must repeat
_PROSE_PENALTY = 0.2  # per story paragraph above the line: a subheading, not the headline
_MARGIN = 0.3  # an earlier line this close to the best one is the headline
# A headline comes before the story, or right after a lead printed above it; a
# heading after that is a subheading.
_PROSE_BEFORE = 2
_SECTION_LINES = 60  # how far down another section heading is looked for
_MAX_WORDS = 30
_PROSE_WORDS = 15
_CAPTION_WORDS = 8  # shorter lines above the first paragraph are labels and counters
_SENTENCE_PARAGRAPHS = 3  # where a headline sentence is looked for in a story without one
_MIN_SENTENCE_WORDS = 5
_ABOUT_SHARE = 0.15  # of a line's words found in the story: a story sentence, not a footer
_QUOTE_OPENERS = tuple("«\"“„'‘—–-")
# A lead whose subject is a pronoun ("He stressed that …", "Вона заявила, що …"): only
# who speaks is missing, the story is there (an excerpt cut before the name)
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:he|she|they|він|вона|вони|он|она|они)\b", re.IGNORECASE)
# A reminder of earlier news: wire stories close with such a paragraph ("Напомним, …")
_REMINDER = re.compile(
    r"^\W*(?:нагадаємо|нагадуємо|як повідомлялося|напомним|как сообщалось|recall that|"
    r"as (?:previously )?reported)\b",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*")
_LETTER_WORD = re.compile(r"^[^\W\d_]")
_FURNITURE = re.compile(
    r"https?://|www\.|\.(?:com|org|net|ua|ru)\b|@\w|\+?\d[\d ()-]{8,}\d|©|<\w+|\]\(|"
    r"[$€£₴₽]\s?\d|\d\s?[$€£₴₽]|\d\s?°|°\s?[CF]\b|^\W*•|"
    r"\((?:фото|photo|foto)\b|\b(?:фото|photo|foto)\s*:",  # a photo caption
    re.IGNORECASE,
)
# Lines that open like archive pages, copyright notes, tag lists, dates of the page.
# "Home › World › Europe", "UA | RU | EN": two separators make a breadcrumb or a switcher
_SEPARATOR = re.compile(r"\s[|›»>/•·]\s")
_DIALOGUE = re.compile(r"\s*[—–-]\s+\w")
_FURNITURE_START = re.compile(
    r"^\W*(?:tag archives?|archives?|category|categories|tags?|рубрика|розділ|раздел|"
    r"copyright|date\s+\d|дата\s+\d|updated|оновлено|обновлено|\d{1,2}[.:/]\d{2}|"
    r"(?:source|джерело|источник|details|деталі|подробности|quote|цитата|background|"
    r"довідка|справка)\s*:|official website|офіційний сайт|официальный сайт|view settings)",
    re.IGNORECASE,
)
# Words of navigation and section names (4-letter stems): a line made only of them is
# a menu item, however short.
_NAV_STEMS = frozenset(
    word[:4]
    for word in str.split(
        "menu меню close закрити закрыть home головна главная news новини новости all усі всі "
        "все світ мир world politics політика политика economy економіка экономика business "
        "бізнес бизнес sport спорт culture культура society суспільство общество сервіси "
        "сервисы search пошук поиск login увійти войти more більше больше latest останні "
        "последние top топ video відео видео photo фото спецпроєкти потреби special needs read "
        "читати читать online онлайн live наживо page сторінка back назад наверх вгору"
    )
)
_FINAL = tuple(".!?…")
_DATE_IN_LINE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}"
    r"|\d{1,2}\s+(?:січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд|янв|фев|"
    r"мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)\w*\s+\d{4}|\d{1,2}\.\d{1,2}\.\d{4}",
    re.IGNORECASE,
)
# "date 2022-01-19 Headline": the page's date printed before its headline
_DATE_PREFIX = re.compile(r"^\s*(?:date|дата)?\s*\d{4}-\d{2}(?:-\d{2})?\s+(?=\D)", re.I)
_HASHTAG = re.compile(r"(?:^|\s)#[\w-]+")
# "Новини світу - Headline", "World | Headline": a section name printed before it
_RUBRIC = re.compile(r"^(.{2,40}?)\s[-–—|:]\s(?=\S)")
# "…гарантиях безопасности УкраинеЛидеры стран…": a headline glued to the next line
_GLUED = re.compile(r"(?<=[а-яіїєґё])(?=[А-ЯІЇЄҐЁ](?:[а-яіїєґё]|\s))")  # "…візитаУ Кремлі"
_ENDS_WITH_DATE = re.compile(
    rf"(?:{_DATE_IN_LINE.pattern}|\s\d{{4}})\W*(?:року|года|р|г)?\W*$", re.I
)
_ABBREVIATION_END = re.compile(r"(?:\b[A-ZА-ЯІЇЄҐ]\.)+$")
# A photo credit inside a line: "… à Genève. ©AFP Name Surname", "… (Photo: Agency)"
_CREDIT_MARK = re.compile(r"\s(?:©|\(?(?:фото|photo|foto)\s*:)", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
_OPEN_QUOTES = tuple('«"“„')
_MIN_CAPTION_WORDS = 5
_FULL_STOP_PENALTY = 0.3  # a line ending in a full stop is more often a lead or caption
_SHORT_WORDS = 4  # shorter words are too common to show that the text repeats a line


@dataclass(frozen=True, slots=True)
class Headline:
    title: str
    lines: tuple[str, ...]  # the story's lines without the headline and what was above it


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    """5-letter prefixes of the longer words: inflection-blind enough to see a
    headline's words come back in the text."""
    return frozenset(
        {
            w[:5]
            for w in (m.group(0).casefold().replace("ё", "е") for m in _WORD.finditer(text))
            if len(w) >= _SHORT_WORDS
        }
    )


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def is_prose(line: str) -> bool:
    """A story paragraph: long, or several sentences, ending like a sentence (a long
    one may end with the colon that introduces a quote)."""
    words = len(line.split())
    end = line.rstrip("»\"”“)'’ ")
    if words >= _PROSE_WORDS:
        return end.endswith((*_FINAL, ":"))
    return words >= 6 and end.endswith(_FINAL) and _sentence_count(line) > 1


@lru_cache(maxsize=4096)
def _sentence_count(line: str) -> int:
    return len(split_paragraph(line, ""))


def _is_navigation(line: str) -> bool:
    words = [w for w in _words(line) if len(w) > 2]
    return bool(words) and all(w.casefold()[:4] in _NAV_STEMS for w in words)


def headline_shaped(line: str) -> bool:
    """Could be a headline: a few words, mostly letters, no page furniture."""
    tokens = line.split()
    words = _words(line)
    if not words or len(tokens) > _MAX_WORDS or line.rstrip().endswith(":"):
        return False
    if sum(bool(_LETTER_WORD.match(t.lstrip("«\"“„'(‘"))) for t in tokens) < 0.6 * len(tokens):
        return False  # tickers, counters, dates with numbers
    if _FURNITURE_START.match(line) or len(_SEPARATOR.findall(line)) >= 2:
        return False
    first = _WORD.search(line)
    if _DIALOGUE.match(line) or (first and first.group()[:1].islower()) or line.endswith(","):
        return False  # '— Поздравляю команду …', 'подопечные создавали …,': not a headline
    if _FURNITURE.search(line) or _is_navigation(line):
        return False
    if _ENDS_WITH_DATE.search(line[-40:]):
        return False  # a caption or a dateline: "… у Женеві. 16 червня 2021 року"
    folded = [w.casefold() for w in words]
    if len(folded) >= 6 and len(set(folded)) < 0.75 * len(folded):
        return False  # a tag cloud: "Name Place Country Name Place Country"
    return not is_prose(line)


def _full_stop(line: str) -> bool:
    end = line.rstrip()
    return end.endswith(".") and not end.endswith("..") and not _ABBREVIATION_END.search(end)


def _enough_words(line: str) -> bool:
    """Three words, or two of which one is not a name ("Russian-US talks", not
    "Pep Guardiola" or "В России")."""
    words = _words(line)
    if len(words) >= _MIN_WORDS:
        return True
    return len(words) == 2 and any(w[:1].islower() for w in words)


def _candidates(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(line index, headline text) for the top lines. A page date before the headline
    ("date 2022-01-19 Headline") is cut off, and so is what a first line glues after
    a headline: a date, a byline, the text ("Title February 21, 2023Name, Site …")."""
    out: list[tuple[int, str]] = []
    prose = 0
    for i, line in enumerate(lines[:HEAD_LINES]):
        prefix = _DATE_PREFIX.match(line)
        if prefix:
            line = line[prefix.end() :]
        line = _HASHTAG.sub("", line).strip()
        rubric = _RUBRIC.match(line)
        if rubric and _is_navigation(rubric.group(1)):
            line = line[rubric.end() :]
        glued = _GLUED.search(line)
        if glued and len(line[: glued.start()].split()) >= _MIN_WORDS:
            line = line[: glued.start()]
        # a headline may name a role ("Замглавы МИД заявил …"), not point back ("Про це …")
        if headline_shaped(line) and not needs_antecedent(line, roles=False):
            if _enough_words(line):
                out.append((i, line))
        elif i == 0:
            date = _DATE_IN_LINE.search(line) if len(line.split()) > _MAX_WORDS else None
            head = line[: date.start()].strip() if date else ""
            if not (head and headline_shaped(head) and len(head.split()) >= 4):
                head = _glued_head(line)
            if head:
                out.append((i, head))
        if is_prose(line):
            prose += 1
            if prose >= _PROSE_BEFORE:
                break
    return out


def _glued_head(line: str) -> str:
    """The headline of a page header flattened into one line: breadcrumbs, the headline,
    a photo caption (the sentence before the credit) and the credit and byline ('Home
    World "Headline": words Caption sentence. ©Agency Name'); '' when the line is not
    shaped so. The caption starts where a capitalised word follows a lower-case one
    that is not a short joining word ('Russia and America', 'Russie et Etats-Unis')."""
    credit = _CREDIT_MARK.search(line)
    before = line[: credit.start()].rstrip() if credit else ""
    if not before.endswith("."):
        return ""  # no caption sentence closed before a credit
    tokens = list(_TOKEN.finditer(before))
    start = _after_breadcrumbs([t.group() for t in tokens])
    if not start:
        return ""  # a caption line with its credit, no header before it
    for k in range(start + 4, len(tokens) - _MIN_CAPTION_WORDS + 1):
        word, prev = tokens[k].group(), tokens[k - 1].group()
        if not (word[:1].isupper() and prev[:1].islower() and prev[-1:].isalnum()):
            continue
        if len(prev) <= 3:
            continue  # a joining word inside the headline
        head = before[tokens[start].start() : tokens[k - 1].end()]
        if headline_shaped(head) and _enough_words(head):
            return head
    return ""


def _after_breadcrumbs(words: Sequence[str]) -> int:
    """Index of the first word after breadcrumbs opening a line: section names
    ('Home World Europe') before a quoted headline, or navigation words; 0 if none."""
    quoted = next((k for k, w in enumerate(words) if w.startswith(_OPEN_QUOTES)), None)
    if quoted and quoted >= 2 and all(w[:1].isupper() and w.isalpha() for w in words[:quoted]):
        return quoted
    k = 0
    while k < len(words) - 1 and _is_navigation(words[k]):
        k += 1
    return k


def _context(lines: Sequence[str], index: int, title: str) -> set[str]:
    """Stems of the text around a line: the prose above it and what follows (copies
    of the line left out), so a headline printed under its lead is judged too."""
    found: set[str] = set()
    for line in lines[:index]:
        if is_prose(line):
            found |= _stems(line)
    rest = lines[index]
    at = rest.find(title)
    if at >= 0:
        found |= _stems(rest[at + len(title) :])
    count = 0
    for line in lines[index + 1 :]:
        if line.startswith(title):
            line = line[len(title) :]
        found |= _stems(line)
        count += len(line.split())
        if count >= _FOLLOWING_WORDS:
            break
    return found


def _score(lines: Sequence[str], index: int, title: str) -> float:
    stems = _stems(title)
    if not stems:
        return 0.0
    # One repeated word is chance ("Все проекты", "Made in Russia"), not a headline;
    # +1 so that a short menu item does not outscore a long headline by luck.
    common = len(stems & _context(lines, index, title))
    overlap = common / (len(stems) + 1) if common >= 2 else 0.0
    # Story paragraphs above it (a footer or a cookie notice is not the story starting).
    story = stems | _context(lines[index:], 0, title)
    above = sum(is_prose(line) and _about(line, story) for line in lines[:index])
    if above and _sectioned(lines, index):
        return 0.0  # the first of several section headings under the lead
    return overlap - _PROSE_PENALTY * above - _FULL_STOP_PENALTY * _full_stop(title)


def _sectioned(lines: Sequence[str], index: int) -> bool:
    """Another heading further down, between paragraphs: the text has sections."""
    return any(
        headline_shaped(line) and _enough_words(line) and not _full_stop(line)
        for line in lines[index + 1 : index + 1 + _SECTION_LINES]
    )


def _rest(lines: Sequence[str], index: int, title: str) -> tuple[str, ...]:
    """Lines after the headline; above it only sentences about the story (a lead
    printed before the headline, "Про це пише …"), not menus, tickers or footers;
    later copies of the headline go, and a line that starts with it keeps only what
    follows."""
    heading = _stems(title)
    story = heading | _context(lines[index:], 0, title)  # below it only
    kept = [
        line
        for line in lines[:index]
        if _is_sentence(line)
        and (_about(line, story) or len(_stems(line) & heading) >= max(2, len(heading) // 3))
    ]
    line = lines[index]
    at = line.find(title)
    tail = line[at + len(title) :].strip() if at >= 0 else ""
    if _WORD.search(tail) and not _CREDIT_MARK.search(tail):
        kept.append(tail)  # a photo caption with its credit is not story text
    for line in lines[index + 1 :]:
        if line.strip() == title:
            continue
        if line.startswith(title) and len(line) > len(title):
            tail = line[len(title) :].strip()
            if _WORD.search(tail):
                kept.append(tail)
            continue
        kept.append(line)
    return tuple(kept)


def _is_sentence(line: str) -> bool:
    return is_prose(line) or (len(line.split()) >= _MIN_SENTENCE_WORDS and _ends_sentence(line))


def _about(line: str, story: frozenset[str] | set[str]) -> bool:
    """The line shares enough words with the story to be part of it."""
    stems = _stems(line)
    common = len(stems & story)
    return common >= 2 and common >= _ABOUT_SHARE * len(stems)


def doubled_lines(raw: Sequence[str]) -> frozenset[str]:
    """Lines of the top of a page printed twice in a row (no blank line between): an
    image's alt text, then its caption."""
    top = [" ".join(line.split()) for line in raw[: 2 * HEAD_LINES]]
    return frozenset(a for a, b in pairwise(top) if a and a == b)


def _unpictured(
    scored: list[tuple[float, int, str]], lines: Sequence[str], doubled: frozenset[str]
) -> list[tuple[float, int, str]]:
    """Without the candidates printed twice in a row (see doubled_lines) when a headline
    follows them: a line below, printed once, that the text repeats and that does not end
    like a sentence. A headline printed twice with no such line after it stays."""

    def pictured(index: int) -> bool:
        return " ".join(lines[index].split()) in doubled

    kept = []
    for k, (score, index, title) in enumerate(scored):
        if pictured(index) and any(
            s >= _MIN_OVERLAP and not pictured(i) and not _full_stop(t)
            for s, i, t in scored[k + 1 :]
        ):
            continue
        kept.append((score, index, title))
    return kept


def find_headline(lines: Sequence[str], doubled: frozenset[str] = frozenset()) -> Headline:
    """The headline of cleaned story lines and the lines that remain the story;
    `doubled`: lines the page printed twice in a row (doubled_lines of the raw text)."""
    if not lines:
        return Headline("", ())
    scored = [(_score(lines, i, title), i, title) for i, title in _candidates(lines)]
    if doubled:
        scored = _unpictured(scored, lines, doubled)
    top = max((score for score, _, _ in scored), default=0.0)
    for score, index, title in scored:  # reading order: the first good one
        if score >= _MIN_OVERLAP and score >= top - _MARGIN:
            return Headline(title, _rest(lines, index, title))
    # Nothing the text repeats enough: a headline-shaped line above the first paragraph.
    first_prose = next((i for i, line in enumerate(lines) if is_prose(line)), len(lines))
    above = [c for c in scored if c[1] < first_prose and not _full_stop(c[2])]
    if above:
        # the last one, but a headline before two- or three-word furniture ('Перейти в
        # Дзен', 'Есть новость?') rather than the furniture
        _, index, title = max(above, key=lambda c: (c[0], len(_words(c[2])) > 3, c[1]))
        return Headline(title, _rest(lines, index, title))
    if headline_shaped(lines[0]):
        return Headline(lines[0], tuple(lines[1:]))
    return _first_sentence(lines)


def _first_sentence(lines: Sequence[str]) -> Headline:
    """A story that starts with prose: its first sentence heads it. The paragraph
    stays whole (its quotes are still found; the summary skips the headline's
    sentence); short lines above it that are not sentences (counters, labels) go.
    The headline is the first sentence that stands on its own: not a bare dateline,
    not one that leans on another ("Про це пише …"), not a quote without its speaker,
    not a later paragraph's reminder of earlier news ("Напомним, …"). An opening
    paragraph that lacks only its subject's name ("He stressed that …") keeps its
    sentence rather than a later paragraph's; the plain first sentence when none of the
    first paragraphs has one."""
    first = next((i for i, line in enumerate(lines) if is_prose(line)), None)
    if first is None:
        return Headline(lines[0], tuple(lines[1:]))
    title = ""
    for k, line in enumerate(lines[first : first + _SENTENCE_PARAGRAPHS]):
        lead = ""  # the opening paragraph's sentence that lacks only its subject's name
        for sentence in split_paragraph(_undated(line), ""):
            sentence = without_dateline(sentence)
            if not _words(sentence):
                continue
            title = title or sentence  # the plain first sentence, if none stands alone
            if _standalone(sentence) and not (k and _REMINDER.match(sentence)):
                title = sentence
                break
            if k == 0 and not lead and _leans_by_subject(sentence):
                lead = sentence
        else:
            if lead:  # it tells the story; a later paragraph's sentence is body text
                title = lead
                break
            continue
        break
    title = title or _undated(lines[first])
    above = [a for a in lines[:first] if len(a.split()) >= _CAPTION_WORDS or _ends_sentence(a)]
    return Headline(title.strip(), (*above, *lines[first:]))


def _undated(line: str) -> str:
    prefix = _DATE_PREFIX.match(line)
    return line[prefix.end() :] if prefix else line


def _standalone(sentence: str) -> bool:
    words = sentence.split()
    return (
        len(words) >= _MIN_SENTENCE_WORDS
        and not sentence.lstrip().startswith(_QUOTE_OPENERS)
        and not needs_antecedent(sentence)
    )


def _leans_by_subject(sentence: str) -> bool:
    """The sentence points back only through its subject, a pronoun or a role
    ("He stressed that the talks …", "Дипломат заявив, що …"), not through what it says
    ("Про це пише …", "This was …")."""
    if len(sentence.split()) < _MIN_SENTENCE_WORDS or not _is_sentence(sentence):
        return False
    if _PRONOUN_SUBJECT.match(sentence):
        return True
    return needs_antecedent(sentence) and not needs_antecedent(sentence, roles=False)


def _ends_sentence(line: str) -> bool:
    return line.rstrip("»\"”“)'’ ").endswith(_FINAL)

"""Sentences of a paragraph, for uk, ru and en.

Paragraph (line) breaks always end a sentence. Inside a paragraph razdel does the
splitting: it already handles initials («В. Зеленський», U.S.), lower-case
continuations (5 тис. людей) and most quotes. tokenize-uk's SRX engine handles the
same cases but costs ~5 ms per article against razdel's ~0.4 ms, which would eat
half the per-article budget. A repair pass then glues what razdel still cuts:
abbreviations before a name or a number (м. Київ, вул. Хрещатик, Jan. 26, Mr. Price)
and sentences cut inside an open quote («Чому? Навіщо!» — і пішов).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from razdel import sentenize
from razdel.segmenters.sentenize import DELIMITER

# razdel splits only after a delimiter followed by a space and more text: a paragraph
# without one is a single sentence, and razdel's rule pass over it can be skipped.
_MAY_SPLIT = re.compile(DELIMITER + r"\s+\S")

# Abbreviations that are followed by a capitalised name or a number, lower-cased,
# without the dot. razdel splits after them; we join back.
_ABBREVIATIONS = frozenset(
    [
        "м",
        "смт",
        "с",
        "сел",
        "вул",
        "просп",
        "пров",
        "пл",
        "бульв",
        "б-р",
        "обл",
        "р-н",
        "ім",
        "акад",
        "проф",
        "доц",
        "д-р",
        "ген",
        "св",
        "ст",
        "гр",
        "о",
        "п",
        "пп",
        "т",
        "зв",
        "див",
        "рис",
        "табл",
        "напр",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "sen",
        "rep",
        "gov",
        "st",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "vs",
        "lt",
        "col",
        "capt",
        "sgt",
        "г",
        "ул",
        "пер",
        "им",
        "тов",
        "гг",
    ]
)


def _ends_with_abbreviation(sentence: str) -> bool:
    r"""The word before a final stop is one of _ABBREVIATIONS: the regex
    `([^\W\d_][\w-]*)\.$`, read from the end instead of tried at every position."""
    end = len(sentence) - 1
    if sentence.endswith(".\n"):
        end -= 1  # `$` also matches before a final newline
    if end < 1 or sentence[end] != ".":
        return False
    start = end  # the run of word characters and hyphens before the stop
    while start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] in "_-"):
        start -= 1
    # the match opens at the run's first letter (not a digit, "_" or "-")
    for k in range(start, end):
        ch = sentence[k]
        if ch.isalnum() and not ch.isdecimal():
            return sentence[k:end].lower() in _ABBREVIATIONS
    return False


def _open_quote(sentence: str) -> bool:
    """True when a quote opened in the sentence is still open at its end."""
    if sentence.count("«") > sentence.count("»"):
        return True
    low = sentence.count("„")  # „…“ and „…” both occur; “ then closes, not opens
    if low:
        if low > sentence.count("“") + sentence.count("”"):
            return True
    elif sentence.count("“") > sentence.count("”"):
        return True
    return sentence.count('"') % 2 == 1


def _join(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if out and (_ends_with_abbreviation(out[-1]) or _open_quote(out[-1])):
            out[-1] = f"{out[-1]} {part}"
        elif out and part[:1].islower():
            out[-1] = f"{out[-1]} {part}"  # a sentence never starts lower-case
        else:
            out.append(part)
    return out


# Scraped text glues sentences together: "— сказал он.Прайс добавил". A stop between a
# word and a capitalised one, with no space, ends a sentence (initials "В.Зеленський"
# and "U.S.Army" have one letter before the stop; "News.Az" is a name).
# The match is the stop (and a closing quote after it); the cut falls at its end. It
# opens with the stop so that the regex engine skips to stops instead of testing the
# look-behind at every character.
_GLUED = re.compile(r"[.!?…](?<=[^\W\d_]{2}[.!?…])[\"»”]?(?=[A-ZА-ЯІЇЄҐЁ][a-zа-яіїєґё]{2})")


def _unglue(part: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for glued in _GLUED.finditer(part):
        head = part[start : glued.end()]
        if _ends_with_abbreviation(head):
            continue  # "вул.Хрещатик"
        pieces.append(head)
        start = glued.end()
    pieces.append(part[start:])
    return pieces


def razdel_sentences(paragraph: str) -> list[str]:
    """razdel's sentences as strings: sentenize() without its last step, which finds
    where each one starts and ends in the paragraph (unused here)."""
    chunks = sentenize.segment(sentenize.split(paragraph))
    return list(sentenize.post(chunks) if sentenize.post else chunks)


def split_paragraph(paragraph: str, language: str) -> list[str]:
    """Sentences of one paragraph, whitespace-trimmed, each a substring of it."""
    if _MAY_SPLIT.search(paragraph):
        parts = [s.strip() for s in razdel_sentences(paragraph)]
    else:
        parts = [paragraph.strip()]
    parts = [piece for p in parts if p for piece in _unglue(p)]
    if len(parts) < 2:
        return parts
    joined = _join(parts)
    # Joining used single spaces; map back to the exact source text.
    return [_exact(paragraph, s) for s in joined]


def _exact(paragraph: str, sentence: str) -> str:
    if sentence in paragraph:
        return sentence
    pattern = r"\s+".join(re.escape(w) for w in sentence.split())
    found = re.search(pattern, paragraph)
    return found.group(0) if found else sentence


def split_sentences(paragraphs: Iterable[str], language: str) -> list[str]:
    """Sentences of all paragraphs in order; a paragraph break always ends one."""
    return [s for p in paragraphs for s in split_paragraph(p, language)]

"""Checks for what people type: numbers with bounds, text with content, no lone
surrogates. Pure functions; handlers and services call them before doing anything."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

MAX_ID = 2**53  # ids are SQLite integers; anything longer is not one of ours
MIN_WORDS = 3  # a story says something: at least this many words with letters
_SURROGATE = re.compile("[\ud800-\udfff]")
MIN_LETTERS = 10
_OPENING = 500  # characters has_content reads first
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def parse_number(text: str | None, *, low: int, high: int) -> int | None:
    """An integer written in ASCII digits within [low, high], or None: no signs, no
    exponents, no superscripts or other digits (² is a digit to str.isdigit)."""
    raw = (text or "").strip()
    if not raw or not raw.isascii() or not raw.isdecimal() or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(text: str | None) -> int | None:
    """A positive id ("12", "#12") up to MAX_ID, or None."""
    return parse_number((text or "").strip().removeprefix("#"), low=1, high=MAX_ID)


def parse_offset(text: str | None, *, high: int) -> int:
    """A paging offset: ASCII digits within [0, high], anything else 0."""
    raw = (text or "").strip()
    if not raw.isascii() or not raw.isdecimal() or len(raw) > len(str(high)) + 1:
        return 0
    return min(int(raw), high)


def strip_surrogates(text: str) -> str:
    """Lone UTF-16 surrogates (Telegram's JSON can carry them) cannot be encoded as UTF-8
    and would fail the first write; they carry no character, so they go."""
    return _SURROGATE.sub("", text)


@cache
def _format_characters() -> re.Pattern[str]:
    """Every format character (Unicode category Cf: zero-width spaces, soft hyphens,
    direction marks) as one character class of ranges: a regex pass costs a story
    microseconds where the category of each character cost it a millisecond. Built on
    first use (~0.1 s)."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) != "Cf":
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")


def words(text: str) -> list[str]:
    """Words with letters, in any script; digits, emoji and punctuation are not words.
    Format characters go first, so a word they split stays one word."""
    return _WORD.findall(_format_characters().sub("", text))


def has_content(text: str, *, min_words: int = MIN_WORDS) -> bool:
    """At least `min_words` words with letters (MIN_LETTERS in all): not an emoji, quote
    marks, dots, a number or zero-width spaces."""
    # Words and letters only add up along a text (a word cut at the end of an opening
    # is still a word of it), so an opening that has enough answers for a whole story.
    if len(text) > _OPENING and _enough(words(text[:_OPENING]), min_words):
        return True
    return _enough(words(text), min_words)


def _enough(found: list[str], min_words: int) -> bool:
    return len(found) >= min_words and sum(map(len, found)) >= MIN_LETTERS

"""Morphology: lemmas for uk/ru (pymorphy3) and en (Snowball), cached. Words of any
other language stay as written, lower-cased: a Bulgarian or German story is indexed
and found by its words, never by a guess of the Ukrainian analyzer.

Analyzers load lazily, once per process; `lemma()` is memoised because news text
repeats a small vocabulary and pymorphy3 costs ~20 µs per uncached word.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import pymorphy3
import snowballstemmer

MORPH_LANGUAGES = ("uk", "ru")


@cache
def analyzer(language: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=language if language in MORPH_LANGUAGES else "uk")


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def parses(word: str, language: str) -> list[Any]:
    """All pymorphy3 parses of a word (uk/ru); empty for English."""
    if language not in MORPH_LANGUAGES:
        return []
    try:
        return list(analyzer(language).parse(word))
    except ValueError:  # pymorphy3 raises on letters Unicode has no name for
        return []


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """Dictionary form, lower-cased. All-caps words (НАТО, США) take the abbreviation
    reading: we keep them as they are (lower-cased) instead of guessing a noun."""
    if language == "en":
        return str(_stemmer().stemWord(word.lower()))
    if language not in MORPH_LANGUAGES:
        return word.lower()
    if len(word) > 1 and word.isupper():
        return word.lower()
    try:
        found = analyzer(language).parse(word)
    except ValueError:  # letters without a Unicode name (e.g. U+17000): keep as written
        return word.lower()
    return str(found[0].normal_form) if found else word.lower()


def warm_up(languages: tuple[str, ...] = ("uk", "ru", "en")) -> None:
    """Load dictionaries now (start-up) instead of on the first story."""
    for language in languages:
        lemma("тест" if language != "en" else "test", language)

"""Morphology: lemmas for uk/ru (pymorphy3) and en (Snowball), cached. Words of any
other language stay as written, lower-cased: a Bulgarian or German story is indexed
and found by its words, never by a guess of the Ukrainian analyzer.

Analyzers load lazily, once per process; parses and lemmas are memoised because news
text repeats a small vocabulary and pymorphy3 costs ~50 µs per uncached word.
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
    return list(_parsed(word, language))


@lru_cache(maxsize=200_000)
def _parsed(word: str, language: str) -> tuple[Any, ...]:
    # One pymorphy3 call per word: lemmas and the quote finder's grammar both read it.
    try:
        return tuple(analyzer(language).parse(word))
    except ValueError:  # pymorphy3 raises on letters Unicode has no name for
        return ()


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
    found = _parsed(word, language)  # empty for letters without a Unicode name
    return str(found[0].normal_form) if found else word.lower()


def warm_up(languages: tuple[str, ...] = ("uk", "ru", "en")) -> None:
    """Load dictionaries now (start-up) instead of on the first story."""
    for language in languages:
        lemma("тест" if language != "en" else "test", language)

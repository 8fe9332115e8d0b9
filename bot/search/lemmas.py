"""Lemmas for the search index, queries, snippets and watches — one way for all four.

The shared tokenizer and lemmatizer live in bot.news.lemmas (the same lemmas
analyze() produces); this module only adds what search needs on top: token spans
for snippets and the choice of languages a query is read in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.news.lemmas import lemmatize_text, lemmatize_words, words

# Same token shapes as bot.news.lemmas: dotted abbreviations, words with inner
# apostrophes/hyphens, numbers. Used only to find spans in original text.
TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*|\d+(?:[.,]\d+)*")

LANGUAGES = ("uk", "ru", "en")
# Stories in any other language are indexed by their words as written, lower-cased
# (bot.news.morph); a query is also read that way so it finds them.
RAW = "other"
_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def _named(token: str) -> bool:
    return all(unicodedata.name(ch, "") for ch in token)


def lemmatize(text: str, language: str) -> list[str]:
    """Lemmas of a text in order, exactly as stories are indexed."""
    try:
        return lemmatize_text(text, language)
    except ValueError:
        # pymorphy3 raises on letters Unicode has no name for (e.g. U+17000):
        # such tokens stay as written, the rest is lemmatized as usual.
        out: list[str] = []
        run: list[str] = []
        for token in words(text):
            if _named(token):
                run.append(token)
                continue
            out += lemmatize_words(run, language)
            out.append(token.lower())
            run = []
        return out + lemmatize_words(run, language)


def index_text(text: str, language: str) -> str:
    """The text of one FTS column: lemmas separated by spaces."""
    return " ".join(lemmatize(text, language))


@lru_cache(maxsize=100_000)
def token_lemma(token: str, language: str) -> str:
    """Lemma of one surface token (single-word aliases applied), for snippets."""
    found = lemmatize(token, language)
    return found[0] if len(found) == 1 else token.lower()


def query_languages(text: str, language: str | None = None) -> tuple[str, ...]:
    """Languages to read a query in. A lang: filter decides; otherwise letters do:
    і/ї/є/ґ → uk, ы/э/ъ/ё → ru, other Cyrillic → both, Latin adds en (Latin words
    inside Cyrillic stories are lemmatized by the uk/ru analyzer, so they stay), and
    last as written (RAW) for stories in other languages. lang:bg reads it as written."""
    if language:
        return (language,)
    chars = set(text)
    found: list[str] = []
    if _CYRILLIC.search(text) or not _LATIN.search(text):
        if chars & _UK_ONLY and not chars & _RU_ONLY:
            found.append("uk")
        elif chars & _RU_ONLY and not chars & _UK_ONLY:
            found.append("ru")
        else:
            found += ["uk", "ru"]
    if _LATIN.search(text):
        found.append("en")
        for extra in ("uk", "ru"):
            if extra not in found:
                found.append(extra)
    return (*found, RAW)

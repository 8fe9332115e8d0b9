"""The same search in another language: an English query's words in Ukrainian or
Russian (news/data/glossary.toml; names through bot.news.names.spellings), for the
reader whose search found nothing. Pure: no I/O."""

from __future__ import annotations

import re
from functools import cache

from bot.news.data_files import load
from bot.news.names import spellings
from bot.search.query import Query, parse

TARGETS = ("uk", "ru")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")


@cache
def _glossary(language: str) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in load("glossary").get(language, {}).items()}


def _name_in(word: str, language: str) -> str | None:
    """A listed name in Cyrillic, the Ukrainian spelling for uk (і, ї, є), else the other."""
    cyrillic = [s for s in spellings(word, derive=False) if _CYRILLIC.search(s)]
    ukrainian = [s for s in cyrillic if _UKRAINIAN.search(s)]
    preferred = ukrainian if language == "uk" else [s for s in cyrillic if s not in ukrainian]
    chosen = preferred or cyrillic
    return chosen[0] if chosen else None


def translate(query: Query, language: str) -> str | None:
    """The query with its words (and "phrases") in `language`, filters kept; None when a
    word has no translation or the query has no Latin word."""
    if query.phrases or query.excluded or not query.words:
        return None
    glossary = _glossary(language)
    words = list(query.words)
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2]).lower()
        if i + 1 < len(words) and pair in glossary:
            out.append(glossary[pair])
            i += 2
            continue
        word = words[i]
        found = glossary.get(word.lower()) or _name_in(word, language)
        if found is None:
            return None
        out.append(found)
        i += 1
    filters = [
        f"{key}:{value}"
        for key, value in (("topic", query.topic), ("source", query.source))
        if value and " " not in value
    ]
    return " ".join(out + filters)


def alternatives(text: str) -> list[tuple[str, str]]:
    """(language, query) for each language the English query translates into."""
    query = parse(text)
    if query.language or any(_CYRILLIC.search(w) for w in query.words):
        return []
    found: list[tuple[str, str]] = []
    for language in TARGETS:
        translated = translate(query, language)
        if translated and all(translated != other for _, other in found):
            found.append((language, translated))
    return found

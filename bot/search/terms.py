"""A parsed query in lemmas (what bot.search.engine plans a search from).

A query whose language is unclear is read in each plausible language and the
readings are OR-ed: "ракета" lemmatizes the same in uk and ru, "Trump" gets the
English stem and the uk/ru reading of a Latin word.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from bot.news.names import spellings
from bot.search.lemmas import lemmatize, query_languages
from bot.search.query import Query

MAX_SPELLINGS = 8  # extra readings of a query for names in other scripts

Lemmas = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """The query lemmatized in one language."""

    language: str
    required: tuple[Lemmas, ...]  # each a word (1 lemma) or a phrase (several, in order)
    excluded: tuple[Lemmas, ...]

    @property
    def lemmas(self) -> frozenset[str]:
        return frozenset(lem for group in self.required for lem in group)


def readings(query: Query) -> tuple[Reading, ...]:
    """One Reading per plausible language, duplicates dropped; empty if nothing to find.
    A name is also read in its other scripts' spellings (Price ↔ Прайс, Blinken ↔
    Блінкен ↔ Блинкен: bot.news.names.spellings), each spelling a reading of its own."""
    found = list(_readings(query))
    for words in _respelled(query.words):
        for reading in _readings(replace(query, words=words)):
            if reading not in found and not _same(reading, found):
                found.append(reading)
    return tuple(found)


def _respelled(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The query's words with names spelled in other scripts (a capitalised word is a
    name to transliterate; any word may be a listed name), at most MAX_SPELLINGS."""
    options = [
        (word, *spellings(word, derive=word[:1].isupper())) if word[:1].isalpha() else (word,)
        for word in words
    ]
    if all(len(o) == 1 for o in options):
        return []
    combos = itertools.islice(itertools.product(*options), 1, MAX_SPELLINGS + 1)
    return [tuple(c) for c in combos]


def _readings(query: Query) -> tuple[Reading, ...]:
    if query.is_empty:
        return ()
    surface = " ".join(query.words + query.phrases + query.excluded)
    found: list[Reading] = []
    for language in query_languages(surface, query.language):
        required = _groups(query.words, language, split=True) + _groups(
            query.phrases, language, split=False
        )
        reading = Reading(language, required, _groups(query.excluded, language, split=False))
        if reading.required and reading not in found and not _same(reading, found):
            found.append(reading)
    return tuple(found)


def _groups(items: tuple[str, ...], language: str, *, split: bool) -> tuple[Lemmas, ...]:
    """Words one lemma each (aliases may fold "Російська Федерація" into one), phrases whole."""
    out: list[Lemmas] = []
    if split and items:
        # Lemmatize the words together so multi-word aliases still fold.
        for lem in lemmatize(" ".join(items), language):
            if (lem,) not in out:
                out.append((lem,))
        return tuple(out)
    for item in items:
        group = tuple(lemmatize(item, language))
        if group and group not in out:
            out.append(group)
    return tuple(out)


def _same(reading: Reading, found: list[Reading]) -> bool:
    return any(r.required == reading.required and r.excluded == reading.excluded for r in found)


def highlight_lemmas(found: tuple[Reading, ...]) -> frozenset[str]:
    """Lemmas worth marking in a snippet: every required lemma of every reading."""
    out: frozenset[str] = frozenset()
    for r in found:
        out |= r.lemmas
    return out

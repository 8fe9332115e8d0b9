"""Words → lemmas, the same way for analysis, topics, search queries and fingerprints.

Tokens are words (letters, inner hyphens and apostrophes), dotted abbreviations
(U.S.) and numbers. Each word becomes its lemma (bot.news.morph), then aliases from
data/aliases.toml fold names of one actor together (РФ, Кремль → росія).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.news import morph
from bot.news.data_files import load

# Dotted abbreviations first (U.S., Е.С.), then words with inner ' - ’ ʼ, then numbers.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*|\d+(?:[.,]\d+)*",
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def words(text: str) -> list[str]:
    """Word and number tokens in text order (surface forms)."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=200_000)
def word_lemma(word: str, language: str) -> str:
    """Lemma of one surface token, before aliases (memoised per word form: the same
    forms recur in every story, and analysis, topics and search all ask)."""
    form = _forms().get(word)
    if form is not None:
        return form
    if word[0].isdigit():
        return word
    if "." in word:  # dotted abbreviation not in [forms]: keep letters only
        return word.replace(".", "").lower()
    return morph.lemma(word.translate(_APOSTROPHES), language)


@dataclass(frozen=True, slots=True)
class _Aliases:
    single: dict[str, str]
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]  # first lemma -> (lemmas, target)


@cache
def _forms() -> dict[str, str]:
    return {k: str(v) for k, v in load("aliases").get("forms", {}).items()}


@cache
def _aliases(language: str) -> _Aliases:
    single: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, target in load("aliases").get(language, {}).items():
        parts = tuple(word_lemma(w, language) for w in words(key))
        if len(parts) == 1:
            single[parts[0]] = str(target)
        elif parts:
            phrases.setdefault(parts[0], []).append((parts, str(target)))
    for options in phrases.values():
        options.sort(key=lambda item: -len(item[0]))  # longest phrase wins
    return _Aliases(single, phrases)


def apply_aliases(lemmas: Sequence[str], language: str) -> list[str]:
    """Replace alias words and phrases by their target lemma."""
    table = _aliases(language)
    if table.phrases.keys().isdisjoint(lemmas):  # most sentences: one lookup per lemma
        single = table.single
        return [single.get(lemma, lemma) for lemma in lemmas]
    out: list[str] = []
    i, n = 0, len(lemmas)
    while i < n:
        current = lemmas[i]
        options = table.phrases.get(current)
        if options:
            for parts, target in options:
                if tuple(lemmas[i : i + len(parts)]) == parts:
                    out.append(target)
                    i += len(parts)
                    break
            else:
                out.append(table.single.get(current, current))
                i += 1
            continue
        out.append(table.single.get(current, current))
        i += 1
    return out


def _splits(word: str, language: str) -> bool:
    """Hyphenated names of two actors ("US-Russia", "США-Росія") are two words; in
    English every hyphenated compound is ("arms-control", "Russia-Ukraine")."""
    if "-" not in word:
        return False
    if language == "en":
        return True
    return any(len(part) > 1 and part.isupper() for part in word.split("-"))


@lru_cache(maxsize=200_000)
def token_lemmas(word: str, language: str) -> tuple[str, ...]:
    """Lemmas of one surface token before aliases: one, or one per compound part."""
    if _splits(word, language):
        return tuple(word_lemma(part, language) for part in word.split("-") if part)
    return (word_lemma(word, language),)


def lemmatize_words(tokens: Iterable[str], language: str) -> list[str]:
    return apply_aliases([lem for w in tokens for lem in token_lemmas(w, language)], language)


def lemmatize_text(text: str, language: str) -> list[str]:
    """Lemmas of a text or a search query, exactly as analyze() indexes a story."""
    return lemmatize_words(words(text), language)


@cache
def stopwords(language: str) -> frozenset[str]:
    return frozenset(str(load("stopwords").get(language, "")).split())


def content(lemmas: Iterable[str], language: str) -> list[str]:
    """Lemmas that carry content: no function words, no one-letter tokens."""
    stop = stopwords(language)
    return [lem for lem in lemmas if len(lem) > 1 and lem not in stop]

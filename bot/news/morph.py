"""Morphology: lemmas for uk/ru (pymorphy3) and en (Snowball), cached. Words of any
other language stay as written, lower-cased: a Bulgarian or German story is indexed
and found by its words, never by a guess of the Ukrainian analyzer.

Analyzers load lazily, once per process; parses and lemmas are memoised because news
text repeats a small vocabulary and pymorphy3 costs ~30 µs per uncached word. A lemma
alone costs ~4 µs (dictionary_lemma): the dictionary lookup pymorphy3 starts with,
without building every parse.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, NamedTuple

import pymorphy3
import snowballstemmer

MORPH_LANGUAGES = ("uk", "ru")


@cache
def analyzer(language: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=language if language in MORPH_LANGUAGES else "uk")


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


# One reading of a word: (pymorphy3's tag as text, normal form, True when the reading
# comes from the dictionary itself rather than a guess from the word's ending).
Reading = tuple[str, str, bool]


def parses(word: str, language: str) -> list[Any]:
    """All pymorphy3 parses of a word (uk/ru), in readings()' order; empty for English.
    Not memoised: for what needs pymorphy3's own objects (inflect, a typed query)."""
    if language not in MORPH_LANGUAGES:
        return []
    try:
        return list(analyzer(language).parse(word))
    except ValueError:  # pymorphy3 raises on letters Unicode has no name for
        return []


def readings(word: str, language: str) -> tuple[Reading, ...]:
    """Every parse of a word as a Reading (memoised: a shared tuple; () for English)."""
    if language not in MORPH_LANGUAGES:
        return ()
    return _readings(word, language)


@lru_cache(maxsize=200_000)
def _readings(word: str, language: str) -> tuple[Reading, ...]:
    # Plain tuples of strings, not pymorphy3's Parse: the garbage collector stops
    # tracking them, where each cached Parse kept four tracked objects that every full
    # collection walked again (most of a fresh process's collection time).
    found = _dictionary_readings(word, language)
    if found is not None:
        return found
    return tuple((str(p.tag), str(p.normal_form), _known(p)) for p in parses(word, language))


def inflected(word: str, language: str, index: int, grammeme: str) -> str | None:
    """readings(word)[index] put in the form `grammeme` names ('nomn'), as pymorphy3's
    inflect() gives it (the word parsed again: inflection is rare, memoised by callers)."""
    found = parses(word, language)
    form = found[index].inflect({grammeme}) if index < len(found) else None
    return None if form is None else str(form.word)


def _known(parse: Any) -> bool:
    return any(type(step[0]).__name__ == "DictionaryAnalyzer" for step in parse.methods_stack)


@cache
def _first_group(language: str) -> tuple[Any, ...]:
    """The parse() of each unit pymorphy3 runs with the dictionary before its first
    terminal unit (initials, for uk also Roman numbers and Latin words)."""
    units = analyzer(language)._units
    end = next(k for k, unit in enumerate(units) if unit.is_terminal)
    return tuple(unit.analyzer.parse for unit in units[1 : end + 1])


def _dictionary_readings(word: str, language: str) -> tuple[Reading, ...] | None:
    """readings() of a dictionary word without building pymorphy3's Parse objects: its
    dictionary readings in the dictionary's order, for ru sorted (stably) by P(tag|word)
    as pymorphy3 sorts them. That is all pymorphy3 finds when the other units of the
    dictionary's group find nothing (it stops at the group's end once it has a reading);
    None when only the full parse can tell."""
    lookup = _lookup(language)
    if lookup is None or len(word) < 2:
        return None
    normal_form, tag_of, prob = lookup.normal_form, lookup.tag_of, lookup.prob
    lower = word.lower()
    if any(parse(word, lower, set()) for parse in _first_group(language)):
        return None
    try:
        found = _dictionary_items(lookup, lower)
    except ValueError:
        return None
    if not found:
        return None
    rows = [(fixed, para_id, idx) for fixed, pairs in found for para_id, idx in pairs]
    tags = [tag_of(para_id, idx) for _, para_id, idx in rows]
    out = [
        (str(tag), str(normal_form(para_id, idx, fixed)), True)
        for tag, (fixed, para_id, idx) in zip(tags, rows, strict=True)
    ]
    if prob is not None:
        probs = [prob(lower, tag) for tag in tags]
        if sum(probs) != 0:
            order = sorted(range(len(out)), key=probs.__getitem__, reverse=True)
            out = [out[i] for i in order]
    return tuple(out)


# The units pymorphy3 runs first, in its order for uk and ru; dictionary_lemma() relies
# on it (checked when the analyzer loads: another layout turns the shortcut off).
_FIRST_UNITS = (
    "DictionaryAnalyzer",
    "AbbreviatedFirstNameAnalyzer",
    "AbbreviatedPatronymicAnalyzer",
)


class _Lookup(NamedTuple):
    """What dictionary_lemma() calls, bound once per language."""

    similar_items: Any
    get: Any
    substitutes: dict[Any, Any]  # pymorphy3's char_substitutes (bytes: uk г → ґ, ru е → ё)
    letters: tuple[str, ...]  # the letters substitutes replaces
    normal_form: Any
    tag_of: Any
    prob: Any  # P(tag|word), None for uk


@cache
def _lookup(language: str) -> _Lookup | None:
    """What dictionary_lemma() calls, bound once per language; None when the analyzer's
    layout is not the one it relies on."""
    morph = analyzer(language)
    first = tuple(type(unit.analyzer).__name__ for unit in morph._units[:3])
    estimator = morph.prob_estimator
    if first != _FIRST_UNITS or (
        estimator is not None and type(estimator) is not pymorphy3.analyzer.ProbabilityEstimator
    ):
        return None
    dictionary = morph.dictionary
    prob = estimator.p_t_given_w.prob if estimator is not None else None
    substitutes = morph.char_substitutes or {}
    return _Lookup(
        dictionary.words.similar_items,
        dictionary.words.get,
        substitutes,
        tuple(key.decode() if isinstance(key, bytes) else key for key in substitutes),
        dictionary.build_normal_form,
        dictionary.build_tag_info,
        prob,
    )


def _dictionary_items(lookup: _Lookup, lower: str) -> list[tuple[str, Any]]:
    """pymorphy3's similar_items(lower, substitutes): the dictionary's spellings of the
    word, each letter it may write otherwise (uk г/ґ, ru е/ё) tried both ways. A word
    without such a letter has only itself to look up: a plain get, ~40 % cheaper."""
    for letter in lookup.letters:
        if letter in lower:
            return list(lookup.similar_items(lower, lookup.substitutes))
    found = lookup.get(lower)
    return [(lower, found)] if found else []


def dictionary_lemma(word: str, language: str) -> str | None:
    """The normal form of parse(word)[0] when the word is in the dictionary (uk/ru),
    found without building every parse; None when only the full parse can tell.

    pymorphy3 lists the dictionary's readings first (in the dictionary's order); the
    initials units add readings only for one capital letter, and the units after them
    append theirs; for ru it then sorts by P(tag|word), stably, so the first reading
    with the highest probability leads."""
    if len(word) < 2:
        return None
    lookup = _lookup(language)
    if lookup is None:
        return None
    normal_form, tag_of, prob = lookup.normal_form, lookup.tag_of, lookup.prob
    lower = word.lower()
    try:
        found = _dictionary_items(lookup, lower)
    except ValueError:  # not encodable (a lone surrogate): the full parse decides
        return None
    if not found:
        return None
    if prob is None:
        fixed, readings = found[0]
        para_id, idx = readings[0]
        return str(normal_form(para_id, idx, fixed))
    best, best_p = (found[0][0], found[0][1][0]), -1.0
    for fixed, readings in found:
        for reading in readings:
            p = prob(lower, tag_of(*reading))
            if p > best_p:
                best, best_p = (fixed, reading), p
    fixed, (para_id, idx) = best
    return str(normal_form(para_id, idx, fixed))


def lemma(word: str, language: str) -> str:
    """Dictionary form, lower-cased. All-caps words (НАТО, США) take the abbreviation
    reading: we keep them as they are (lower-cased) instead of guessing a noun. Not
    memoised here: lemmas.word_lemma() is, and is its only caller."""
    if language == "en":
        return str(_stemmer().stemWord(word.lower()))
    if language not in MORPH_LANGUAGES:
        return word.lower()
    if len(word) > 1 and word.isupper():
        return word.lower()
    known = dictionary_lemma(word, language)
    if known is not None:
        return known
    found = readings(word, language)  # empty for letters without a Unicode name
    return found[0][1] if found else word.lower()


def warm_up(languages: tuple[str, ...] = ("uk", "ru", "en")) -> None:
    """Load dictionaries now (start-up) instead of on the first story."""
    for language in languages:
        lemma("тест" if language != "en" else "test", language)

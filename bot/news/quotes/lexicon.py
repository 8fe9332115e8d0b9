"""Word-level knowledge: speech verbs and pronouns (data/speech_verbs.toml via
data_files), prepositions, cached morphology, and word shape tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from bot.news import data_files
from bot.news.morph import readings
from bot.news.quotes.spans import Token


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


PREPOSITIONS = {
    "uk": _wordset(
        "в у на під до з із зі від для по про за після перед через при між над без біля серед "
        "щодо крізь попри навколо"
    ),
    "ru": _wordset(
        "в во у на под до с со от для по про за после перед через при между над без около "
        "среди о об обо к ко из"
    ),
    "en": _wordset("in on at to from for by with about after before of into over under"),
}


INTRO = {  # "За словами Прайса, «…»": the speaker stands in the genitive (or 'його')
    "uk": re.compile(
        r"(?:^|\s)(?:за\s+(?:його\s+|її\s+)?словами|з\s+(?:його|її)\s+слів|"
        r"на\s+(?:його\s+|її\s+)?думку|як\s+зазначила?\s+у\s+коментарі)(?:\s+|(?=,))",
        re.I,
    ),
    "ru": re.compile(r"(?:^|\s)по\s+(?:его\s+|ее\s+|её\s+)?(?:словам|мнению)(?:\s+|(?=,))", re.I),
    "en": re.compile(r"(?:^|\s)according\s+to\s+", re.I),
}


EN_ORG_WORDS = _wordset(
    "Department Ministry Office House Kremlin Council Committee Agency Service Police Bank "
    "Commission Parliament Government Reuters Embassy Army Court Pentagon NATO Union"
)


EN_ARTICLES = {"the", "a", "an", "this", "that"}


@dataclass(frozen=True, slots=True)
class Lexicon:
    verbs: frozenset[str]
    document_verbs: frozenset[str]
    pronouns: dict[str, str]
    first_names: frozenset[str]  # nominatives the dictionary lacks as names ('Володимир')
    generic_roles: frozenset[str]  # 'дипломат', 'the official': resolved like pronouns
    titles: frozenset[str]  # en: words before a name that are not part of it
    roles: frozenset[str]  # en: title words that name a post ('the minister said')
    places: frozenset[str]  # en: words that make a capitalised phrase a place or a body
    relay_verbs: frozenset[str]  # 'приводит слова X': X speaks, not the verb's subject
    name_heads: frozenset[str]  # 'авиабаза Рамштайн': the apposition names a thing
    genders: dict[str, str]  # en: first name → 'masc' / 'femn'


@cache
def speech_lexicon(language: str) -> Lexicon:
    data = data_files.load("speech_verbs")[language]
    return Lexicon(
        frozenset(data["verbs"]),
        frozenset(data["document_verbs"]),
        dict(data["pronouns"]),
        frozenset(data.get("first_names", ())),
        frozenset(data.get("generic_roles", ())),
        frozenset(data.get("titles", ())),
        frozenset(data.get("roles", ())),
        frozenset(data.get("places", ())),
        frozenset(data.get("relay_verbs", ())),
        frozenset(data.get("name_heads", ())),
        {
            **dict.fromkeys(data.get("male_names", ()), "masc"),
            **dict.fromkeys(data.get("female_names", ()), "femn"),
        },
    )


# memoised there: one tuple per word, not two; the function itself, not a wrapper that
# would cost a call more on each of some 100 look-ups a story
word_readings = readings


@lru_cache(maxsize=20_000)
def _tag_grams(tag: str) -> frozenset[str]:
    """One set per tag (a dictionary has a few thousand), shared by every word that has
    the reading: fewer objects for the garbage collector to walk."""
    return frozenset(tag.replace(" ", ",").split(","))


_NAME_READING = frozenset({"NOUN", "anim"})


@lru_cache(maxsize=100_000)
def grams_of(word: str, language: str) -> tuple[frozenset[str], ...]:
    """Grammemes of each parse (shared, read-only: a copy per call cost more than the rest
    of the lookup; the cached function itself, called some 150 times a story)."""
    known = speech_lexicon(language).first_names if language in ("uk", "ru") else frozenset()
    out = []
    for tag, normal_form, _ in word_readings(word, language):
        grams = _tag_grams(tag)
        if normal_form in known and grams >= _NAME_READING:
            grams = grams | {"Name"}  # 'Володимир': the animate reading is the first name
        out.append(grams)
    return tuple(out)


@lru_cache(maxsize=50_000)
def speech_verb(word: str, language: str) -> str | None:
    """'masc' / 'femn' / 'plur' / '' (no gender) when the word is a speech verb, else None."""
    lex = speech_lexicon(language)
    lower = word.lower()
    if language == "en":
        return "" if lower in lex.verbs else None
    if lower[0].isupper() if lower else False:
        return None
    for tag, normal_form, _ in word_readings(lower, language):
        if normal_form in lex.verbs and ({"VERB", "ADJF", "ADJS"} & set(tag_parts(tag))):
            grams = set(tag_parts(tag))
            for gender in ("masc", "femn", "plur"):
                if gender in grams:
                    return gender
            return ""
    return None


@lru_cache(maxsize=50_000)
def relay_verb(word: str, language: str) -> bool:
    """'приводит', 'цитирует', 'передає': a verb that relays someone else's words."""
    lex = speech_lexicon(language)
    return language != "en" and any(
        normal_form in lex.relay_verbs and "VERB" in tag
        for tag, normal_form, _ in word_readings(word.lower(), language)
    )


@lru_cache(maxsize=50_000)
def names_a_thing(word: str, language: str) -> bool:
    """'авиабазе', 'формате', 'місті': a noun whose capitalised apposition is the name of
    a place, a format or a body ('на авиабазе Рамштайн'), never a person."""
    lex = speech_lexicon(language)
    return language != "en" and any(
        normal_form in lex.name_heads and "NOUN" in tag
        for tag, normal_form, _ in word_readings(word.lower(), language)
    )


def tag_parts(tag: Any) -> list[str]:
    return str(tag).replace(" ", ",").split(",")


def is_document_verb(word: str, language: str) -> bool:
    lex = speech_lexicon(language)
    if language == "en":
        return False
    return any(
        normal_form in lex.document_verbs
        for _, normal_form, _ in word_readings(word.lower(), language)
    )


def capitalized(word: str) -> bool:
    return word[:1].isupper()


_FUNCTION = {"CONJ", "PREP", "PRCL", "INTJ", "NPRO", "ADVB"}


def namelike(word: str, language: str) -> bool:
    """Capitalised and not a sentence-initial function word ('І', 'А', 'Тож')."""
    if not capitalized(word) or (len(word) < 2 and language != "en"):
        return False
    if language == "en":
        return word.lower() not in EN_ARTICLES | {"but", "and", "so", "then", "also"}
    grams = grams_of(word.lower(), language)
    return not (grams and all(_FUNCTION & g for g in grams))


def latin(word: str) -> bool:
    return word[:1].isascii()


def is_abbreviation(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def past_verb_gender(word: str, language: str) -> str | None:
    """'заявила' → 'femn': the gender a past-tense verb agrees in (None if not one)."""
    if not word.islower() or language == "en":
        return None
    genders = {
        gender
        for grams in grams_of(word, language)
        if "VERB" in grams
        for gender in ("masc", "femn")
        if gender in grams
    }
    return genders.pop() if len(genders) == 1 else None


def after_thing(text: str, start: int, language: str) -> bool:
    """The word right before `start` (spaces or an opening quote mark between) is a noun
    whose apposition names a thing: 'на авиабазе Рамштайн', 'у форматі «Рамштайн»'."""
    if language == "en":
        return False
    end = start
    while end > 0 and start - end < 3 and text[end - 1] in ' «„“"':
        end -= 1
    if end == start or end == 0 or not text[end - 1].isalpha():
        return False
    begin = end - 1
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] in "-'’ʼ"):
        begin -= 1
    word = text[begin:end]
    return word[:1].islower() and names_a_thing(word, language)


_OF_TITLE = re.compile(r"([A-Za-z]+)\s+(?:of|for)\s+(?:the\s+)?$")


def portfolio_cut(run: list[Token], text: str) -> list[Token]:
    """'Minister of Economy Yulia …', 'Minister for Foreign Affairs Ann Linde': the first
    word after '<title> of|for' names the portfolio, not the person."""
    before = text[max(0, run[0].start - 40) : run[0].start] if run else ""
    found = _OF_TITLE.search(before) if before.endswith(("of ", "for ", "the ")) else None
    if found and found.group(1).lower() in speech_lexicon("en").titles:
        return run[1:]
    return run

"""Name forms: same-person matching across cases, nominatives, genders, role nouns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from bot.news.morph import inflected
from bot.news.names import name_key
from bot.news.quotes.lexicon import (
    EN_ARTICLES,
    grams_of,
    is_abbreviation,
    speech_lexicon,
    tag_parts,
    word_readings,
)
from bot.news.quotes.spans import Token


def restore_case(new: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    return "-".join(part[:1].upper() + part[1:] for part in new.split("-"))


_ENDINGS = {
    "",
    "а", "я", "у", "ю", "ом", "ем", "єм", "ові", "еві", "єві", "і", "ї", "е", "о", "ої", "ій",
    "ою", "єю", "им", "ого", "ому", "ім", "ы", "ой", "ым", "ей", "ую",
}  # fmt: skip
_LONGEST_ENDING = max(map(len, _ENDINGS))


def _stem(nominative: str) -> str:
    lower = nominative.lower()
    for tail in ("ий", "ій", "ой", "ая", "ий", "а", "я", "о", "ь", "й"):
        if lower.endswith(tail) and len(lower) - len(tail) >= 3:
            return lower[: -len(tail)]
    return lower


def _fleeting(nom: str) -> str:
    """'знарок' → 'знарк' (Знарка), 'ковалець' stays: a vowel that drops in other cases."""
    if len(nom) >= 5 and nom[-2] in "оеє" and nom[-1] in "кцнрл":
        return nom[:-2] + nom[-1]
    return nom


@lru_cache(maxsize=100_000)
def same_name(form: str, nominative: str) -> bool:
    """Прайса ~ Прайс, Іжевської ~ Іжевська, Бондаренка ~ Бондаренко, Знарка ~ Знарок
    (suffix rules)."""
    form, nom = form.lower(), nominative.lower()
    if form == nom:
        return True
    for stem in {nom, _stem(nom), _fleeting(nom)}:
        if len(stem) >= 3 and form.startswith(stem) and form[len(stem) :] in _ENDINGS:
            return True
    return False


@lru_cache(maxsize=50_000)
def name_keys(nominative: str) -> frozenset[str]:
    """Keys under which a name is filed so that same_name(form, it) holds exactly when
    one of form_keys(form) is among them (an index instead of a scan of every name)."""
    nom = nominative.lower()
    return frozenset({nom, *(s for s in (nom, _stem(nom), _fleeting(nom)) if len(s) >= 3)})


@lru_cache(maxsize=50_000)
def form_keys(form: str) -> frozenset[str]:
    """The form itself and its stems once a case ending is cut off (see name_keys)."""
    lower = form.lower()
    n = len(lower)
    # endings are at most three letters: look the word's last 1–3 up instead of trying
    # every ending; a stem keeps at least three letters
    cut = (lower[: n - k] for k in range(1, _LONGEST_ENDING + 1) if lower[n - k :] in _ENDINGS)
    return frozenset({lower, *(k for k in cut if len(k) >= 3)})


_NOT_NAME = {
    "VERB",
    "CONJ",
    "PREP",
    "PRCL",
    "INTJ",
    "NPRO",
    "ADVB",
    "GRND",
    "PRTF",
    "NUMR",
    "Geox",
    "Orgn",
}


@lru_cache(maxsize=50_000)
def person_grams(word: str, language: str) -> bool:
    """A first name, surname or patronymic — not a function word that happens to be one."""
    if len(word) < 2 or (is_abbreviation(word) and len(word) < 4):
        return False
    grams = grams_of(word, language)
    if any(_NOT_NAME & g for g in grams):
        return False
    return any({"Name", "Surn", "Patr"} & g for g in grams)


def in_dictionary(word: str, language: str) -> bool:
    return any("UNKN" not in g for g in grams_of(word, language))


CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def to_nominative(words: Sequence[str], language: str, case: str | None) -> str | None:
    """Nominative of a name sequence; see _to_nominative (memoised: a story names the
    same people again and again, and pymorphy3's inflect() is slow)."""
    return _to_nominative(tuple(words), language, case)


@lru_cache(maxsize=50_000)
def _to_nominative(words: tuple[str, ...], language: str, case: str | None) -> str | None:
    """Nominative of a name sequence ('Олександра Грабаря' → 'Олександр Грабар').

    `case` is the case the context demands (None: any, nominative preferred). A token the
    dictionary does not know passes unchanged only in the nominative; in another case the
    caller must have matched it against a name seen in the text, so this returns None.
    """
    if language == "en":
        return " ".join(words)
    order = [case] if case else list(CASES)
    for wanted in order:
        out: list[str] = []
        for word in words:
            if is_abbreviation(word) and not person_grams(word, language):
                out.append(word)
                continue
            chosen = -1  # the reading to inflect, by its index
            for k, (tag, _, _) in enumerate(word_readings(word, language)):
                grams = set(tag_parts(tag))
                if wanted in grams and ({"NOUN", "ADJF"} & grams):
                    chosen = k
                    if {"Name", "Surn", "Patr"} & grams:
                        break
            if chosen < 0:
                # a surname the dictionary misreads ('Западенко' → a vocative) passes as is
                if wanted == "nomn" and not any(
                    {"Name", "Surn", "Patr"} & g for g in grams_of(word, language)
                ):
                    out.append(word)
                    continue
                break
            if wanted == "nomn":
                out.append(word)
                continue
            nominative = _nominative_of(word, language, chosen)
            if nominative is None:
                break
            out.append(restore_case(nominative, word))
        else:
            return " ".join(out)
    return None


@lru_cache(maxsize=20_000)
def _nominative_of(word: str, language: str, reading: int) -> str | None:
    """inflected() to the nominative, memoised per word: one word comes in several name
    sequences ('Путіна', 'Володимира Путіна'), and each inflection parses it again."""
    return inflected(word, language, reading, "nomn")


# surname endings whose nominative has a distinct female form (Петров/Петрова,
# Іжевський/Іжевська); any other masculine-looking nominative ('Шерман', 'Грабар') is also
# what a woman of that family is called, so it says nothing about gender
_MASC_SURNAME_ENDINGS = ("ов", "ев", "єв", "ін", "ин", "їн", "ий", "ій", "ой", "ый")


def _surname_gender(word: str, language: str) -> str | None:
    readings = [g for g in grams_of(word, language) if "Surn" in g and "Fixd" not in g]
    nominative = [g for g in readings if "nomn" in g]
    if nominative:
        top = nominative[0]
        if "femn" in top:
            return "femn"
        if "masc" in top and word.lower().endswith(_MASC_SURNAME_ENDINGS):
            return "masc"
        return None
    for grams in readings:  # an inflected form: 'Шермана', 'Іжевської'
        if "masc" in grams:
            return "masc"
        if "femn" in grams:
            return "femn"
    return None


def gender_of_name(words: Sequence[str], language: str) -> str | None:
    """Gender a name's own form shows: a first name or patronymic, else a surname whose
    ending marks it. Indeclinable or foreign surnames ('Шерман', 'Меркель') → None."""
    if language == "en":  # 'Ann Linde': a first name the lexicon knows
        return speech_lexicon("en").genders.get(words[0].lower()) if len(words) > 1 else None
    for word in words:
        ranked = sorted(grams_of(word, language), key=lambda g: "nomn" not in g)
        for grams in ranked:
            if {"Name", "Patr"} & grams:
                if "masc" in grams:
                    return "masc"
                if "femn" in grams:
                    return "femn"
    for word in words:
        gender = _surname_gender(word, language)
        if gender:
            return gender
    return None


def role_key(word: str, language: str) -> str | None:
    if language == "en":
        return word.lower() if word.islower() and len(word) > 3 else None
    for grams, (_, normal_form, _) in zip(
        grams_of(word, language), word_readings(word, language), strict=False
    ):
        if "NOUN" in grams and "anim" in grams and "plur" not in grams:
            return normal_form
    return None


def role_nominative(word: str, language: str) -> bool:
    if language == "en" or len(word) < 4:
        return False
    return any(
        "NOUN" in g and "anim" in g and "plur" not in g and ("nomn" in g or not (set(CASES) & g))
        for g in grams_of(word, language)
    )


def role_gender(word: str, language: str) -> str | None:
    for grams in grams_of(word, language):
        if "NOUN" in grams:
            return "femn" if "femn" in grams else "masc" if "masc" in grams else None
    return None


def english_name(words: Sequence[str]) -> tuple[list[str], str | None]:
    """Split an English capitalised run into its name and the post standing before it:
    'Iranian Foreign Minister Abbas Araghchi' → (['Abbas', 'Araghchi'], 'minister').

    The name is the run's tail after its last title word (at most three words); it is
    empty when the run is all title ('US President', 'the Prime Minister').
    """
    lex = speech_lexicon("en")

    def title(word: str) -> bool:
        lower = word.lower().rstrip(".")
        parts = lower.replace("’", "'").split("-")
        return (
            lower in EN_ARTICLES
            or all(part in lex.titles for part in parts)
            or lower.replace("’", "'").endswith("'s")
            or (is_abbreviation(word) and len(word) < 4)
        )

    cut = len(words)
    while cut > 0 and not title(words[cut - 1]) and len(words) - cut < 3:
        cut -= 1
    name = list(words[cut:])
    posts = [w.lower() for w in words[:cut] if w.lower().rstrip(".") in lex.roles]
    if cut > 0 and not title(words[cut - 1]):
        name = []  # more than three untitled words: not one person's name
    return name, posts[-1] if posts else None


def english_place(words: Sequence[str]) -> bool:
    """A country, place, body or outlet rather than a person ('Gaza Strip', 'North
    Korea's', 'NATO'), or a possessive that qualifies the next noun."""
    lex = speech_lexicon("en")
    return any(w.lower().rstrip(".") in lex.places for w in words) or bool(
        words and words[-1].endswith(("'s", "’s"))
    )


@lru_cache(maxsize=50_000)
def name_readings(word: str, language: str) -> frozenset[tuple[str, str]]:
    """(case, gender) pairs of a word's name readings; empty when it has none or the
    dictionary does not know the word (a guessed gender would split 'Василий Небензя')."""
    out: set[tuple[str, str]] = set()
    if not any(known for _, _, known in word_readings(word, language)):
        return frozenset()
    for g in grams_of(word, language):
        if {"Name", "Surn", "Patr"} & g:
            gender = "femn" if "femn" in g else "masc" if "masc" in g else "*"
            out.update((case, gender) for case in CASES if case in g)
    return frozenset(out)


def surname_pair(first: str, second: str, language: str) -> bool:
    """'Кіт Келлог': a foreign first name the dictionary files only as a surname, right
    before a surname in the same case and gender (a full name, not two people)."""
    return (
        not any("Name" in g for g in grams_of(first, language))
        and all(any("Surn" in g for g in grams_of(w, language)) for w in (first, second))
        and bool(name_readings(first, language) & name_readings(second, language))
    )


def last_person_chunk(words: list[str], language: str) -> list[str]:
    """'Путина Дмитрий Песков' → ['Дмитрий', 'Песков']: the last of the names a run of
    capitalised words holds (words that share no case and gender are two names)."""
    tokens = [Token(w, 0, 0) for w in words]
    return [t.text for t in agreeing_chunks(tokens, language)[-1]] if tokens else words


def agreeing_chunks(run: list[Token], language: str) -> list[list[Token]]:
    """'Владимира Путина Юрий Ушаков' → two people: name words that share no case and
    gender belong to different names."""
    if len(run) == 1:
        return [[run[0]]]  # one word is one chunk: its readings can wait (most runs)
    chunks = [[run[0]]]
    last = name_readings(run[0].text, language)
    for tok in run[1:]:
        now = name_readings(tok.text, language)
        shared = any(
            c1 == c2 and (g1 == g2 or "*" in (g1, g2)) for c1, g1 in now for c2, g2 in last
        )
        if now and last and not shared:
            chunks.append([tok])
        else:
            chunks[-1].append(tok)
        last = now or last
    return chunks


def plural_only(word: str, language: str) -> bool:
    """Nominative only as a plural ('Шахраї' — fraudsters, 'Феодосії' — a city's case or
    a name's plural): one person is named in the singular, so not the subject 'he' means."""
    nominative = [g for g in grams_of(word, language) if "nomn" in g]
    return bool(nominative) and all("plur" in g for g in nominative)


@lru_cache(maxsize=50_000)
def plain(word: str) -> str:
    """Lower case without accents: 'Niinistö' → 'niinisto', 'Ниинистё' → 'ниинисте'."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def spelling_key(word: str) -> str:
    """name_key() of the word without its accents: one key for every spelling of a name
    ('Niinistö', 'Niinisto', 'Ниинистё', 'Ниинисте')."""
    return name_key(plain(word))


def letter_apart(a: str, b: str) -> bool:
    """One letter dropped or added (not changed), the first three letters the same."""
    if abs(len(a) - len(b)) != 1 or a[:3] != b[:3]:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    cut = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[cut:] == long_[cut + 1 :]


def near_spelling(a: str, b: str) -> bool:
    """Two spelling keys at most two letters apart (dropped, added or changed), the first
    letter the same: one name misspelled ('niisto', 'niinisto'), or two similar names."""
    if a[:1] != b[:1] or abs(len(a) - len(b)) > 2 or min(len(a), len(b)) < 4:
        return False
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > 2:
            return False
    return row[-1] <= 2

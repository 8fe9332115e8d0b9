"""Key direct quotes and who said them (uk, ru, en). Pure: no I/O at call time.

Precision first: a quote is kept only when its speaker is attributed by the text
itself — a speech verb next to the quote (after it, before it with a colon, or in
the middle of a split quote). Pronouns and bare role nouns are resolved only when
the antecedent is unambiguous; otherwise the quote is dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from bot.news.model import Quote
from bot.news.morph import parses

MIN_WORDS = 4  # shorter quoted bits are names, titles or scare quotes, not key quotes
_DATA = Path(__file__).parent / "data" / "speech_verbs.toml"

_WORD = re.compile(r"[^\W\d_](?:[\w'’ʼ-]*[^\W_])?")
_DASH = "—–-"
# a dash that joins a quote to its attribution: " — ", with optional punctuation before
_AFTER_DASH = re.compile(r"\s*[,.!?…]?\s*[—–-]\s+")
_SPLIT_DASH = re.compile(r"(?<=[,.!?…:])\s+[—–-]\s+")
# end of an attribution clause: sentence punctuation (not after an initial), a newline,
# or the opening of another quote
_CLAUSE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?;](?=\s|$)|\n|[,:;—–-]\s*(?=[«„“\"])|\(")
_SENTENCE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?…](?=\s)")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PREPOSITIONS = {
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
_INTRO = {  # "За словами Прайса, «…»": the speaker stands in the genitive
    "uk": re.compile(
        r"(?:^|\s)(?:за\s+словами|на\s+думку|як\s+зазначила?\s+у\s+коментарі)\s+", re.I
    ),
    "ru": re.compile(r"(?:^|\s)(?:по\s+словам|по\s+мнению)\s+", re.I),
    "en": re.compile(r"(?:^|\s)according\s+to\s+", re.I),
}
_EN_ORG_WORDS = _wordset(
    "Department Ministry Office House Kremlin Council Committee Agency Service Police Bank "
    "Commission Parliament Government Reuters Embassy Army Court Pentagon NATO Union"
)
_EN_ARTICLES = {"the", "a", "an", "this", "that"}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    verbs: frozenset[str]
    document_verbs: frozenset[str]
    pronouns: dict[str, str]
    first_names: frozenset[str]  # nominatives the dictionary lacks as names ('Володимир')


@cache
def _lexicon(language: str) -> _Lexicon:
    with _DATA.open("rb") as handle:
        data = tomllib.load(handle)[language]
    return _Lexicon(
        frozenset(data["verbs"]),
        frozenset(data["document_verbs"]),
        dict(data["pronouns"]),
        frozenset(data.get("first_names", ())),
    )


@lru_cache(maxsize=100_000)
def _parses(word: str, language: str) -> tuple[Any, ...]:
    return tuple(parses(word, language))


@lru_cache(maxsize=100_000)
def _grams_cached(word: str, language: str) -> tuple[frozenset[str], ...]:
    known = _lexicon(language).first_names if language in ("uk", "ru") else frozenset()
    out = []
    for p in _parses(word, language):
        grams = set(_split(p.tag))
        if p.normal_form in known and {"NOUN", "anim"} <= grams:
            grams.add("Name")  # 'Володимир': the animate reading is the first name
        out.append(frozenset(grams))
    return tuple(out)


def _grams(word: str, language: str) -> list[set[str]]:
    return [set(g) for g in _grams_cached(word, language)]


@lru_cache(maxsize=50_000)
def _speech_verb(word: str, language: str) -> str | None:
    """'masc' / 'femn' / 'plur' / '' (no gender) when the word is a speech verb, else None."""
    lex = _lexicon(language)
    lower = word.lower()
    if language == "en":
        return "" if lower in lex.verbs else None
    if lower[0].isupper() if lower else False:
        return None
    for p in _parses(lower, language):
        if p.normal_form in lex.verbs and ({"VERB", "ADJF", "ADJS"} & set(_split(p.tag))):
            grams = set(_split(p.tag))
            for gender in ("masc", "femn", "plur"):
                if gender in grams:
                    return gender
            return ""
    return None


def _split(tag: Any) -> list[str]:
    return str(tag).replace(" ", ",").split(",")


def _is_document_verb(word: str, language: str) -> bool:
    lex = _lexicon(language)
    if language == "en":
        return False
    return any(p.normal_form in lex.document_verbs for p in _parses(word.lower(), language))


def _capitalized(word: str) -> bool:
    return word[:1].isupper()


_FUNCTION = {"CONJ", "PREP", "PRCL", "INTJ", "NPRO", "ADVB"}


def _namelike(word: str, language: str) -> bool:
    """Capitalised and not a sentence-initial function word ('І', 'А', 'Тож')."""
    if not _capitalized(word) or (len(word) < 2 and language != "en"):
        return False
    if language == "en":
        return word.lower() not in _EN_ARTICLES | {"but", "and", "so", "then", "also"}
    grams = _grams(word.lower(), language)
    return not (grams and all(_FUNCTION & g for g in grams))


def _latin(word: str) -> bool:
    return word[:1].isascii()


def _is_abbreviation(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _restore_case(new: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    return "-".join(part[:1].upper() + part[1:] for part in new.split("-"))


# --- name forms ---------------------------------------------------------------------

_ENDINGS = {
    "",
    "а", "я", "у", "ю", "ом", "ем", "єм", "ові", "еві", "єві", "і", "ї", "е", "о", "ої", "ій",
    "ою", "єю", "им", "ого", "ому", "ім", "ы", "ой", "ым", "ей", "ую",
}  # fmt: skip


def _stem(nominative: str) -> str:
    lower = nominative.lower()
    for tail in ("ий", "ій", "ой", "ая", "ий", "а", "я", "о", "ь", "й"):
        if lower.endswith(tail) and len(lower) - len(tail) >= 3:
            return lower[: -len(tail)]
    return lower


def _same_name(form: str, nominative: str) -> bool:
    """Прайса ~ Прайс, Іжевської ~ Іжевська, Бондаренка ~ Бондаренко (suffix rules)."""
    form, nom = form.lower(), nominative.lower()
    if form == nom:
        return True
    for stem in {nom, _stem(nom)}:
        if len(stem) >= 3 and form.startswith(stem) and form[len(stem) :] in _ENDINGS:
            return True
    return False


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
def _person_grams(word: str, language: str) -> bool:
    """A first name, surname or patronymic — not a function word that happens to be one."""
    if len(word) < 2 or (_is_abbreviation(word) and len(word) < 4):
        return False
    grams = _grams(word, language)
    if any(_NOT_NAME & g for g in grams):
        return False
    return any({"Name", "Surn", "Patr"} & g for g in grams)


def _in_dictionary(word: str, language: str) -> bool:
    return any("UNKN" not in g for g in _grams(word, language))


_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def _to_nominative(words: Sequence[str], language: str, case: str | None) -> str | None:
    """Nominative of a name sequence ('Олександра Грабаря' → 'Олександр Грабар').

    `case` is the case the context demands (None: any, nominative preferred). A token the
    dictionary does not know passes unchanged only in the nominative; in another case the
    caller must have matched it against a name seen in the text, so this returns None.
    """
    if language == "en":
        return " ".join(words)
    order = [case] if case else list(_CASES)
    for wanted in order:
        out: list[str] = []
        for word in words:
            if _is_abbreviation(word) and not _person_grams(word, language):
                out.append(word)
                continue
            chosen = None
            for p in _parses(word, language):
                grams = set(_split(p.tag))
                if wanted in grams and ({"NOUN", "ADJF"} & grams):
                    chosen = p
                    if {"Name", "Surn", "Patr"} & grams:
                        break
            if chosen is None:
                # a surname the dictionary misreads ('Западенко' → a vocative) passes as is
                if wanted == "nomn" and not any(
                    {"Name", "Surn", "Patr"} & g for g in _grams(word, language)
                ):
                    out.append(word)
                    continue
                break
            if wanted == "nomn":
                out.append(word)
                continue
            inflected = chosen.inflect({"nomn"})
            if inflected is None:
                break
            out.append(_restore_case(str(inflected.word), word))
        else:
            return " ".join(out)
    return None


# --- tokens and quote spans ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str, offset: int = 0) -> list[_Token]:
    return [_Token(m.group(), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """(open, close) indices of top-level quotes; nested quotes stay inside their parent."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        close = -1
        if ch == "«":
            depth = 0
            for j in range(i, n):
                if paragraph[j] == "«":
                    depth += 1
                elif paragraph[j] == "»":
                    depth -= 1
                    if depth == 0:
                        close = j
                        break
        elif ch == "„":
            close = _find_any(paragraph, "“”", i + 1)
        elif ch == "“":
            close = _find_any(paragraph, "”", i + 1)
        elif ch == '"' and _opens(paragraph, i):
            j = i + 1
            while j < n:
                j = paragraph.find('"', j)
                if j < 0:
                    break
                if not _opens(paragraph, j) or j == n - 1:
                    close = j
                    break
                j += 1
        if close > i:
            spans.append((i, close))
            i = close + 1
        else:
            i += 1
    return spans


def _find_any(text: str, chars: str, start: int) -> int:
    found = [k for k in (text.find(c, start) for c in chars) if k >= 0]
    return min(found) if found else -1


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:«") and not after.isspace()


# --- speakers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str
    kind: str  # person | org | pronoun | role
    gender: str | None = None  # masc | femn | plur | None when unknown


@dataclass(slots=True)
class _Mention:
    start: int
    name: str
    gender: str | None
    subject: bool  # nominative: could be what a later pronoun refers to


@dataclass(slots=True)
class _Document:
    text: str
    language: str
    quoted: list[tuple[int, int]]
    full_names: dict[str, list[tuple[int, str]]] = field(
        default_factory=dict
    )  # surname → (pos, full)
    roles: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, role, full name)
    mentions: list[_Mention] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)  # name → gender of its verbs
    cursor: int = 0  # position of the quote being attributed (for same-surname people)

    def inside_quote(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.quoted)


# surname endings whose nominative has a distinct female form (Петров/Петрова,
# Іжевський/Іжевська); any other masculine-looking nominative ('Шерман', 'Грабар') is also
# what a woman of that family is called, so it says nothing about gender
_MASC_SURNAME_ENDINGS = ("ов", "ев", "єв", "ін", "ин", "їн", "ий", "ій", "ой", "ый")


def _surname_gender(word: str, language: str) -> str | None:
    readings = [g for g in _grams(word, language) if "Surn" in g and "Fixd" not in g]
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


def _gender_of_name(words: Sequence[str], language: str) -> str | None:
    """Gender a name's own form shows: a first name or patronymic, else a surname whose
    ending marks it. Indeclinable or foreign surnames ('Шерман', 'Меркель') → None."""
    if language == "en":
        return None
    for word in words:
        ranked = sorted(_grams(word, language), key=lambda g: "nomn" not in g)
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


def _name_gender(name: str, doc: _Document) -> str | None:
    """The name's own gender, else the one the verbs agreeing with it showed in the text."""
    return _gender_of_name(name.split(), doc.language) or doc.genders.get(name)


def _resolve_surname(
    words: list[str], doc: _Document, pos: int | None = None, nominative: bool = False
) -> str | None:
    """A lone surname or first name (any case) → the full name given in the text.

    With several people of that name, the one named most recently before `pos` wins
    (journalists re-introduce the person they mean); none before it → ambiguous.
    """
    if len(words) != 1 or len(words[0]) < 2:
        return None
    word = words[0]
    found = [
        (at, full)
        for sur, entries in doc.full_names.items()
        for at, full in entries
        if _same_name(word, sur) or (len(full.split()) > 1 and _same_name(word, full.split()[0]))
    ]
    if not found:
        return None
    names = {full for _, full in found}
    if len(names) == 1:
        return _nominative_full(names.pop(), word, doc) if nominative else names.pop()
    earlier = sorted((at, full) for at, full in found if pos is not None and at < pos)
    if not earlier:
        return None
    return _nominative_full(earlier[-1][1], word, doc) if nominative else earlier[-1][1]


def _nominative_full(full: str, seen: str, doc: _Document) -> str:
    """A full name recorded in an oblique case ('Мустафи Джемілєва') seen later in the
    nominative ('Джемілєв'): keep the words we can put in the nominative with certainty."""
    parts = full.split()
    if seen in parts or doc.language == "en":
        return full
    stored = parts[-1]
    if _same_name(stored, seen) and len(seen) < len(stored) and _capitalized(seen):
        first = _to_nominative(parts[:-1], doc.language, "nomn")
        certain = all(
            any("Name" in g and "nomn" in g and "plur" not in g for g in _grams(part, doc.language))
            for part in parts[:-1]
        )
        return f"{first} {seen}" if first and certain else seen
    return full


def _name_sequences(tokens: list[_Token], text: str) -> list[list[_Token]]:
    """Runs of capitalised words separated by single spaces only."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for tok in tokens:
        joined = bool(current) and text[current[-1].end : tok.start] == " "
        if _capitalized(tok.text) and (joined or not current):
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok] if _capitalized(tok.text) else []
    if current:
        runs.append(current)
    return runs


def _person_run(run: list[_Token], doc: _Document) -> list[_Token] | None:
    """The person-name part of a run of capitalised words ('США Джо Байден' → 'Джо Байден')."""
    lang = doc.language
    if lang == "en":
        words = [t.text for t in run]
        while words and words[0].lower() in _EN_ARTICLES:
            run, words = run[1:], words[1:]
        if len(run) >= 2 and not (_EN_ORG_WORDS & set(words)):
            return run
        if len(run) == 1 and _resolve_surname(words, doc):
            return run
        return None
    for i, tok in enumerate(run):
        if _person_grams(tok.text, lang) and not _is_abbreviation(tok.text):
            start = i - 1 if i and _unknown_first_name(run, i, doc) else i
            rest = run[start:]
            places = [
                k for k, t in enumerate(rest) if any("Geox" in g for g in _grams(t.text, lang))
            ]
            if places and places[0] > 0:
                rest = rest[: places[0]]  # 'Ради Європи': a place name ends a person's name
            # keep up to three words: first name, patronymic, surname
            return rest[:3]
        if _resolve_surname([tok.text], doc):
            return [tok]
    return None


def _unknown_first_name(run: list[_Token], i: int, doc: _Document) -> bool:
    """'Венді' in 'Венді Шерман': a first name the dictionary lacks or misreads ('Венді' →
    an inanimate noun in the locative) standing right before a nominative surname.

    Strict, since a wrong first name makes a wrong speaker: the word has no nominative,
    animate, adjective, place or organisation reading (so titles and 'Верховній Раді' never
    pass), and nothing but an abbreviation ('США') or a non-preposition stands before it.
    """
    lang, word, surname = doc.language, run[i - 1].text, run[i].text
    if len(word) < 3 or _is_abbreviation(word) or _latin(word):
        return False
    surname_grams = _grams(surname, lang)
    if any({"Name", "Patr"} & g for g in surname_grams) or not any(
        "Surn" in g and "nomn" in g for g in surname_grams
    ):
        return False
    for grams in _grams(word, lang):
        if grams & {"nomn", "anim", "ADJF", "Geox", "Orgn", "Name", "Surn", "Patr"}:
            return False
        if not ({"NOUN", "UNKN"} & grams):
            return False
    if i >= 2:
        return _is_abbreviation(run[i - 2].text)
    before = _WORD.findall(doc.text[max(0, run[0].start - 40) : run[0].start])
    return not (before and before[-1].lower() in _PREPOSITIONS[lang])


def _verb_gender(word: str, language: str) -> str | None:
    """'заявила' → 'femn': the gender a past-tense verb agrees in (None if not one)."""
    if not word.islower() or language == "en":
        return None
    genders = {
        gender
        for grams in _grams(word, language)
        if "VERB" in grams
        for gender in ("masc", "femn")
        if gender in grams
    }
    return genders.pop() if len(genders) == 1 else None


def _collect_names(doc: _Document, tokens: list[_Token]) -> None:
    """Full names, the roles that introduce them, and every person mention outside quotes."""
    lang = doc.language
    outside = [t for t in tokens if not doc.inside_quote(t.start)]
    runs = _name_sequences(outside, doc.text)
    index = {t.start: i for i, t in enumerate(outside)}
    # pass 1: full names (first name + surname) → surname map
    for run in runs:
        person = _person_run(run, doc)
        if not person or len(person) < 2:
            continue
        if (
            lang != "en"
            and _person_grams(person[0].text, lang)
            and not any("Name" in g for g in _grams(person[0].text, lang))
        ):  # a full name starts with a first name (or an unknown one, see _person_run)
            continue
        full = _to_nominative([t.text for t in person], lang, None)
        if not full or any("Patr" in g for g in _grams(person[-1].text, lang)):
            continue  # 'Ігор Валентинович' is a form of address, not a full name
        doc.full_names.setdefault(full.split()[-1].lower(), []).append((person[0].start, full))
        role = _role_before(outside, index[person[0].start], doc)
        if role:
            doc.roles.append((person[0].start, role, full))
    # pass 2: mentions, now that surnames are known
    agreed: dict[str, set[str]] = {}
    for run in runs:
        person = _person_run(run, doc)
        if not person:
            continue
        words = [t.text for t in person]
        full = _resolve_surname(words, doc, person[0].start) if len(words) == 1 else None
        nominative = _to_nominative(words, lang, "nomn")
        name = full or _to_nominative(words, lang, None) or " ".join(words)
        if full is None and len(words) >= 2:
            entries = doc.full_names.get(name.split()[-1].lower())
            name = entries[-1][1] if entries else name
        subject = nominative is not None or lang == "en"
        if subject and lang != "en" and _after_preposition(outside, index[person[0].start], doc):
            subject = False
        gender = _gender_of_name(name.split(), lang)
        doc.mentions.append(_Mention(person[0].start, name, gender, subject))
        # 'Венді Шерман заявила': the verb shows the gender the name does not
        after = index[person[-1].start] + 1
        if subject and after < len(outside):
            verb = outside[after]
            if doc.text[person[-1].end : verb.start] == " ":
                shown = _verb_gender(verb.text, lang)
                if shown:
                    agreed.setdefault(name, set()).add(shown)
    doc.genders = {name: shown.pop() for name, shown in agreed.items() if len(shown) == 1}
    for mention in doc.mentions:
        if mention.gender is None:
            mention.gender = doc.genders.get(mention.name)


def _after_preposition(tokens: list[_Token], i: int, doc: _Document) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    return (
        doc.text[prev.end : tokens[i].start] == " "
        and prev.text.lower() in _PREPOSITIONS[doc.language]
    )


def _role_before(tokens: list[_Token], i: int, doc: _Document) -> str | None:
    """'речник Держдепартаменту США Нед Прайс' → 'речник' (looks back a few words)."""
    for j in range(i - 1, max(-1, i - 7), -1):
        gap = doc.text[tokens[j].end : tokens[j + 1].start]
        if gap.strip(" "):
            return None
        word = tokens[j].text
        sentence_start = j == 0 or bool(
            re.search(r"[.!?\n]", doc.text[tokens[j - 1].end : tokens[j].start])
        )
        if _capitalized(word) and (_person_grams(word, doc.language) or not sentence_start):
            continue
        if (
            word.lower() in _PREPOSITIONS[doc.language]
            or _speech_verb(word, doc.language) is not None
        ):
            return None  # 'дипломатка була представницею … у Комітеті Ради Європи': no apposition
        if doc.language != "en" and any("VERB" in g for g in _grams(word.lower(), doc.language)):
            return None
        if doc.language == "en" or _role_nominative(word.lower(), doc.language):
            key = _role_key(word.lower(), doc.language)
            if key:
                return key
    return None


def _role_key(word: str, language: str) -> str | None:
    if language == "en":
        return word.lower() if word.islower() and len(word) > 3 else None
    for grams, p in zip(_grams(word, language), _parses(word, language), strict=False):
        if "NOUN" in grams and "anim" in grams and "plur" not in grams:
            return str(p.normal_form)
    return None


def _role_nominative(word: str, language: str) -> bool:
    if language == "en":
        return False
    return any(
        "NOUN" in g and "anim" in g and "plur" not in g and ("nomn" in g or not (set(_CASES) & g))
        for g in _grams(word, language)
    )


def _person_speaker(words: list[str], doc: _Document, case: str | None) -> _Speaker | None:
    lang = doc.language
    # 'Міністр Дмитро Кулеба' at a sentence start: the title is not part of the name
    while (
        lang != "en"
        and len(words) > 1
        and not _person_grams(words[0], lang)
        and _in_dictionary(words[0].lower(), lang)
        and any(_person_grams(w, lang) for w in words[1:])
    ):
        words = words[1:]
    full = _resolve_surname(words, doc, doc.cursor, nominative=case == "nomn")
    if full:
        return _Speaker(full, "person", _name_gender(full, doc))
    if lang != "en" and len(words) >= 2:
        match = doc.full_names.get(words[-1].lower())
        if match and _same_name(words[0], match[-1][1].split()[0]):
            full = match[-1][1]
            return _Speaker(full, "person", _name_gender(full, doc))
    if lang != "en" and len(words) == 1 and any("Patr" in g for g in _grams(words[0], lang)):
        return None  # a lone patronymic ('Іванович') names nobody in particular
    name = _to_nominative(words, lang, case)
    if not name:
        return None
    if lang == "en":
        org = bool(_EN_ORG_WORDS & set(words)) or all(_is_abbreviation(w) for w in words)
        return _Speaker(name, "org" if org else "person", None)
    personish = any(_person_grams(w, lang) for w in words) or any(
        not _in_dictionary(w, lang) and not _is_abbreviation(w) for w in words
    )
    kind = "person" if personish else "org"
    gender = (_gender_of_name(words, lang) or doc.genders.get(name)) if personish else None
    return _Speaker(name, kind, gender)


def _take_run(tokens: list[_Token], i: int, text: str, limit: int = 4) -> list[_Token]:
    run = [tokens[i]]
    for tok in tokens[i + 1 : i + limit]:
        if not _capitalized(tok.text) or text[run[-1].end : tok.start] != " ":
            break
        run.append(tok)
    return run


def _take_run_back(tokens: list[_Token], i: int, text: str, limit: int = 4) -> list[_Token]:
    run = [tokens[i]]
    for k in range(i - 1, max(-1, i - limit), -1):
        tok = tokens[k]
        if not _capitalized(tok.text) or text[tok.end : run[0].start] != " ":
            break
        run.insert(0, tok)
    return run


def _subject_after(tokens: list[_Token], start: int, doc: _Document) -> _Speaker | None:
    """The speaker named after the verb: '— сказав речник Нед Прайс на брифінгу'."""
    lang, text = doc.language, doc.text
    lex = _lexicon(lang)
    role: _Speaker | None = None
    i = start
    while i < len(tokens) and i < start + 12:
        tok = tokens[i]
        gap = text[tokens[i - 1].end : tok.start] if i > 0 else ""
        if i > start and re.search(r"[,;:()—–]", gap):
            break
        word = tok.text
        after_prep = i > 0 and tokens[i - 1].text.lower() in _PREPOSITIONS[lang] and i > start
        if word.lower() in lex.pronouns and role is None:
            return _Speaker(word.lower(), "pronoun", lex.pronouns[word.lower()])
        if _capitalized(word) and lang != "en" and (_latin(word) or not _namelike(word, lang)):
            i += 1  # 'розповів NovaKahovka.City …' — a Latin name here is an addressee
            continue
        if _capitalized(word) and re.search(r"[«„“\"]", gap):
            i += len(_take_run(tokens, i, text))  # 'ТОВ «Компанія Федорченко»': a company
            continue
        if _capitalized(word) and not after_prep:
            run = _take_run(tokens, i, text)
            words = [t.text for t in run]
            if lang == "en":
                while words and words[0].lower() in _EN_ARTICLES:
                    words = words[1:]
                if not words:
                    i += len(run)
                    continue
            speaker = _person_speaker(words, doc, "nomn")
            if speaker and (role is None or speaker.kind == "person"):
                return speaker
            i += len(run)
            continue
        if _capitalized(word):  # inside a prepositional phrase: skip its name
            i += len(_take_run(tokens, i, text))
            continue
        if role is None and not after_prep and _role_nominative(word, lang):
            key = _role_key(word, lang)
            if key:
                role = _Speaker(key, "role", _role_gender(word, lang))
        i += 1
    return role


def _role_gender(word: str, language: str) -> str | None:
    for grams in _grams(word, language):
        if "NOUN" in grams:
            return "femn" if "femn" in grams else "masc" if "masc" in grams else None
    return None


def _institution(tokens: list[_Token], i: int, doc: _Document) -> _Speaker | None:
    """'повідомили в МЗС' / 'у пресслужбі Ощадбанку' → 'МЗС' / 'пресслужба Ощадбанку'."""
    lang, text = doc.language, doc.text
    if i >= len(tokens) or tokens[i].text.lower() not in {"в", "у", "во", "in"}:
        return None
    words: list[str] = []
    for k in range(i + 1, min(len(tokens), i + 5)):
        if k > i + 1 and re.search(r"[^\s]", text[tokens[k - 1].end : tokens[k].start]):
            break
        if tokens[k].text.lower() in _PREPOSITIONS[lang] or _speech_verb(tokens[k].text, lang):
            break
        words.append(tokens[k].text)
    if not words or not any(_capitalized(w) for w in words):
        return None
    if lang == "en":
        return _Speaker(" ".join(w for w in words if w.lower() not in _EN_ARTICLES), "org")
    if _capitalized(words[0]) and not _in_dictionary(words[0], lang):
        return _Speaker(" ".join(words), "org")
    head = _to_nominative(words[:1], lang, "loct")
    if head is None:
        return None
    if not _capitalized(words[0]):
        head = head.lower()
    return _Speaker(" ".join([head, *words[1:]]), "org")


def _document_owner(tokens: list[_Token], i: int, doc: _Document) -> _Speaker | None:
    """'йдеться у повідомленні пресслужби МВС' → 'пресслужба МВС'."""
    if i + 2 >= len(tokens) or tokens[i].text.lower() not in {"в", "у", "во"}:
        return None
    owner = [t.text for t in tokens[i + 2 : i + 5]]
    if not owner or not any(_capitalized(w) for w in owner):
        return None
    gap = doc.text[tokens[i + 1].end : tokens[i + 2].start]
    if gap != " ":
        return None
    if _capitalized(owner[0]) and (
        _is_abbreviation(owner[0]) or not _in_dictionary(owner[0], doc.language)
    ):
        return _Speaker(" ".join(owner), "org")
    head = _to_nominative(owner[:1], doc.language, "gent")
    if head is None:
        return None
    if not _capitalized(owner[0]):
        head = head.lower()
    rest = [w for w in owner[1:] if _capitalized(w) or w.isupper()]
    return _Speaker(" ".join([head, *rest[: len(owner) - 1]]), "org")


def _attribution_after(clause_start: int, clause_end: int, doc: _Document) -> _Speaker | None:
    """Speaker in '— сказав X' / '— X сказав' / 'Price said' / 'said Price'."""
    lang = doc.language
    tokens = _tokens(doc.text[clause_start:clause_end], clause_start)
    window = 7 if lang == "en" else 5
    for vi, tok in enumerate(tokens[:window]):
        if _is_document_verb(tok.text, lang) and vi <= 1:
            return _document_owner(tokens, vi + 1, doc)
        gender = _speech_verb(tok.text, lang)
        if gender is None:
            continue
        before = tokens[:vi]
        speaker = _subject_before(before, doc) if before else None
        if speaker is None and before and not _only_adverbs(before, lang):
            return None  # something else stands before the verb: not a plain attribution
        if speaker is None:
            speaker = _institution(tokens, vi + 1, doc) if gender == "plur" else None
        if speaker is None:
            speaker = _subject_after(tokens, vi + 1, doc)
        return _check_gender(speaker, gender)
    return None


def _only_adverbs(tokens: list[_Token], language: str) -> bool:
    allowed = {
        "так",
        "як",
        "також",
        "тоді",
        "потім",
        "ще",
        "і",
        "й",
        "та",
        "а",
        "и",
        "then",
        "also",
    }
    return all(t.text.lower() in allowed for t in tokens)


def _subject_before(tokens: list[_Token], doc: _Document) -> _Speaker | None:
    """The subject standing right before the verb: 'Прайс заявив', 'he said'."""
    lang, text = doc.language, doc.text
    lex = _lexicon(lang)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].text.lower() in {"також", "ще", "теж", "также", "also", "then"}:
        i -= 1
    if i < 0:
        return None
    word = tokens[i].text
    if word.lower() in lex.pronouns:
        return _Speaker(word.lower(), "pronoun", lex.pronouns[word.lower()])
    if _capitalized(word) and _namelike(word, lang):
        run = _take_run_back(tokens, i, text)
        words = [t.text for t in run]
        if lang == "en":
            while words and words[0].lower() in _EN_ARTICLES:
                words = words[1:]
        elif run[0] is not tokens[0] and _after_preposition(tokens, tokens.index(run[0]), doc):
            return None
        return _person_speaker(words, doc, "nomn") if words else None
    if lang == "en" and word.islower() and i > 0 and tokens[i - 1].text.lower() in _EN_ARTICLES:
        return _Speaker(word.lower(), "role", None)
    if lang != "en" and _role_nominative(word, lang):
        key = _role_key(word, lang)
        return _Speaker(key, "role", _role_gender(word, lang)) if key else None
    return None


def _check_gender(speaker: _Speaker | None, verb_gender: str) -> _Speaker | None:
    if speaker is None:
        return None
    if verb_gender == "plur":
        return speaker if speaker.kind == "org" else None
    if verb_gender and speaker.gender and speaker.gender != verb_gender:
        return None
    if verb_gender in ("masc", "femn") and speaker.kind == "person" and not speaker.gender:
        return replace(speaker, gender=verb_gender)  # '— сказала Шерман': she
    return speaker


def _attribution_before(quote_open: int, doc: _Document) -> _Speaker | None:
    """'Прайс заявив: «…»' or 'За словами Прайса, «…»' (the clause before the quote)."""
    lang, text = doc.language, doc.text
    line_start = text.rfind("\n", 0, quote_open) + 1
    before = text[line_start:quote_open]
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in ":,":
        return None
    ends = list(_SENTENCE_END.finditer(before[: len(stripped) - 1]))
    start = line_start + (ends[-1].end() if ends else 0)
    clause = text[start : line_start + len(stripped) - 1]
    intro = _INTRO[lang].search(clause)
    if intro and stripped.endswith(","):
        tokens = _tokens(clause[intro.end() :], start + intro.end())
        if not tokens or not _capitalized(tokens[0].text):
            if tokens and tokens[0].text.lower() in {"його", "її", "his", "her", "его", "ее", "её"}:
                gender = "femn" if tokens[0].text.lower() in {"її", "her", "ее", "её"} else "masc"
                return _Speaker("pronoun", "pronoun", gender)
            return None
        run = _take_run(tokens, 0, text)
        words = [t.text for t in run]
        found = _person_speaker(words, doc, None if lang == "en" else "gent")
        if found is None and lang != "en":
            surname = _resolve_surname(words[-1:], doc, doc.cursor)
            if surname:
                found = _Speaker(surname, "person", _name_gender(surname, doc))
        return found
    if stripped.endswith(",") and lang != "en":
        return None
    tokens = _tokens(clause, start)
    for vi in range(len(tokens) - 1, -1, -1):
        verb_gender = _speech_verb(tokens[vi].text, lang)
        if verb_gender is None:
            continue
        speaker = _subject_before(tokens[:vi], doc) if vi else None
        if speaker is None:
            speaker = _subject_after(tokens, vi + 1, doc)
        if speaker is None and verb_gender in ("masc", "femn") and _only_adverbs(tokens[:vi], lang):
            # 'І додає: «…»' — the subject is the person just spoken of
            speaker = _Speaker("", "pronoun", verb_gender)
        return _check_gender(speaker, verb_gender)
    return None


# --- resolution and assembly --------------------------------------------------------------


def _resolve(speaker: _Speaker, pos: int, doc: _Document) -> _Speaker | None:
    """Pronouns and role nouns → the named person they stand for, or None when unsure."""
    if speaker.kind == "pronoun":
        earlier = [m for m in doc.mentions if m.start < pos]
        subjects = [m for m in earlier if m.subject]
        if not subjects:
            return None
        candidate = subjects[-1]
        # another person named after the candidate makes "he/she" ambiguous
        if any(m.name != candidate.name for m in earlier if m.start > candidate.start):
            return None
        if speaker.gender and candidate.gender and speaker.gender != candidate.gender:
            return None
        return _Speaker(candidate.name, "person", candidate.gender)
    if speaker.kind == "role":
        named = [full for at, role, full in doc.roles if at < pos and role == speaker.name]
        if not named:
            return None
        full = named[-1]
        return _Speaker(full, "person", _name_gender(full, doc))
    return speaker


def _join(head: str, rest: str) -> str:
    """Rejoin a quote split by its attribution; the comma before the dash stood for a stop
    when the second part starts a new sentence."""
    first, second = _clean(head), _clean(rest)
    if second[:1].isupper() and first[-1:] not in ".!?…":
        first += "."
    elif first[-1:] not in ".!?…,":
        first += ","
    return f"{first} {second}"


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(",").rstrip(" —–-").strip()


def _standalone_start(doc: _Document, quote_open: int) -> bool:
    """The quote opens a sentence (not a fragment inside one)."""
    line_start = doc.text.rfind("\n", 0, quote_open) + 1
    before = doc.text[line_start:quote_open].rstrip()
    return not before or before[-1] in '.!?…:»”"' or before[-1] in _DASH


def _clause_bounds(doc: _Document, start: int) -> tuple[int, int]:
    match = _CLAUSE_END.search(doc.text, start)
    return start, match.start() if match else len(doc.text)


@dataclass(slots=True)
class _Candidate:
    start: int
    text: str
    speaker: _Speaker


def _split_inside(content: str, start: int, doc: _Document) -> _Candidate | None:
    """«Перша частина, — сказав X, — друга частина» → one quote, speaker X."""
    parts = _SPLIT_DASH.split(content)
    if len(parts) < 2:
        return None
    head = parts[0]
    clause_offset = start + len(head)
    clause_offset = start + content.find(parts[1], len(head))
    _, clause_end = _clause_bounds(doc, clause_offset)
    clause_end = min(clause_end, clause_offset + len(parts[1]))
    speaker = _attribution_after(clause_offset, clause_end, doc)
    if speaker is None:
        return None
    rest = " ".join(parts[2:])
    tail = doc.text[clause_end : clause_offset + len(parts[1])].lstrip(".,;: ")
    if tail and not rest:
        return None  # a narrative sentence follows the attribution, not more quote
    text = _join(head, rest) if rest else _clean(head)
    return _Candidate(start, text, speaker)


def _in_english_clause(doc: _Document, after: int, content: str) -> tuple[int, int] | None:
    rest = doc.text[after:]
    match = re.match(r"\s*,?\s*", rest)
    if content.rstrip()[-1:] not in ",?!" and not rest.startswith(","):
        return None
    start = after + (match.end() if match else 0)
    return _clause_bounds(doc, start)


def _candidates(doc: _Document, spans: list[tuple[int, int]]) -> list[_Candidate]:
    text, lang = doc.text, doc.language
    found: list[_Candidate] = []
    consumed: set[int] = set()
    for index, (open_, close) in enumerate(spans):
        if open_ in consumed:
            continue
        content = text[open_ + 1 : close]
        doc.cursor = open_
        standalone = _standalone_start(doc, open_)
        # attribution after the quote
        speaker: _Speaker | None = None
        clause: tuple[int, int] | None = None
        dash = _AFTER_DASH.match(text, close + 1)
        if dash and "\n" not in dash.group():
            clause = _clause_bounds(doc, dash.end())
        elif lang == "en":
            clause = _in_english_clause(doc, close + 1, content)
        if clause:
            speaker = _attribution_after(*clause, doc)
        if speaker is not None:
            if not standalone:
                continue  # «scare quote» inside a sentence that also reports speech
            quote_text = _clean(content)
            # split quote: «…», — сказав X, — «…»
            nxt = spans[index + 1] if index + 1 < len(spans) else None
            if nxt and clause and not text[clause[1] : nxt[0]].strip(" ,.:;—–-"):
                between = text[clause[0] : nxt[0]]
                if re.search(r"([,:]|[,.]\s*[—–-])\s*$", between):
                    quote_text = _join(quote_text, text[nxt[0] + 1 : nxt[1]])
                    consumed.add(nxt[0])
            found.append(_Candidate(open_, quote_text, speaker))
            continue
        if not standalone and not text[:open_].rstrip().endswith(","):
            continue
        inner = _split_inside(content, open_ + 1, doc) if standalone else None
        if inner:
            found.append(inner)
            continue
        # attribution before the quote, and the quote ends its sentence
        tail = text[close + 1 : close + 3]
        mid_sentence = tail[:1] not in ("", "\n", ".", "!", "?", " ", "…") or re.match(r" \w", tail)
        if mid_sentence and not re.match(r" [A-ZА-ЯІЇЄҐЁ«„“\"]", tail):
            continue
        before = _attribution_before(open_, doc)
        if before is not None:
            found.append(_Candidate(open_, _clean(content), before))
    return found


def _dialogue(doc: _Document, line_start: int, line: str) -> _Candidate | None:
    """'— Текст, — сказав X. — Ще текст.' (dash-dialogue paragraph)."""
    match = re.match(r"\s*[—–-]\s+", line)
    if not match:
        return None
    body_start = line_start + match.end()
    doc.cursor = body_start
    return _split_inside(doc.text[body_start : line_start + len(line)], body_start, doc)


def extract_quotes(paragraphs: Sequence[str], language: str) -> list[Quote]:
    """Key direct quotes with their speakers, best first (longer, by named people)."""
    if language not in ("uk", "ru", "en"):
        return []
    lines = [p.strip() for p in paragraphs if p and p.strip()]
    text = "\n".join(lines)
    spans: list[tuple[int, int]] = []
    line_starts: list[int] = []
    offset = 0
    for line in lines:
        line_starts.append(offset)
        spans.extend((offset + a, offset + b) for a, b in _quote_spans(line))
        offset += len(line) + 1
    dialogue_lines = [
        (start, line)
        for start, line in zip(line_starts, lines, strict=True)
        if line[:1] in _DASH and line[1:2].isspace()
    ]
    if not spans and not dialogue_lines:
        return []
    doc = _Document(text, language, spans)
    _collect_names(doc, _tokens(text))
    found = _candidates(doc, spans)
    for start, line in dialogue_lines:
        candidate = _dialogue(doc, start, line)
        if candidate:
            found.append(candidate)
    found.sort(key=lambda c: c.start)
    quotes: list[tuple[int, int, Quote]] = []
    seen: set[str] = set()
    for candidate in found:
        speaker = _resolve(candidate.speaker, candidate.start, doc)
        if speaker is None:
            continue
        # a resolved speaker is a fresh mention: later pronouns may refer to it
        if speaker.kind == "person":
            doc.mentions.append(_Mention(candidate.start, speaker.name, speaker.gender, True))
            doc.mentions.sort(key=lambda m: m.start)
        words = len(_WORD.findall(candidate.text))
        if words < MIN_WORDS or candidate.text in seen:
            continue
        seen.add(candidate.text)
        tier = 2 if speaker.kind == "person" else 1
        quotes.append((tier, words, Quote(candidate.text, speaker.name)))
    quotes.sort(key=lambda item: (-item[0], -item[1]))
    return [quote for _, _, quote in quotes]

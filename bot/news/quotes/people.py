"""Who the text names where: full names, the roles that introduce them, and every
mention of a person outside quotes (collect_names fills the Document with them)."""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from bot.news.quotes.document import Document, Mention, misspelled, name_gender, resolve_surname
from bot.news.quotes.english import clause_subject, english_post, english_subject, possessed
from bot.news.quotes.lexicon import (
    EN_ARTICLES,
    EN_ORG_WORDS,
    PREPOSITIONS,
    after_thing,
    capitalized,
    grams_of,
    is_abbreviation,
    latin,
    past_verb_gender,
    portfolio_cut,
    speech_lexicon,
    speech_verb,
)
from bot.news.quotes.names import (
    agreeing_chunks,
    english_name,
    english_place,
    gender_of_name,
    name_readings,
    person_grams,
    plural_only,
    role_key,
    role_nominative,
    surname_pair,
    to_nominative,
)
from bot.news.quotes.spans import WORD, Token


def _name_sequences(tokens: list[Token], text: str) -> tuple[list[list[Token]], dict[int, int]]:
    """Runs of capitalised words separated by single spaces only, and the index in
    `tokens` of each capitalised one by its start (the only ones looked up by position)."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    last = -2  # index of current[-1] in tokens
    # only capitalised tokens start or extend a run: the loop visits those alone
    index = {tok.start: k for k, tok in enumerate(tokens) if tok.text[:1].isupper()}
    for k in index.values():
        tok = tokens[k]
        if current and k == last + 1:
            prev = current[-1]
            gap = text[prev.end : tok.start]
            # 'U.S. President': initials joined by dots stay in the run
            if gap == " " or (len(prev.text) == 1 and gap in (".", ". ")):
                current.append(tok)
                last = k
                continue
        if current:
            runs.append(current)
        current, last = [tok], k
    if current:
        runs.append(current)
    return runs, index


class _Shape(NamedTuple):
    """Who a run of capitalised words names, as far as its words alone tell: the first of
    `lookups` that is a surname the text gives in full (a lone mention), else `person`.
    The words decide once; the look-up waits until the text's full names are known."""

    lookups: tuple[Token, ...]
    person: list[Token] | None


def _person_of(shape: _Shape, doc: Document) -> list[Token] | None:
    """The person-name part of a run ('США Джо Байден' → 'Джо Байден') given the full
    names collected so far."""
    person = next(
        ([tok] for tok in shape.lookups if resolve_surname([tok.text], doc)), shape.person
    )
    if person and len(person) == 1 and after_thing(doc.text, person[0].start, doc.language):
        return None  # 'на авиабазе Рамштайн': the name of a place, not a person
    return person


def _person_shape(run: list[Token], doc: Document) -> _Shape:
    lang = doc.language
    if lang == "en":
        if doc.text.endswith(("of ", "for ", "the "), 0, run[0].start):
            run = portfolio_cut(run, doc.text)
        words, _ = english_name([t.text for t in run])
        run = run[len(run) - len(words) :]
        if not run or english_place(words) or EN_ORG_WORDS & set(words):
            return _Shape((), None)
        if len(run) >= 2 and all(len(w) > 1 for w in words[-2:]):
            return _Shape((), run[-3:])
        if len(run) != 1:
            return _Shape((), None)
        lone = words[0].lower() not in EN_NOT_NAMES and len(words[0]) > 2
        if lone and english_subject(run, doc.text)[1]:
            return _Shape((), run)  # a lone name that speaks ('Ryabkov announced')
        return _Shape((run[0],), None)  # a surname the text gives in full
    pair = _first_name_pair(run, lang) if len(run) > 1 else None
    if pair:
        return _Shape((), pair)
    for i, tok in enumerate(run):
        if person_grams(tok.text, lang) and not is_abbreviation(tok.text):
            # 'Владимир' also reads as a city: a first-name reading before a surname wins
            first = i and any("Name" in g for g in grams_of(run[i - 1].text, lang))
            start = i - 1 if i and (first or _unknown_first_name(run, i, doc)) else i
            rest = run[start:]
            places = [k for k, t in enumerate(rest) if _place_only(t.text, lang)]
            if places and places[0] > 0:
                rest = rest[: places[0]]  # 'Ради Європи': a place name ends a person's name
            # keep up to three words: first name, patronymic, surname
            return _Shape(tuple(run[:i]), rest[:3])
    return _Shape(tuple(run), None)


def _first_name_pair(run: list[Token], language: str) -> list[Token] | None:
    """'Владимир Шаран' (a city and a company read too), 'Сергей КОВАЛЕЦ' (a village): a
    first name, then a capitalised word agreeing with it, or a place-only word in the
    nominative after a nominative first name, is one person's name."""
    for a, b in itertools.pairwise(run):
        first = [g for g in grams_of(a.text, language) if "Name" in g]
        if not first or is_abbreviation(a.text) or len(b.text) < 3:
            continue
        if any("Patr" in g for g in grams_of(b.text, language)):
            continue  # 'Любов Василівна': a form of address, or a surname follows
        second = name_readings(b.text, language)
        agree = any(
            c1 == c2 and (g1 == g2 or "*" in (g1, g2))
            for c1, g1 in name_readings(a.text, language)
            for c2, g2 in second
        )
        place = _place_only(b.text, language) and any({"nomn", "sing"} <= g for g in first)
        if agree or (place and any({"nomn", "sing"} <= g for g in grams_of(b.text, language))):
            return [a, b]
    return None


def _place_only(word: str, language: str) -> bool:
    """A place name with no reading as a person's name ('Європи'; not 'Вильфанд')."""
    grams = grams_of(word, language)
    return any("Geox" in g for g in grams) and not any({"Surn", "Name"} & g for g in grams)


def _unknown_first_name(run: list[Token], i: int, doc: Document) -> bool:
    """'Венді' in 'Венді Шерман': a first name the dictionary lacks or misreads ('Венді' →
    an inanimate noun in the locative) standing right before a nominative surname.

    Strict, since a wrong first name makes a wrong speaker: the word has no nominative,
    animate, adjective, place or organisation reading (so titles and 'Верховній Раді' never
    pass), and nothing but an abbreviation ('США') or a non-preposition stands before it.
    """
    lang, word, surname = doc.language, run[i - 1].text, run[i].text
    if len(word) < 3 or is_abbreviation(word) or latin(word):
        return False
    surname_grams = grams_of(surname, lang)
    if any({"Name", "Patr"} & g for g in surname_grams) or not any(
        "Surn" in g and "nomn" in g for g in surname_grams
    ):
        return False
    genders = {g for grams in grams_of(word, lang) for g in ("masc", "femn") if g in grams}
    surname_genders = {
        g for grams in surname_grams if "Surn" in grams for g in ("masc", "femn") if g in grams
    }
    if genders and surname_genders and not genders & surname_genders:
        return False  # 'Росії Кіт': a feminine noun before a masculine surname
    for grams in grams_of(word, lang):
        if grams & {"nomn", "anim", "ADJF", "Geox", "Orgn", "Name", "Surn", "Patr"}:
            return False
        if not ({"NOUN", "UNKN"} & grams):
            return False
    if i >= 2:
        return is_abbreviation(run[i - 2].text)
    before = WORD.findall(doc.text[max(0, run[0].start - 40) : run[0].start])
    return not (before and before[-1].lower() in PREPOSITIONS[lang])


def collect_names(doc: Document) -> None:
    """Full names, the roles that introduce them, and every person mention outside quotes."""
    lang = doc.language
    outside = doc.outside_tokens()
    runs, index = _name_sequences(outside, doc.text)
    if lang != "en":
        runs = [chunk for run in runs for chunk in agreeing_chunks(run, lang)]
    shapes = [_person_shape(run, doc) for run in runs]
    # pass 1: full names (first name + surname) → surname map
    for run, shape in zip(runs, shapes, strict=True):
        if not shape.person or len(shape.person) < 2:
            continue  # a lone name at most: a mention (pass 2)
        person = _person_of(shape, doc)
        if not person or len(person) < 2:
            continue
        if (
            lang != "en"
            and person_grams(person[0].text, lang)
            and not any("Name" in g for g in grams_of(person[0].text, lang))
            and not surname_pair(person[0].text, person[1].text, lang)
        ):  # a full name starts with a first name (or an unknown one, see _person_shape)
            continue
        # any case tries the nominative first: a name already in it needs no second try
        words = [t.text for t in person]
        nominative = to_nominative(words, lang, "nomn")
        full = nominative or to_nominative(words, lang, None)
        if not full or (
            any("Patr" in g for g in grams_of(person[-1].text, lang))
            and any("Name" in g for g in grams_of(person[0].text, lang))
        ):
            continue  # 'Ігор Валентинович' is a form of address ('Деян Станкович' is not)
        doc.add_full_name(person[0].start, full)
        role, post = None, ""
        if lang == "en":
            role = english_name([t.text for t in run])[1]
            post = english_post(run, person, doc.text) if role else ""
        else:
            named = nominative is not None
            # the role noun agrees with the name in case: 'спецпредставник президента
            # Дональда Трампа' makes Trump the president, not the envoy
            cases = _shared_cases(person, lang)
            found = _role_before(outside, index[person[0].start], doc, cases or {"nomn"})
            if found:
                role, at = found
                post = doc.text[at : person[0].start].strip() if named else ""
        if not role and (apposition := _role_after(person[-1], doc)):
            role, post = apposition
        if role:
            doc.roles.append((person[0].start, role, full))
            post = _tidy_post(post, lang)
            if post:
                doc.posts.setdefault(full, post)
    # pass 2: mentions, now that surnames are known (not in teasers for other stories)
    agreed: dict[str, set[str]] = {}
    teasers = _teasers(doc.text)
    for run, shape in zip(runs, shapes, strict=True):
        at = run[0].start
        if teasers and any(a <= at and (b < 0 or at < b) for a, b in teasers):
            continue  # 'Read more: Trump says …' names people of another story
        person = _person_of(shape, doc)
        if not person:
            continue
        words = [t.text for t in person]
        full = resolve_surname(words, doc, person[0].start, typo=True) if len(words) == 1 else None
        nominative = to_nominative(words, lang, "nomn")
        name = full or nominative or to_nominative(words, lang, None) or " ".join(words)
        if full is None and len(words) == 1 and misspelled(words[0], doc):
            name = ""  # someone, but not certainly the person it resembles
        elif full is None and len(words) >= 2:
            entries = doc.full_names.get(name.split()[-1].lower())
            name = entries[-1][1] if entries else name
        first = index[run[0].start]
        between = run[: run.index(person[0])] if person[0] in run else []
        if lang != "en" and between and all(is_abbreviation(t.text) for t in between):
            first = index[person[0].start]  # 'в США Анатолий Антонов': the name's own start
        if lang == "en":
            opens, speaks = english_subject(run, doc.text)
            opens = opens or clause_subject(run, doc.text)
            subject = speaks or (opens and not possessed(run, doc.text))
        else:
            subject = nominative is not None and not plural_only(words[-1], lang)
            subject = subject and not after_preposition(outside, first, doc)
            if subject and first and _reported_clause(outside, first, doc.text, lang):
                subject = False  # 'вірить, що Путін …': the subject of a reported clause
        gender = gender_of_name(name.split(), lang)
        doc.mentions.append(Mention(person[0].start, name, gender, subject))
        # 'Венді Шерман заявила': the verb shows the gender the name does not
        after = index[person[-1].start] + 1
        if subject and after < len(outside):
            verb = outside[after]
            if doc.text[person[-1].end : verb.start] == " ":
                shown = past_verb_gender(verb.text, lang)
                if shown:
                    agreed.setdefault(name, set()).add(shown)
    doc.genders = {name: shown.pop() for name, shown in agreed.items() if len(shown) == 1}
    for mention in doc.mentions:
        if mention.gender is None:
            mention.gender = doc.genders.get(mention.name)
    if lang != "en" and doc.roles:
        _role_mentions(doc, outside)
    doc.mentions.sort(key=lambda m: m.start)


EN_NOT_NAMES = frozenset(
    ["he", "she", "it", "they", "we", "you", "this", "that", "there", "who", "which", "officials"]
)
_SUBORDINATE = frozenset({"що", "щоб", "что", "чтобы", "нібито", "будто"})


_TEASER_WORDS = (
    "Read more",
    "See also",
    "Читайте також",
    "Читайте также",
    "Дивіться також",
    "Смотрите также",
)
_TEASER = re.compile(r"\b(?:" + "|".join(_TEASER_WORDS) + r")\s*:", re.I)


def _teasers(text: str) -> list[tuple[int, int]]:
    """(start, end of its line) of each 'Read more:' in the text. The case-blind pattern
    is slow to run over a whole text; every match ends with a colon, so it is run only
    over the few letters before each colon (the same matches: no two can overlap)."""
    found: dict[int, int] = {}
    colon = text.find(":")
    while colon >= 0:
        lo = colon
        while lo and text[lo - 1].isspace():  # what \s* takes before the colon
            lo -= 1
        lo = max(0, lo - max(map(len, _TEASER_WORDS)))
        for m in _TEASER.finditer(text, lo, colon + 1):
            found.setdefault(m.start(), text.find("\n", m.start()))
        colon = text.find(":", colon + 1)
    return sorted(found.items())


def _reported_clause(tokens: list[Token], first: int, text: str, language: str) -> bool:
    """'… заявил, что президент РФ Владимир Путин не был …', '… сообщил, что Путин и
    спецпосланник Стив Уиткофф обсуждали …': 'что' opens the clause the name is in (only
    titles and other names between them, no verb, no punctuation)."""
    for k in range(first - 1, max(-1, first - 10), -1):
        word = tokens[k].text
        if word.lower() in _SUBORDINATE:
            return True
        if re.search(r"[^\s«»\"]", text[tokens[k].end : tokens[k + 1].start]):
            return False
        if word.islower() and any("VERB" in g for g in grams_of(word, language)):
            return False
    return False


def _role_mentions(doc: Document, tokens: list[Token]) -> None:
    """'Радник Путіна припустив…': a role noun in the nominative that names exactly one
    person introduced with it is a mention of that person (a later 'він' may be them)."""
    stems = {role[:3] for _, role, _ in doc.roles}  # cheap filter before morphology
    for k, tok in enumerate(tokens):
        word = tok.text.lower()
        if word[:3] not in stems or not role_nominative(word, doc.language):
            continue
        if k and after_preposition(tokens, k, doc):
            continue
        # 'что … спецпосланник X обсуждали': named, but not the sentence's subject
        subject = not (k and _reported_clause(tokens, k, doc.text, doc.language))
        key = role_key(word, doc.language)
        people = {full for at, role, full in doc.roles if role == key and at < tok.start}
        people.discard("")
        if len(people) == 1 and not any(m.start == tok.start for m in doc.mentions):
            name = people.pop()
            doc.mentions.append(Mention(tok.start, name, name_gender(name, doc), subject))


def _role_after(last: Token, doc: Document) -> tuple[str, str] | None:
    """'Нед Прайс, речник Держдепартаменту' / 'Josep Borrell, the E.U. coordinator, said'
    → (role key, the role as written)."""
    rest = doc.text[last.end : last.end + 80]
    if not rest.startswith(", "):
        return None
    phrase = re.split(r"[,.;:()\n—–]", rest[2:])[0]
    words = WORD.findall(phrase)[:6]
    if doc.language == "en":
        lex = speech_lexicon("en")
        if not words or words[0].lower() not in EN_ARTICLES | {"a", "an"}:
            return None
        posts = [w.lower() for w in words if w.lower() in lex.roles]
        return (posts[-1], phrase.split(" ", 1)[-1]) if posts else None
    if words and role_nominative(words[0].lower(), doc.language):
        key = role_key(words[0].lower(), doc.language)
        return (key, phrase) if key else None
    return None


def _tidy_post(post: str, language: str) -> str:
    """A role short enough to show under a quote, lower-cased where a sentence start
    capitalised it ('Речник МЗС' → 'речник МЗС'); '' when it is not one."""
    post = " ".join(post.split()).strip(" ,")
    words = post.split()
    if not words or len(words) > 7 or len(post) > 70 or any(ch.isdigit() for ch in post):
        return ""
    if language != "en" and not words[0].isupper():
        post = post[:1].lower() + post[1:]
    return post


def after_preposition(tokens: list[Token], i: int, doc: Document) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    return (
        doc.text[prev.end : tokens[i].start] == " "
        and prev.text.lower() in PREPOSITIONS[doc.language]
    )


def _role_before(
    tokens: list[Token], i: int, doc: Document, cases: set[str]
) -> tuple[str, int] | None:
    """'речник Держдепартаменту США Нед Прайс' → ('речник', where it starts)."""
    for j in range(i - 1, max(-1, i - 12), -1):
        gap = doc.text[tokens[j].end : tokens[j + 1].start]
        if gap.strip(' «»"“”„'):
            return None  # 'тренер «Зенита» Сергей Семак': a name in quote marks may stand
        word = tokens[j].text
        sentence_start = j == 0 or bool(
            re.search(r"[.!?\n]", doc.text[tokens[j - 1].end : tokens[j].start])
        )
        if (
            capitalized(word)
            and doc.language != "en"
            and not person_grams(word, doc.language)
            and _role_in(word.lower(), doc.language, cases)
            and (key := role_key(word.lower(), doc.language))
        ):
            return key, tokens[j].start  # 'Экран Министр иностранных дел Сергей Лавров'
        if capitalized(word) and (person_grams(word, doc.language) or not sentence_start):
            continue
        if word.lower() in PREPOSITIONS[doc.language] and doc.language != "en":
            continue  # 'радник з питань зовнішньої політики Юрій Ушаков'
        if speech_verb(word, doc.language) is not None:
            return None
        grams = grams_of(word.lower(), doc.language) if doc.language != "en" else []
        if any("VERB" in g for g in grams) and not any("NOUN" in g for g in grams):
            return None  # a verb ends the noun phrase ('справ' is also a noun: go on)
        if doc.language != "en" and _role_in(word.lower(), doc.language, cases):
            key = role_key(word.lower(), doc.language)
            if key:
                return key, tokens[j].start
    return None


def _shared_cases(person: list[Token], language: str) -> set[str]:
    """The cases every word of a name can be in ('Тарас Бойко' → nominative only)."""
    shared: set[str] | None = None
    for tok in person:
        cases = {c for c, _ in name_readings(tok.text, language)}
        if cases:
            shared = cases if shared is None else shared & cases
    return shared or set()


def _role_in(word: str, language: str, cases: set[str]) -> bool:
    """A role noun (animate, singular) in one of the name's cases."""
    if "nomn" in cases and role_nominative(word, language):
        return True
    return len(word) >= 4 and any(
        "NOUN" in g and "anim" in g and "plur" not in g and cases & g
        for g in grams_of(word, language)
        if not {"Name", "Surn", "Patr"} & g
    )

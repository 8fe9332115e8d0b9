"""Who a run of capitalised words names (a person, a post), and the speakers that are
not a verb's subject: the institution ('повідомили в МЗС'), the document's owner, the
person whose words are relayed ('приводит слова X')."""

from __future__ import annotations

import re

from bot.news.quotes.document import Document, Speaker, misspelled, name_gender, resolve_surname
from bot.news.quotes.lexicon import (
    EN_ARTICLES,
    EN_ORG_WORDS,
    PREPOSITIONS,
    capitalized,
    grams_of,
    is_abbreviation,
    latin,
    namelike,
    speech_verb,
)
from bot.news.quotes.names import (
    english_name,
    english_place,
    gender_of_name,
    in_dictionary,
    last_person_chunk,
    person_grams,
    role_gender,
    role_key,
    role_nominative,
    same_name,
    to_nominative,
)
from bot.news.quotes.people import EN_NOT_NAMES
from bot.news.quotes.spans import Token


def person_speaker(words: list[str], doc: Document, case: str | None) -> Speaker | None:
    """The person a run of capitalised words names, or the post it names ('Президент',
    'the Prime Minister'); None for places, countries, bodies and anything uncertain."""
    lang = doc.language
    if lang == "en":
        return _english_speaker(words, doc)
    if case == "nomn" and len(words) > 2:
        words = last_person_chunk(words, lang)
    # 'Міністр Дмитро Кулеба' at a sentence start: the title is not part of the name
    while (
        len(words) > 1
        and not person_grams(words[0], lang)
        and in_dictionary(words[0].lower(), lang)
        and any(person_grams(w, lang) for w in words[1:])
    ):
        words = words[1:]
    # 'Путина Юрий Ушаков': a genitive before the subject's own name belongs to a title
    while (
        case == "nomn"
        and len(words) > 1
        and not any("nomn" in g for g in grams_of(words[0], lang))
        and any(person_grams(w, lang) for w in words[1:])
    ):
        words = words[1:]
    full = resolve_surname(words, doc, doc.cursor, nominative=case == "nomn", typo=True)
    if full:
        return Speaker(full, "person", name_gender(full, doc))
    if len(words) >= 2 and _two_people(words, doc):
        return Speaker(" ".join(words), "unsure")  # '— сказал Рубио Лавров': two people
    if len(words) >= 2:
        match = doc.full_names.get(words[-1].lower())
        if match and same_name(words[0], match[-1][1].split()[0]):
            full = match[-1][1]
            return Speaker(full, "person", name_gender(full, doc))
    if len(words) == 1 and any("Patr" in g for g in grams_of(words[0], lang)):
        return None  # a lone patronymic ('Іванович') names nobody in particular
    if (
        case == "nomn"
        and not person_grams(words[0], lang)
        and role_nominative(words[0].lower(), lang)
    ):
        key = role_key(words[0].lower(), lang)  # 'Радник Кремля наголосив', '— сказав Президент'
        return Speaker(key, "role", role_gender(words[0].lower(), lang)) if key else None
    if len(words) == 1 and capitalized(words[0]) and misspelled(words[0], doc):
        return Speaker(words[0], "unsure")  # 'Ниинисто' beside 'Саули Ниинистё'
    name = to_nominative(words, lang, case)
    if not name:
        return None
    personish = any(person_grams(w, lang) for w in words) or any(
        not in_dictionary(w, lang) and not is_abbreviation(w) for w in words
    )
    if not personish or any("Geox" in g or "Orgn" in g for w in words for g in grams_of(w, lang)):
        return None  # a body or a place is never shown as the speaker
    gender = gender_of_name(words, lang) or doc.genders.get(name)
    return Speaker(name, "person", gender)


def _two_people(words: list[str], doc: Document) -> bool:
    """Every word the surname (in any case) of a person the text names, and not all the
    same person: 'Рубио Лавров', 'Лаврова Рубио' are two people, not one name."""
    people = set()
    for word in words:
        full = resolve_surname([word], doc, doc.cursor)
        if not full or not same_name(word, full.split()[-1]):
            return False
        people.add(full)
    return len(people) > 1


def _english_speaker(words: list[str], doc: Document) -> Speaker | None:
    name, role = english_name(words)
    if not name:
        return Speaker(role, "role", None) if role else None
    if english_place(name) or EN_ORG_WORDS & set(name) or all(is_abbreviation(w) for w in name):
        return None
    if len(name[-1]) < 2:
        return None  # 'posted on X': a letter is not a name
    if len(name) == 1 and name[0].lower() in EN_NOT_NAMES:
        return None  # 'Officials said' opening a sentence
    full = resolve_surname(name[-1:], doc, doc.cursor, typo=True) if len(name) <= 2 else None
    if full and (len(name) == 1 or full.split()[0] == name[0]):
        return Speaker(full, "person", None)  # 'Mr Boyle', 'Stoltenberg' → the full name
    if len(name) <= 2 and misspelled(name[-1], doc):
        return Speaker(name[-1], "unsure")  # 'Niisto' beside 'Sauli Niinistö'
    return Speaker(" ".join(name[-3:]), "person", None)


def take_run(tokens: list[Token], i: int, text: str, limit: int = 6) -> list[Token]:
    run = [tokens[i]]
    for tok in tokens[i + 1 : i + limit]:
        if not capitalized(tok.text) or text[run[-1].end : tok.start] != " ":
            break
        run.append(tok)
    return run


def take_run_back(tokens: list[Token], i: int, text: str, limit: int = 6) -> list[Token]:
    run = [tokens[i]]
    for k in range(i - 1, max(-1, i - limit), -1):
        tok = tokens[k]
        if not capitalized(tok.text) or text[tok.end : run[0].start] != " ":
            break
        run.insert(0, tok)
    return run


def institution(tokens: list[Token], i: int, doc: Document) -> Speaker | None:
    """'повідомили в МЗС' / 'у пресслужбі Ощадбанку' → 'МЗС' / 'пресслужба Ощадбанку'."""
    lang, text = doc.language, doc.text
    if i >= len(tokens) or tokens[i].text.lower() not in {"в", "у", "во", "in"}:
        return None
    words: list[str] = []
    for k in range(i + 1, min(len(tokens), i + 5)):
        if k > i + 1 and re.search(r"[^\s]", text[tokens[k - 1].end : tokens[k].start]):
            break
        if tokens[k].text.lower() in PREPOSITIONS[lang] or speech_verb(tokens[k].text, lang):
            break
        words.append(tokens[k].text)
    if not words or not any(capitalized(w) for w in words):
        return None
    if lang == "en":
        return Speaker(" ".join(w for w in words if w.lower() not in EN_ARTICLES), "org")
    if capitalized(words[0]) and not in_dictionary(words[0], lang):
        return Speaker(" ".join(words), "org")
    head = to_nominative(words[:1], lang, "loct")
    if head is None:
        return None
    if not capitalized(words[0]):
        head = head.lower()
    return Speaker(" ".join([head, *words[1:]]), "org")


def document_owner(tokens: list[Token], i: int, doc: Document) -> Speaker | None:
    """'йдеться у повідомленні пресслужби МВС' → 'пресслужба МВС'."""
    if i + 2 >= len(tokens) or tokens[i].text.lower() not in {"в", "у", "во"}:
        return None
    owner = [t.text for t in tokens[i + 2 : i + 5]]
    if not owner or not any(capitalized(w) for w in owner):
        return None
    gap = doc.text[tokens[i + 1].end : tokens[i + 2].start]
    if gap != " ":
        return None
    if capitalized(owner[0]) and (
        is_abbreviation(owner[0]) or not in_dictionary(owner[0], doc.language)
    ):
        return Speaker(" ".join(owner), "org")
    head = to_nominative(owner[:1], doc.language, "gent")
    if head is None:
        return None
    if not capitalized(owner[0]):
        head = head.lower()
    rest = [w for w in owner[1:] if capitalized(w) or w.isupper()]
    return Speaker(" ".join([head, *rest[: len(owner) - 1]]), "org")


_WORDS_OF = frozenset(
    {"слова", "слів", "цитату", "цитати", "заявление", "заяву", "высказывание", "коментар"}
)


def relayed(tokens: list[Token], i: int, doc: Document) -> Speaker | None:
    """'— приводит слова Пескова РИА Новости', '— цитирует Знарка сайт клуба', '— передає
    слова тренера sportarena.com': the person whose words are relayed (not the relayer)."""
    lang = doc.language
    case = "accs"
    start = i
    for k in range(i, min(len(tokens), i + 4)):
        if tokens[k].text.lower() in _WORDS_OF:
            if k > i and tokens[k - 1].text.lower() in HIS | HER:
                i = k - 1  # 'привел его слова ТАСС'
            else:
                i, case = k + 1, "gent"
            break
    while i < min(len(tokens) - 1, start + 3) and (
        is_abbreviation(tokens[i].text) or latin(tokens[i].text)
    ):
        i += 1  # 'цитирует ТАСС Рябкова': the relayer before the person
    if i >= len(tokens):
        return None
    word = tokens[i].text
    if word.lower() in HIS | HER:
        return Speaker("pronoun", "pronoun", "femn" if word.lower() in HER else "masc")
    if capitalized(word) and namelike(word, lang) and not latin(word):
        words = [t.text for t in take_run(tokens, i, doc.text)]
        # the name ends where the relayer begins ('цитує Коноплю Суспільне Спорт')
        name = [w for w in words if person_grams(w, lang) or not in_dictionary(w, lang)]
        cut = next((k for k, w in enumerate(words) if k and (w not in name or w.isupper())), 0)
        words = words[:cut] if cut else words
        found = person_speaker(words, doc, case)
        if found is not None and found.kind == "unsure":
            return found  # 'цитирует Лаврова Рубио': the relayed and the relayer, unsplit
        if found is None or found.kind != "person":
            full = resolve_surname(words[-1:], doc, doc.cursor)
            found = Speaker(full, "person", name_gender(full, doc)) if full else None
        return found
    if role_key(word.lower(), lang) and not person_grams(word, lang):
        key = role_key(word.lower(), lang)  # 'слова тренера': the post
        return Speaker(key, "role", role_gender(word.lower(), lang)) if key else None
    return None


HER = frozenset({"її", "her", "ее", "её"})
HIS = frozenset({"його", "his", "его"})

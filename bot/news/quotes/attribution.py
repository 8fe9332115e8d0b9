"""Speakers of one quote: the clause after it ('— сказав X', 'said X'), before it
('X заявив: «…»', 'За словами X, «…»'), and the names, roles or institutions in it."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.news.quotes.document import Document, Speaker, name_gender, resolve_surname
from bot.news.quotes.lexicon import (
    EN_ARTICLES,
    INTRO,
    PREPOSITIONS,
    after_thing,
    capitalized,
    grams_of,
    is_abbreviation,
    is_document_verb,
    latin,
    namelike,
    portfolio_cut,
    relay_verb,
    speech_lexicon,
    speech_verb,
    word_readings,
)
from bot.news.quotes.names import (
    last_person_chunk,
    person_grams,
    role_gender,
    role_key,
    role_nominative,
)
from bot.news.quotes.people import after_preposition
from bot.news.quotes.resolve import resolve_speaker
from bot.news.quotes.spans import SENTENCE_END, Token, tokenize
from bot.news.quotes.speakers import (
    HER,
    HIS,
    document_owner,
    institution,
    person_speaker,
    relayed,
    take_run,
    take_run_back,
)


def _subject_after(tokens: list[Token], start: int, doc: Document) -> Speaker | None:
    """The speaker named after the verb: '— сказав речник Нед Прайс на брифінгу'."""
    lang, text = doc.language, doc.text
    lex = speech_lexicon(lang)
    role: Speaker | None = None
    i = start
    while i < len(tokens) and i < start + 12:
        tok = tokens[i]
        gap = text[tokens[i - 1].end : tok.start] if i > 0 else ""
        if i > start and re.search(r"[,;:()—–]", gap):
            break
        word = tok.text
        after_prep = i > 0 and tokens[i - 1].text.lower() in PREPOSITIONS[lang] and i > start
        if word.lower() in lex.pronouns and role is None:
            return Speaker(word.lower(), "pronoun", lex.pronouns[word.lower()])
        if capitalized(word) and lang != "en" and (latin(word) or not namelike(word, lang)):
            i += 1  # 'розповів NovaKahovka.City …' — a Latin name here is an addressee
            continue
        if capitalized(word) and re.search(r"[«„“\"]", gap):
            i += len(take_run(tokens, i, text))  # 'ТОВ «Компанія Федорченко»': a company
            continue
        if capitalized(word) and after_prep and lang == "en":
            run = take_run(tokens, i, text)
            named = portfolio_cut(run, text)  # 'said Minister of Economy Olena Marchuk'
            speaker = person_speaker([t.text for t in named], doc, "nomn") if named else None
            if len(named) < len(run) and speaker and speaker.kind == "person":
                return speaker
            i += len(run)
            continue
        if capitalized(word) and not after_prep:
            run = take_run(tokens, i, text)
            if len(run) == 1 and after_thing(text, tok.start, lang):
                i += len(run)  # 'заявил на авиабазе Рамштайн': a place's name
                continue
            words = [t.text for t in (portfolio_cut(run, text) if lang == "en" else run)]
            if lang == "en":
                while words and words[0].lower() in EN_ARTICLES:
                    words = words[1:]
                if not words:
                    i += len(run)
                    continue
            speaker = person_speaker(words, doc, "nomn")
            follows = tokens[i + len(run)].text if i + len(run) < len(tokens) else ""
            if (
                lang == "en"
                and follows in lex.roles | lex.generic_roles
                and speaker
                and speaker.kind == "person"
            ):
                return Speaker(follows, "unsure")  # 'said a Lavrov aide': the aide speaks
            follows = follows.lower()
            if speaker and speaker.kind == "role" and lang == "en" and follows in ("of", "for"):
                role = role or speaker  # 'the Minister of Economy X': the name may follow
                i += len(run)
                continue
            if speaker and (role is None or speaker.kind == "person"):
                return speaker
            i += len(run)
            continue
        if capitalized(word):  # inside a prepositional phrase: skip its name
            i += len(take_run(tokens, i, text))
            continue
        if role is None and lang == "en" and word.lower() in lex.roles:
            role = _english_role(word, tokens[i - 1])  # 'said the senior diplomat'
        if role is None and not after_prep and role_nominative(word, lang):
            key = role_key(word, lang)
            if key:
                role = Speaker(key, "role", role_gender(word, lang))
        i += 1
    return role


def attribution_after(clause_start: int, clause_end: int, doc: Document) -> Speaker | None:
    """Speaker in '— сказав X' / '— X сказав' / 'Price said' / 'said Price'."""
    lang = doc.language
    tokens = tokenize(doc.text[clause_start:clause_end], clause_start)
    window = 7 if lang == "en" else 5
    for vi, tok in enumerate(tokens[:window]):
        if is_document_verb(tok.text, lang) and vi <= 1:
            return document_owner(tokens, vi + 1, doc)
        if vi <= 1 and relay_verb(tok.text, lang):
            return relayed(tokens, vi + 1, doc)
        gender = speech_verb(tok.text, lang)
        if gender is None:
            continue
        before = tokens[:vi]
        speaker = _subject_before(before, doc, tok) if before else None
        if speaker is None and before and not _only_adverbs(before, lang):
            return None  # something else stands before the verb: not a plain attribution
        if speaker is None:
            speaker = institution(tokens, vi + 1, doc) if gender == "plur" else None
        if speaker is None:
            speaker = _subject_after(tokens, vi + 1, doc)
        if speaker is None and not before and gender in ("masc", "femn"):
            speaker = _zero_subject(tokens, vi, doc, gender)
        return _check_gender(speaker, gender)
    return None


def _zero_subject(tokens: list[Token], vi: int, doc: Document, gender: str) -> Speaker | None:
    """'— сказал, обращаясь к странам …': the verb has no subject of its own; it is the
    person just spoken of (resolved like 'he'), unless a name follows that we could not
    read (then whose words these are is not certain)."""
    if doc.language == "en":
        return None
    for tok in tokens[vi + 1 : vi + 8]:
        if re.search(r"[,;:()—–]", doc.text[tokens[vi].end : tok.start]):
            break
        if capitalized(tok.text):
            return None
    return Speaker("", "pronoun", gender)


def _only_adverbs(tokens: list[Token], language: str) -> bool:
    """Nothing but 'так', 'також', 'then' or an adverb ('метафорично') before the verb."""
    return all(_adverb(t.text, language) for t in tokens)


def _adverb(word: str, language: str) -> bool:
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
        "как",
        "as",
        "then",
        "also",
    }
    if word.lower() in allowed:
        return True
    grams = grams_of(word, language) if language != "en" and word.islower() else ()
    # 'прямо' also reads as a particle or a short adjective: an adverb for all that
    return any("ADVB" in g for g in grams) or (
        bool(grams) and all({"ADJS", "neut"} <= g for g in grams)
    )


def _subject_before(
    tokens: list[Token], doc: Document, verb: Token | None = None
) -> Speaker | None:
    """The subject standing right before the verb: 'Прайс заявив', 'he said'; before an
    aside set off by commas ('Lavrov, speaking after talks with Rubio, said')."""
    lang, text = doc.language, doc.text
    lex = speech_lexicon(lang)
    i = len(tokens) - 1
    while i >= 0 and (
        tokens[i].text.lower() in {"також", "ще", "теж", "также", "also", "then"}
        or (
            i
            and tokens[i].text.islower()
            and _adverb(tokens[i].text, lang)
            and not any("CONJ" in g for g in grams_of(tokens[i].text, lang))
            and not re.search(r"[,;:—–()]", text[tokens[i - 1].end : tokens[i].start])
        )
    ):
        i -= 1  # 'Трамп прямо указал
    if i < 0:
        return None
    word = tokens[i].text
    if word.lower() in lex.pronouns:
        return Speaker(word.lower(), "pronoun", lex.pronouns[word.lower()])
    after = tokens[i + 1].start if i + 1 < len(tokens) else verb.start if verb else None
    if after is not None and capitalized(word) and "," in text[tokens[i].end : after]:
        # the name ends an aside ('Lavrov, asked about Rubio, said'): the subject is
        # the one before the aside opens, if any
        opens = next(
            (k for k in range(i, 0, -1) if "," in text[tokens[k - 1].end : tokens[k].start]), 0
        )
        return _subject_before(tokens[:opens], doc) if opens else None
    if capitalized(word) and namelike(word, lang):
        run = take_run_back(tokens, i, text)
        at = tokens.index(run[0])
        if (
            lang == "en"
            and at > 1
            and tokens[at - 1].text == "and"
            and len(run) <= 2
            and tokens[at - 2].text.lower() in doc.full_names
        ):
            return None  # 'Lavrov and Rubio said': both, in one statement
        if lang == "en":
            run = portfolio_cut(run, text)  # 'Minister of Economy said'
        elif len(run) == 1 and after_thing(text, run[0].start, lang):
            return None  # 'на авиабазе Рамштайн заявил': the place is not the subject
        words = [t.text for t in run]
        if lang == "en":
            while words and words[0].lower() in EN_ARTICLES:
                words = words[1:]
            if at and after_preposition(tokens, at, doc):
                return None  # 'a spokesman for Rubio said', 'the statement on Lavrov said'
        elif (
            run[0] is not tokens[0]
            and len(last_person_chunk(words, lang)) == len(words)
            and after_preposition(tokens, tokens.index(run[0]), doc)
        ):
            return None  # 'с Путиным Песков ответил': the subject's name starts after it
        return person_speaker(words, doc, "nomn") if words else None
    if lang == "en" and word.islower() and i > 0 and tokens[i - 1].text.lower() in EN_ARTICLES:
        return Speaker(word.lower(), "role", None)
    if (
        lang == "en"
        and word.lower() in lex.roles | lex.generic_roles
        and any(t.text.lower() in EN_ARTICLES for t in tokens[max(0, i - 3) : i])
    ):
        return _english_role(word, tokens[i - 1])  # 'the Iranian top diplomat declared'
    # 'радник міністра наголосив', 'глава МИД России заявил': a role noun, then genitives
    for k in range(i, max(-1, i - 4), -1):
        head = tokens[k].text
        if lang != "en" and role_nominative(head.lower(), lang) and not person_grams(head, lang):
            key = role_key(head.lower(), lang)
            return Speaker(key, "role", role_gender(head.lower(), lang)) if key else None
        nominative = any("nomn" in g for g in grams_of(head.lower(), lang))
        if (lang == "en" or nominative) and not is_abbreviation(head):
            break
    return None


def _english_role(word: str, before: Token) -> Speaker:
    """An English role noun: 'the top diplomat' names a post; a generic one after a
    capitalised word ('the Russian diplomat') only qualifies one of several people."""
    if word.lower() in speech_lexicon("en").generic_roles and capitalized(before.text):
        return Speaker(word.lower(), "qualified")
    return Speaker(word.lower(), "role", None)


def _check_gender(speaker: Speaker | None, verb_gender: str) -> Speaker | None:
    if speaker is None:
        return None
    if verb_gender == "plur":
        return speaker if speaker.kind == "org" else None
    if verb_gender and speaker.gender and speaker.gender != verb_gender:
        return None
    if verb_gender in ("masc", "femn") and speaker.kind == "person" and not speaker.gender:
        return replace(speaker, gender=verb_gender)  # '— сказала Шерман': she
    return speaker


def _intro_person(intro: str, tokens: list[Token], doc: Document) -> Speaker | None:
    """The X after 'За словами' / 'По словам' / 'According to' (a name, or 'його')."""
    lang = doc.language
    said = set(intro.lower().split())
    if said & (HIS | HER):  # 'По его словам, …'
        return Speaker("pronoun", "pronoun", "femn" if said & HER else "masc")
    if not tokens or not capitalized(tokens[0].text):
        if tokens and tokens[0].text.lower() in {"його", "її", "his", "her", "его", "ее", "её"}:
            gender = "femn" if tokens[0].text.lower() in {"її", "her", "ее", "её"} else "masc"
            return Speaker("pronoun", "pronoun", gender)
        return None
    run = take_run(tokens, 0, doc.text)
    words = [t.text for t in run]
    found = person_speaker(words, doc, None if lang == "en" else "gent")
    if found is None and lang != "en":
        surname = resolve_surname(words[-1:], doc, doc.cursor)
        if surname:
            found = Speaker(surname, "person", name_gender(surname, doc))
    return found


def attribution_before(quote_open: int, doc: Document) -> Speaker | None:
    """'Прайс заявив: «…»' or 'За словами Прайса, «…»' (the clause before the quote)."""
    lang, text = doc.language, doc.text
    line_start = text.rfind("\n", 0, quote_open) + 1
    before = text[line_start:quote_open]
    if not before.strip() and text[:line_start].rstrip().endswith(":"):
        # 'Ушаков підкреслив, що …:' on its own line, the quote on the next
        end = len(text[:line_start].rstrip())
        line_start = text.rfind("\n", 0, end) + 1
        before = text[line_start:end]
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in ":,":
        return None
    ends = list(SENTENCE_END.finditer(before[: len(stripped) - 1]))
    start = line_start + (ends[-1].end() if ends else 0)
    clause = text[start : line_start + len(stripped) - 1]
    intro = INTRO[lang].search(clause)
    if intro and stripped.endswith(","):
        tokens = tokenize(clause[intro.end() :], start + intro.end())
        return _intro_person(intro.group(), tokens, doc)
    if stripped.endswith(",") and lang != "en":
        return None
    tokens = tokenize(clause, start)
    for vi in range(len(tokens) - 1, -1, -1):
        verb_gender = speech_verb(tokens[vi].text, lang)
        if verb_gender is None:
            continue
        speaker = _subject_before(tokens[:vi], doc, tokens[vi]) if vi else None
        if speaker is None:
            speaker = _subject_after(tokens, vi + 1, doc)
        if speaker is None and vi > 1 and tokens[vi - 1].text.lower() in _AND:
            continue  # 'Stoltenberg said … and added:': the subject of the first verb
        if speaker is None and verb_gender in ("masc", "femn") and _only_adverbs(tokens[:vi], lang):
            # 'І додає: «…»' — the subject is the person just spoken of
            speaker = Speaker("", "pronoun", verb_gender)
        return _check_gender(speaker, verb_gender)
    return _label_with_post(tokens, doc) if start == line_start and stripped[-1] == ":" else None


def _label_with_post(tokens: list[Token], doc: Document) -> Speaker | None:
    """'Дмитрий Песков, пресс-секретарь президента РФ: «…»': a paragraph that opens with
    a full name and its post, then a colon, gives that person's words."""
    run = take_run(tokens, 0, doc.text) if tokens and capitalized(tokens[0].text) else []
    after = run[-1].end if run else 0
    if len(run) < 2 or not doc.text.startswith(",", after) or len(tokens) - len(run) > 8:
        return None
    rest = tokens[len(run) :]
    if not rest or not role_nominative(rest[0].text.lower(), doc.language):
        return None
    found = label_speaker(run[0].start, run[-1].end, doc)
    return found if found is not None and found.kind == "person" else None


_AND = frozenset({"and", "і", "й", "та", "и"})


def attribution_in(start: int, end: int, doc: Document) -> Speaker | None:
    """The speaker of reported speech in text[start:end]: the subject of its last speech
    verb ('Рябков сказал, что …', 'Ryabkov called the meeting …')."""
    tokens = tokenize(doc.text[start:end], start)
    vi = reporting_verb(tokens, end, doc)
    if not vi:
        return None
    speaker = _subject_before(tokens[:vi], doc, tokens[vi])
    if speaker is None or speaker.kind == "org":
        return None
    return speaker


def reporting_verb(tokens: list[Token], end: int, doc: Document) -> int | None:
    """Index of the speech verb whose reported speech reaches `end` ('сказал, что',
    'called it', 'said'), None when there is none or the quote is its object."""
    lang = doc.language
    for vi in range(len(tokens) - 1, -1, -1):
        word = tokens[vi].text
        if speech_verb(word, lang) is None and not _calls(word, lang):
            continue
        if len(tokens) - vi > 12:
            return None  # the verb is far from the quote: another clause may speak
        between = doc.text[tokens[vi].end : end]
        said = lang == "en" and word.lower() not in {"urged", "urges", "asked", "asks"}
        if (
            not said
            and not _calls(word, lang)
            and not re.search(r"(?:^|[\s,])(?:що|что|that|як|как)\s|:\s*$", between)
        ):
            return None  # 'закликав об'єднатися «…»': an object, not reported speech
        return vi
    return None


def _calls(word: str, language: str) -> bool:
    """'назвав', 'назвал', 'called', 'described': a verb that frames a quoted phrase."""
    if language == "en":
        return word in {"called", "described", "calls", "describes", "termed"}
    return any(
        normal_form
        in {"назвати", "називати", "назвать", "называть", "охарактеризувати", "охарактеризовать"}
        for _, normal_form, _ in word_readings(word.lower(), language)
    )


def intro_speaker(start: int, end: int, doc: Document) -> Speaker | None:
    """'Дмитрий Козак рассказал журналистам об итогах переговоров.' (a line that opens
    with a named person and a speech verb, introducing the dash paragraphs after it)."""
    line = doc.text[start:end].rstrip()
    if not line.endswith((".", ":")):
        return None
    tokens = tokenize(line, start)[:8]
    for vi, tok in enumerate(tokens):
        if speech_verb(tok.text, doc.language) is None:
            continue
        speaker = _subject_before(tokens[:vi], doc, tokens[vi]) if vi else None
        if speaker is not None and speaker.kind == "person":
            return speaker
        break
    return _one_person(start, start + len(line), doc) if line.endswith(":") else None


def paragraph_speaker(end: int, doc: Document) -> Speaker | None:
    """The speaker the paragraph ending at `end` reports in its last sentence ('Он
    отметил, что …', 'Рябков заявил, что …'), for a quote that is the next paragraph;
    None when that sentence reports nobody's speech or names two people."""
    if doc.language == "en" or doc.text[end : end + 1] != "\n":
        return None
    start = doc.text.rfind("\n", 0, end) + 1
    line = doc.text[start:end].rstrip()
    if not line.endswith((".", ":")):
        return None
    ends = list(SENTENCE_END.finditer(line[:-1]))
    at = start + (ends[-1].end() if ends else 0)
    tokens = tokenize(doc.text[at : start + len(line)], at)
    vi = next((k for k, t in enumerate(tokens[:8]) if speech_verb(t.text, doc.language)), None)
    if vi is None or len({m.name for m in doc.mentions if at <= m.start < end}) > 1:
        return None
    speaker = _subject_before(tokens[:vi], doc, tokens[vi]) if vi else None
    return speaker if speaker is not None and speaker.kind in ("person", "pronoun") else None


def _one_person(start: int, end: int, doc: Document) -> Speaker | None:
    """A line that hands over to the dash paragraphs after it ('Главный тренер «X» Name
    Surname:', 'Name Surname, главный тренер «X»:', 'Следом вышел Name Surname, …:'):
    the one person it names, as its subject; nobody when it names two."""
    named = [m for m in doc.mentions if start <= m.start < end]
    if len({m.name for m in named}) != 1 or not named[0].subject:
        return None
    return Speaker(named[0].name, "person", named[0].gender)


def label_speaker(start: int, end: int, doc: Document) -> Speaker | None:
    """The person a paragraph label names ('Martin Hale:', 'Сергій Ребров:'), if any."""
    words = [t.text for t in tokenize(doc.text[start:end])]
    speaker = person_speaker(words, doc, "nomn")
    if speaker is None or speaker.kind != "person" or len(speaker.name.split()) < 2:
        return None
    return speaker


def attributed_after(start: int, end: int, doc: Document) -> bool:
    """'…», — сказав він', '…," the statement said': a speech verb opens the clause
    after a quote (whoever its subject is)."""
    tail = doc.text[start:end]
    if not re.match(r"\s*[,.!?…]?\s*[,—–-]", tail) and not (
        doc.language == "en" and re.match(r"\s+\w", tail)
    ):
        return False
    tokens = tokenize(tail, start)
    if end >= len(doc.text.rstrip()) and len(tokens) <= 2 and re.match(r"\s*[,.]?\s*[—–-]", tail):
        return True  # '…», – за' at the very end: the text was cut inside the attribution
    # English puts long subjects first: '…," spokesperson for the ruling party X Y said'
    reach = 12 if doc.language == "en" else 4
    return any(
        speech_verb(t.text, doc.language) is not None
        or is_document_verb(t.text, doc.language)
        or relay_verb(t.text, doc.language)
        for t in tokens[:reach]
    )


def reported(start: int, end: int, doc: Document, calls: bool = True, intro: bool = True) -> bool:
    """text[start:end] reports speech that the quote at `end` continues: a reporting verb
    ('сказал, что', 'отметив, что'), or 'За словами X,' / 'According to X,' opening it."""
    tokens = tokenize(doc.text[start:end], start)
    if intro and (INTRO[doc.language].search(doc.text[start:end]) or _as_said(tokens, doc)):
        return True
    vi = reporting_verb(tokens, end, doc)
    if vi is not None and (calls or not _calls(tokens[vi].text, doc.language)):
        return True  # without `calls`: 'назвала «…»' frames a phrase, not speech
    between = doc.text[tokens[-1].end : end] if tokens else ""
    return (
        any(  # 'отметив при этом, что «…»': a speech verb's gerund
            _speech_gerund(t.text, doc.language)
            and re.search(r"(?:^|[\s,])(?:що|что|как|як)\s", doc.text[t.end : end])
            for t in tokens[-12:]
        )
        and not between.strip(" ,")
    )


def _as_said(tokens: list[Token], doc: Document) -> bool:
    """'Как заявил помощник X, …' / 'Як зазначили у НБУ, …' / 'As X said, …'."""
    return (
        len(tokens) > 1
        and tokens[0].text.lower() in {"как", "як", "as"}
        and speech_verb(tokens[1].text, doc.language) is not None
    )


def intro_speaker_before(start: int, end: int, doc: Document) -> Speaker | None:
    """The X of 'За словами X, … «…»' / 'По его словам, …' / 'Как заявил X, …' earlier in
    the sentence."""
    clause = doc.text[start:end]
    tokens = tokenize(clause, start)
    if _as_said(tokens, doc):
        comma = clause.find(",")
        speaker = attribution_after(start, start + comma, doc) if comma > 0 else None
        return speaker if speaker is not None and speaker.kind != "org" else None
    intro = INTRO[doc.language].search(clause)
    if intro is None:
        return None
    rest = clause[intro.end() :]
    comma = rest.find(",")
    if comma < 0:
        return None
    found = _intro_person(intro.group(), tokenize(rest[:comma], start + intro.end()), doc)
    if found is None or found.kind != "pronoun":
        return found
    return _pronoun_at(found, start, start + intro.start(), doc)


def _pronoun_at(pronoun: Speaker, start: int, at: int, doc: Document) -> Speaker | None:
    """'По его словам' inside a sentence: 'his' points back from where it stands, not
    from the quote ('За його словами, Рубіо наголосив … «…»' are the spokesman's words,
    named before it); with two people named in the sentence before it, whose words
    they are is not certain."""
    named: set[str] = {m.name for m in doc.mentions if start <= m.start < at}
    pronouns = speech_lexicon(doc.language).pronouns
    if any(t.text.lower() in pronouns for t in tokenize(doc.text[start:at], start)):
        named.add("")  # 'Он отказался …, поскольку, по его словам': he, or the one named?
    if len(named) > 1:
        return None
    return resolve_speaker(pronoun, at, doc)


def _speech_gerund(word: str, language: str) -> bool:
    if language == "en":
        return False
    lex = speech_lexicon(language)
    return any(
        "GRND" in tag and normal_form in lex.verbs
        for tag, normal_form, _ in word_readings(word.lower(), language)
    )

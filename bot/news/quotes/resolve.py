"""Resolving a pronoun, a role noun or a zero subject to the one named person it
stands for, or to nobody when that is not certain."""

from __future__ import annotations

import re

from bot.news.quotes.document import Document, Mention, Speaker, name_gender
from bot.news.quotes.lexicon import grams_of, speech_lexicon, speech_verb
from bot.news.quotes.names import person_grams, role_key, role_nominative
from bot.news.quotes.spans import tokenize


def resolve_speaker(speaker: Speaker, pos: int, doc: Document) -> Speaker | None:
    """Pronouns and role nouns → the named person they stand for, or None when unsure."""
    if speaker.kind == "pronoun":
        return _antecedent(speaker.gender, pos, doc)
    if speaker.kind == "unsure":
        return None  # a name spelled nearly like another in the text: whose is not certain
    if speaker.kind == "qualified":
        # 'the Russian diplomat', 'the U.S. official': the words pick one of several
        # people we cannot tell apart, so only the one person named so far is certain
        named = {m.name for m in doc.mentions if m.start < pos}
        if len(named) == 1 and (only := named.pop()):
            return Speaker(only, "person", name_gender(only, doc))
        return None
    if speaker.kind == "org":
        # a body is never shown as the speaker: its spokesperson named before, or no
        # name (still ranked as an attributed quote)
        return spokesperson(speaker.name, pos, doc) or Speaker("", "org")
    if speaker.kind == "role":
        named = {full for at, role, full in doc.roles if at < pos and role == speaker.name}
        if len(named) == 1:  # one person with that post in view
            full = named.pop()
            return Speaker(full, "person", name_gender(full, doc))
        if not named and speaker.name in speech_lexicon(doc.language).generic_roles:
            return _antecedent(speaker.gender, pos, doc, strict=True)  # 'додав політик'
        # several holders ('президент … зустрівся з президентом США'): the only one who
        # was ever the subject (where case shows it)
        holders = [m for m in doc.mentions if m.start < pos and m.subject and m.name in named]
        if doc.language != "en" and len({m.name for m in holders}) == 1:
            return Speaker(holders[-1].name, "person", holders[-1].gender)
        return None
    return speaker


def _antecedent(
    gender: str | None, pos: int, doc: Document, strict: bool = False
) -> Speaker | None:
    """The person 'he'/'she' stands for: the last subject of that gender before `pos`,
    unless another subject of that gender was named after it (then it is ambiguous).

    strict (a generic role: 'дипломат', 'the official'): the person was named in this
    paragraph or the one before, and nobody else was named since, in any case.
    """
    subjects = [
        m
        for m in doc.mentions
        if m.start < pos and m.subject and not (gender and m.gender and m.gender != gender)
    ]
    if not subjects:
        return None
    candidate = subjects[-1]
    if not candidate.name:
        return None  # the last subject is someone the text does not name for certain
    # another subject in the antecedent's sentence or after it ('Rubio said …, and
    # Lavrov agreed.' ¶ '«…», he said'): either could be 'he'
    opens = candidate.start if candidate.shown else _clause_start(candidate.start, doc)
    if any(not _same_person(m.name, candidate.name) for m in subjects if m.start >= opens):
        return None
    if _role_subject(candidate, pos, doc):
        return None
    headline = _headline_speaker(doc)
    if headline is not None and not _same_person(headline, candidate.name):
        return None  # 'Лавров: …' above a story whose last subject is Rubio: whose 'he'?
    if strict:
        since = [m for m in doc.mentions if candidate.start < m.start < pos]
        if any(m.name != candidate.name for m in since):
            return None
        if _paragraphs_between(candidate.start, pos, doc) > 1:
            return None
        start = doc.text.rfind("\n", 0, candidate.start) + 1
        crowd = {m.name for m in doc.mentions if start <= m.start < candidate.start and m.subject}
        if crowd - {candidate.name}:
            return None  # the last of a list of people ('…, Ерік Грін і Стергос Калудіс')
    return Speaker(candidate.name, "person", candidate.gender)


_HEADLINE_SPEAKER = re.compile(
    r"^[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,2}(?::\s| (?:says|said|tells|warns)\b)"
)


def _headline_speaker(doc: Document) -> str | None:
    """The person a first line gives the story's words to ('Лавров: …', 'Lavrov says
    …'), if the text names that person."""
    match = _HEADLINE_SPEAKER.match(doc.text)
    if match is None or "\n" in match.group():
        return None
    named = [m.name for m in doc.mentions if m.start < match.end() and m.name]
    return named[0] if len(set(named)) == 1 else None


def _same_person(a: str, b: str) -> bool:
    """'Стив Уиткофф' and 'Стив Уиткофф РФПИ' (a word of clutter read into the name)."""
    return a == b or (
        bool(a) and bool(b) and (a.split()[-1] in b.split() or b.split()[-1] in a.split())
    )


def _clause_start(pos: int, doc: Document) -> int:
    """Where the clause of the name at `pos` starts: its sentence, or the attribution the
    name is the subject of ('Путин решил …, заявил Песков': what Putin did is what
    Peskov said, not another speaker)."""
    line = doc.text.rfind("\n", 0, pos) + 1
    # pos + 1: the lookahead may see the name's first letter
    ends = list(_SENTENCE_END.finditer(doc.text, line, pos + 1))
    start = ends[-1].end() if ends else line
    for comma in re.finditer(r"[,—–]\s", doc.text[start:pos]):
        words = tokenize(doc.text[start + comma.end() : pos], start + comma.end())
        if any(speech_verb(w.text, doc.language) for w in words[:3]):
            return start + comma.start()
    return start


_SENTENCE_END = re.compile(r"[.!?…][»”\"']?\s+(?=[«„“\"'A-ZА-ЯІЇЄҐЁ])")
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its"})


def _role_subject(candidate: Mention, pos: int, doc: Document) -> bool:
    """'Russia's foreign minister was more cautious.', 'Российский министр был сдержан.'
    between the name and 'he said': a sentence whose subject is a post, not a name —
    unless the post is that person's own."""
    for match in _LEAD.finditer(doc.text, candidate.start, pos):
        words = [w.strip(",;:") for w in doc.text[match.end() : match.end() + 80].split()[:6]]
        key = _subject_post(words, doc)
        if key and {full for _, role, full in doc.roles if role == key} != {candidate.name}:
            return True
    return False


def _subject_post(words: list[str], doc: Document) -> str | None:
    """The post a sentence opens with as its subject ('the Russian minister was', 'Russia's
    top diplomat said', 'Российский министр был'), not a title before a name."""
    lang = doc.language
    if lang == "en":
        if not words or not (words[0].lower() in _DETERMINERS or words[0].endswith(_OWNS)):
            return None
        lex = speech_lexicon("en")
        roles = lex.roles | lex.generic_roles
        for k in range(1, min(len(words) - 1, 4)):
            word = words[k].lower()
            if word in roles:
                return word if words[k + 1][:1].islower() else None
            if not word.isalpha():
                return None  # 'the minister's aide', 'the envoy, …': not this simple shape
        return None
    for k, word in enumerate(words[:3]):
        if k and word[:1].isupper():
            return None  # a name comes first
        grams = grams_of(word.lower(), lang)
        if (
            role_nominative(word.lower(), lang)
            and not person_grams(word, lang)
            and all("NOUN" in g and not {"Name", "Surn", "Patr"} & g for g in grams)
        ):  # a post and nothing else ('яким' is also 'which' and a first name)
            if any(w[:1].isupper() for w in words[k + 1 :]):
                return None  # 'Министр иностранных дел Сергей Лавров': a title
            return role_key(word.lower(), lang)
    return None


_LEAD = re.compile(r"(?:^|\n|[.!?][”\"»]?\s+)(?=\S)")
_OWNS = ("'s", "’s")


def _paragraphs_between(start: int, end: int, doc: Document) -> int:
    """Paragraph breaks between two places, not counting a paragraph that opens with
    'he'/'she' (it goes on about the same person: 'Он признался, что …')."""
    pronouns = speech_lexicon(doc.language).pronouns
    breaks = 0
    at = doc.text.find("\n", start, end)
    while at >= 0:
        opener = doc.text[at + 1 : at + 12].split(maxsplit=1)
        if not (opener and opener[0].lower() in pronouns and at + 1 < end):
            breaks += 1
        at = doc.text.find("\n", at + 1, end)
    return breaks


# Posts that speak for a body ('представитель МИД РФ', 'речник МЗС', 'the ministry's
# spokeswoman'); a minister or a head of the body does not voice its statements.
_SPEAKS_FOR = re.compile(
    r"представител|пресс-секретар|прес-секретар|речни|спикер|спікер|spokes|press secretary",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def spokesperson(body: str, pos: int, doc: Document) -> Speaker | None:
    """The one person named before `pos` whose post speaks for `body` ('«…», — заявили в
    МИД РФ' after 'представитель МИД РФ Мария Захарова'), else None."""
    # 'пресслужба МВС' → 'МВС', 'Держдеп' → 'держдеп' (a stem: 'Держдепу' in the post)
    words = [w.casefold() for w in _WORD.findall(body) if w[:1].isupper() or w.isupper()]
    if not words:
        return None
    stems = [w[:5] if len(w) > 5 else w for w in words]
    named = set()
    for at, _role, full in doc.roles:
        post = doc.posts.get(full, "")
        if at >= pos or not post or not _SPEAKS_FOR.search(post):
            continue
        post_words = [w.casefold() for w in _WORD.findall(post)]
        if all(any(pw.startswith(stem) for pw in post_words) for stem in stems):
            named.add(full)
    if len(named) != 1:
        return None
    full = named.pop()
    return Speaker(full, "person", name_gender(full, doc))

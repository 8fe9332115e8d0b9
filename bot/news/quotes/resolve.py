"""Resolving a pronoun, a role noun or a zero subject to the one named person it
stands for, or to nobody when that is not certain."""

from __future__ import annotations

import re

from bot.news.quotes.lexicon import speech_lexicon
from bot.news.quotes.people import Document, Speaker, name_gender


def resolve_speaker(speaker: Speaker, pos: int, doc: Document) -> Speaker | None:
    """Pronouns and role nouns → the named person they stand for, or None when unsure."""
    if speaker.kind == "pronoun":
        return _antecedent(speaker.gender, pos, doc)
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
    if any(m.name != candidate.name for m in subjects if m.start > candidate.start):
        return None
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

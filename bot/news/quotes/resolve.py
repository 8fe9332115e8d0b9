"""Resolving a pronoun, a role noun or a zero subject to the one named person it
stands for, or to nobody when that is not certain."""

from __future__ import annotations

from bot.news.quotes.lexicon import speech_lexicon
from bot.news.quotes.people import Document, Speaker, name_gender


def resolve_speaker(speaker: Speaker, pos: int, doc: Document) -> Speaker | None:
    """Pronouns and role nouns → the named person they stand for, or None when unsure."""
    if speaker.kind == "pronoun":
        return _antecedent(speaker.gender, pos, doc)
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

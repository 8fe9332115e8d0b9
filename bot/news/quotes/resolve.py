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
        if doc.text.count("\n", candidate.start, pos) > 1:
            return None
    return Speaker(candidate.name, "person", candidate.gender)

"""English name positions (English has no case): a name opening its sentence or a
clause of its own, a name that qualifies a noun, the title written before a name."""

from __future__ import annotations

import re

from bot.news.quotes.lexicon import EN_ARTICLES, PREPOSITIONS, speech_verb
from bot.news.quotes.spans import WORD, Token


def english_subject(run: list[Token], text: str) -> tuple[bool, bool]:
    """A name is taken as a subject when it opens its sentence (titles included) or a
    speech verb follows it ('Price said', 'Blinken told')."""
    before = text[max(0, run[0].start - 3) : run[0].start]
    opens = not before.strip() or bool(re.search(r"[.!?:\n]\s*$", before))
    rest = text[run[-1].end : run[-1].end + 40]
    after = WORD.findall(rest)
    if rest.startswith(", ") and (words := rest[2:].split(",", 1)) and len(words) == 2:
        after = WORD.findall(words[1])  # 'Josep Borrell, the coordinator, said'
    # '…toward Trump, saying he…': a gerund's subject is the sentence's, not the name's
    speaks = (
        bool(after) and not after[0].endswith("ing") and speech_verb(after[0], "en") is not None
    )
    return opens, speaks


def clause_subject(run: list[Token], text: str) -> bool:
    """'…, and Lavrov agreed', 'While Rubio pressed …, Lavrov demanded': a name opening a
    clause of its own with a verb after it (not inside a reported 'that' clause) — a
    second subject in the sentence, so 'he said' after it may be either man."""
    line = text.rfind("\n", 0, run[0].start) + 1
    before = re.split(r"[.!?]\s", text[line : run[0].start])[-1]
    after = WORD.findall(text[run[-1].end : run[-1].end + 20])
    return (
        bool(_CLAUSE_OPENER.search(before))
        and not re.search(r"\bthat\b", before, re.I)
        and bool(after)
        and after[0].islower()
        and after[0] not in _NOT_VERBS
        and text.startswith(" ", run[-1].end)
    )


_CLAUSE_OPENER = re.compile(r"(?:,|\b(?:and|but|while|whereas|although|though|when))\s$", re.I)
_NOT_VERBS = EN_ARTICLES | PREPOSITIONS["en"] | {"and", "or", "who", "which", "whose", "an", "as"}


def possessed(run: list[Token], text: str) -> bool:
    """'Trump's envoy', 'Russia's Lavrov': the name qualifies another noun."""
    return text[run[-1].end : run[-1].end + 2] in ("'s", "’s")


def english_post(run: list[Token], person: list[Token], text: str) -> str:
    """'Iranian Foreign Minister' before 'Abbas Araghchi' (as written: 'U.S. President')."""
    titles = run[: len(run) - len(person)]
    skip = EN_ARTICLES | {"but", "and", "when", "while", "as"}
    while titles and titles[0].text.lower() in skip:
        titles = titles[1:]
    return text[titles[0].start : person[0].start].strip() if titles else ""

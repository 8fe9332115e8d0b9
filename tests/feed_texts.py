"""Distinct made-up English stories for feed tests (no third-party text): a seeded draw
of words, so every story has its own fingerprint and none is a near-duplicate."""

from __future__ import annotations

import random

_WORD_LINE = (
    "council harbour bridge budget river school station market winter farmers ministry "
    "museum railway doctors village festival tunnel library orchard airport hospital "
    "printer bakery engineers students volunteers mayor ferry canal stadium theatre "
    "archive forest vineyard lighthouse factory garden clinic workshop observatory "
    "reservoir quarry highway parliament embassy senate court pharmacy newspaper"
)
_VERB_LINE = (
    "approved opened rebuilt closed funded delayed inspected expanded renamed "
    "repaired visited announced postponed restored measured"
)
WORDS = tuple(_WORD_LINE.split())
VERBS = tuple(_VERB_LINE.split())


def story(seed: int, sentences: int = 6) -> list[str]:
    """Paragraphs of plain sentences, different for every seed."""
    draw = random.Random(seed)
    out = []
    for _ in range(sentences):
        a, b, c = draw.sample(WORDS, 3)
        verb = draw.choice(VERBS)
        out.append(
            f"The {a} {verb} the {b} near the old {c} on day {draw.randint(1, 900)}, "
            f"and {draw.randint(2, 99)} people from the {draw.choice(WORDS)} came to see it."
        )
    return [" ".join(out[i : i + 2]) for i in range(0, len(out), 2)]


def title(seed: int) -> str:
    draw = random.Random(-seed - 1)
    a, b = draw.sample(WORDS, 2)
    return f"The {a} and the {b}: story {seed}"

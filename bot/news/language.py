"""Which language a story is in: uk, ru or en, from letter counts.

Letters only Ukrainian has (і ї є ґ) against letters only Russian has (ы э ъ ё),
and the share of Latin letters for English. Microseconds per story, no model.
Anything else degrades to the nearest of the three (Cyrillic → uk, Latin → en).
"""

from __future__ import annotations

import re

_UK = "іїєґІЇЄҐ"
_RU = "ыэъёЫЭЪЁ"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_SAMPLE = 20_000  # enough letters to decide; keeps long texts cheap
# Ukrainian prose has і/ї/є in ~6% of letters; Russian has none. Below this share,
# with enough letters to judge, the text is Russian even without ы/э/ъ/ё.
_UK_SHARE = 0.01
_ENOUGH = 40


def detect_language(text: str) -> str:
    sample = text[:_SAMPLE]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if latin > cyrillic:
        return "en"
    if cyrillic == 0:
        return "uk"  # no letters we know: the product's first language
    uk = sum(sample.count(ch) for ch in _UK)
    ru = sum(sample.count(ch) for ch in _RU)
    if ru > uk:
        return "ru"
    if cyrillic >= _ENOUGH and uk < _UK_SHARE * cyrillic:
        return "ru"
    return "uk"

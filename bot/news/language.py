"""Which language a story is in, from letters and function words (data/language.toml).

First the script: the one most letters are written in (links and e-mail addresses
left out, so an English URL does not make a Ukrainian story English). Then, within
the script, every language listed for it is scored: its distinctive letters and
frequent function words add, letters it never writes subtract. uk, ru and en are the
languages the topic rules are written for; every other language is reported as its
own ISO 639-1 code (a script without listed languages by the script's code), so its
stories are stored and searchable but match no rule written for another language.

Microseconds per story and no model in memory: a statistical detector would cost
~100 MB for three languages we already tell apart by letters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from bot.news.data_files import load

SUPPORTED = ("uk", "ru", "en")  # the languages topic rules and morphology exist for
_SAMPLE = 3_000  # enough letters to decide; keeps long texts cheap
# Ukrainian prose has і/ї/є in ~6% of letters; Russian has none. Below this share,
# with enough letters to judge, a Cyrillic text with no other clue is Russian.
_UK_SHARE = 0.01
_ENOUGH = 40
_LINKS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_WORD = re.compile(r"[^\W\d_]+")
_PRONOUN_I = re.compile(r"\bI\b")
# Scripts by code-point range; those without per-language data are reported by the
# code of their main language.
_SCRIPTS = (
    ("cyrillic", 0x0400, 0x052F),
    ("latin", 0x0041, 0x005A),
    ("latin", 0x0061, 0x007A),
    ("latin", 0x00C0, 0x024F),
    ("el", 0x0370, 0x03FF),
    ("ar", 0x0600, 0x06FF),
    ("he", 0x0590, 0x05FF),
    ("ka", 0x10A0, 0x10FF),
    ("hy", 0x0530, 0x058F),
    ("zh", 0x4E00, 0x9FFF),
    ("ja", 0x3040, 0x30FF),
    ("ko", 0xAC00, 0xD7AF),
)


@dataclass(frozen=True, slots=True)
class _Profile:
    code: str
    letters: frozenset[str]
    absent: frozenset[str]
    words: frozenset[str]
    endings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Script:
    default: str
    profiles: tuple[_Profile, ...]


@cache
def _weights() -> tuple[float, float, float, float]:
    w = load("language")["weights"]
    return float(w["letter"]), float(w["absent"]), float(w["word"]), float(w["ending"])


@cache
def _script(name: str) -> _Script:
    data = load("language")[name]
    profiles = tuple(
        _Profile(
            code,
            frozenset(str(entry.get("letters", ""))),
            frozenset(str(entry.get("absent", ""))),
            frozenset(str(entry.get("words", "")).split()),
            tuple(str(entry.get("endings", "")).split()),
        )
        for code, entry in data.items()
        if isinstance(entry, dict)
    )
    return _Script(str(data["default"]), profiles)


@cache
def language_codes() -> frozenset[str]:
    """Every code detect_language() can report."""
    data = load("language")
    listed = {code for name in ("cyrillic", "latin") for code in data[name] if code != "default"}
    return frozenset(listed | {name for name, _, _ in _SCRIPTS} - {"cyrillic", "latin"})


def _main_script(letters: Counter[str]) -> tuple[str, int]:
    counts: dict[str, int] = {}
    for ch, n in letters.items():
        code = ord(ch)
        for name, lo, hi in _SCRIPTS:
            if lo <= code <= hi:
                counts[name] = counts.get(name, 0) + n
                break
    if not counts:
        return "", 0
    name = max(counts, key=counts.__getitem__)
    return name, counts[name]


def _scores(sample: str, lowered: str, letters: Counter[str], script: _Script) -> dict[str, float]:
    letter_w, absent_w, word_w, ending_w = _weights()
    tokens = Counter(_WORD.findall(lowered))
    if "i" in tokens:  # English "I", not Polish or Croatian "i" (a match is such a token)
        tokens["i"] -= len(_PRONOUN_I.findall(sample))
    long: list[tuple[str, int]] | None = None  # the words endings score, when one does
    out = {}
    for p in script.profiles:
        score = letter_w * sum(letters.get(ch, 0) for ch in p.letters)
        score -= absent_w * sum(letters.get(ch, 0) for ch in p.absent)
        # counts are integers: summed from the shorter side, the total is the same
        score += word_w * sum(tokens[w] for w in p.words if w in tokens)
        if p.endings:
            if long is None:
                long = [(w, n) for w, n in tokens.items() if len(w) > 3]
            score += ending_w * sum(n for w, n in long if w.endswith(p.endings))
        out[p.code] = score
    return out


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; "uk" when there are no letters at all
    (the product's first language)."""
    sample = text[:_SAMPLE]
    if "://" in sample or "www." in sample or "@" in sample:
        sample = _LINKS.sub(" ", sample)
    lowered = sample.lower()
    letters = Counter(lowered)
    name, count = _main_script(letters)
    if not name:
        return "uk"
    if name not in ("cyrillic", "latin"):
        return name
    script = _script(name)
    scores = _scores(sample, lowered, letters, script)
    best = max(scores, key=lambda code: (scores[code], code == script.default))
    if scores[best] <= 0 or scores[best] == scores[script.default]:
        best = script.default
    if best == "uk":
        uk = sum(letters[ch] for ch in "іїєґ")
        if count >= _ENOUGH and uk < _UK_SHARE * count:
            return "ru"  # long enough to show Ukrainian letters, and it has none
    return best

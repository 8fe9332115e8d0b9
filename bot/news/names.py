"""Spelling-tolerant keys for people's names, across scripts and transliterations.

"Рябков", "Ryabkov", "Riabkov" and "Rjabkow" are one person; so are "Віткофф",
"Уиткофф" and "Witkoff", "Ушаков" and "Ouchakov". A key is the name in Latin letters
with the differences transliteration systems make folded away (y/j/i, w/v, ch/sh,
kh/h, ou/u, doubled letters), so a rule lists a name once instead of every spelling.
Keys are for matching listed names only: two different words may share a key.
"""

from __future__ import annotations

from functools import cache, lru_cache

from bot.news.data_files import load

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "e",
        "ё": "e", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "'": "",
        "’": "", "ʼ": "", "-": "",
    }
)  # fmt: skip
_LATIN = str.maketrans({"w": "v", "y": "i", "j": "i", "q": "k", "x": "ks", "é": "e", "ë": "e"})
# Multi-letter spellings of one sound, longest first.
_CLUSTERS = (("shch", "sh"), ("tsch", "sh"), ("sch", "sh"), ("ch", "sh"), ("kh", "h"),
             ("ph", "f"), ("ck", "k"), ("ou", "u"), ("c", "k"))  # fmt: skip
# Case endings a lemmatizer may leave on a foreign surname (Віткоффу, Рябкова).
ENDINGS = ("", "a", "u", "om", "im", "e", "i", "oi", "ei", "ovi", "ia", "oma", "ogo", "omu")


@lru_cache(maxsize=50_000)
def name_key(word: str) -> str:
    """The spelling-tolerant key of one word (a lemma or a surface form)."""
    key = word.lower().translate(_CYRILLIC).translate(_LATIN)
    for cluster, sound in _CLUSTERS:
        key = key.replace(cluster, sound)
    if key.startswith("ui") and len(key) > 3:
        key = "v" + key[1:]  # W rendered as Cyrillic У (Уиткофф, Уильям)
    out: list[str] = []
    for ch in key:
        if not out or out[-1] != ch:
            out.append(ch)  # doubled letters fold: Witkoff = Віткоф
    return "".join(out)


# Latin letters to Cyrillic, per language, longest spellings first: "Blinken" →
# «Блінкен» (uk), «Блинкен» (ru). A guess, good for names written as they sound.
_TO_CYRILLIC = (
    ("shch", "щ"), ("sch", "ш"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"),
    ("ts", "ц"), ("tz", "ц"), ("ya", "я"), ("yu", "ю"), ("ph", "ф"), ("th", "т"),
    ("ck", "к"), ("ee", "і"), ("oo", "у"), ("x", "кс"), ("a", "а"), ("b", "б"), ("c", "к"),
    ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "і"), ("j", "дж"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("y", "і"),
    ("z", "з"),
)  # fmt: skip
_RUSSIAN = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г"})
_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ё": "e", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "'": "", "’": "",
    }
)  # fmt: skip
_LATIN_RE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def _is_latin(word: str) -> bool:
    return bool(word) and all(ch in _LATIN_RE_LETTERS for ch in word.lower())


def _is_cyrillic(word: str) -> bool:
    return bool(word) and all("\u0400" <= ch <= "\u04ff" or ch in "'’" for ch in word)


def _cyrillic(word: str) -> list[str]:
    rest, out = word.lower(), ""
    while rest:
        for latin, cyr in _TO_CYRILLIC:
            if rest.startswith(latin):
                out, rest = out + cyr, rest[len(latin) :]
                break
        else:
            out, rest = out + rest[0], rest[1:]
    return [out, out.translate(_RUSSIAN)]


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Every listed spelling (lower-cased, and its key) → the spellings of its group."""
    out: dict[str, tuple[str, ...]] = {}
    for group in load("spellings").get("names", []):
        spellings = tuple(str(name) for name in group)
        for name in spellings:
            out[name.lower()] = spellings
            out.setdefault(name_key(name), spellings)
    return out


def spellings(word: str, *, derive: bool = True) -> tuple[str, ...]:
    """Other spellings of a name across scripts: the listed ones (data/spellings.toml),
    or else, with `derive`, transliterations (Latin → uk and ru Cyrillic, Cyrillic → Latin).
    The word itself is not among them."""
    lowered = word.lower()
    if _is_latin(word) and not word[:1].isupper():
        return ()  # "price" is a noun; "Price" a name
    groups = _groups()
    key = name_key(word)
    listed = groups.get(lowered) or groups.get(key)
    for ending in ENDINGS[1:]:  # «Прайса», «Блінкена»: a case ending on the name
        if listed is None and key.endswith(ending) and len(key) > len(ending) + 2:
            listed = groups.get(key[: -len(ending)])
    found = list(listed or ())
    if listed:  # a listed name: its spellings, no guesses ("Прайс" is not "prays")
        pass
    elif derive and _is_latin(word):
        found += _cyrillic(word)
    elif derive and _is_cyrillic(word):
        found.append(lowered.translate(_TO_LATIN))
    out: list[str] = []
    for spelling in found:
        if spelling.lower() != lowered and spelling.lower() not in (s.lower() for s in out):
            out.append(spelling)
    return tuple(out)

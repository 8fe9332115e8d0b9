"""Spelling-tolerant keys for people's names, across scripts and transliterations.

"Рябков", "Ryabkov", "Riabkov" and "Rjabkow" are one person; so are "Віткофф",
"Уиткофф" and "Witkoff", "Ушаков" and "Ouchakov". A key is the name in Latin letters
with the differences transliteration systems make folded away (y/j/i, w/v, ch/sh,
kh/h, ou/u, doubled letters), so a rule lists a name once instead of every spelling.
Keys are for matching listed names only: two different words may share a key.
"""

from __future__ import annotations

from functools import lru_cache

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

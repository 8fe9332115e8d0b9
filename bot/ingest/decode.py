"""Bytes to text when the sender's charset is missing or wrong, and whether bytes are
text at all (decided by the content, never by the file name)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A few broken sequences in otherwise valid UTF-8 are damage, not another charset: a
# detector would otherwise read the whole text as, say, Big5 (CJK mojibake).
MAX_DAMAGE = 0.005
# Text has hardly any control characters or replacement marks; binary has many.
MAX_NOISE = 0.01
_NOISE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")  # controls but \t\n\v\f\r


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def decode_or_none(data: bytes, declared: str | None = None) -> str | None:
    """The text in `data`, or None when no charset makes text of it."""
    marked = _bom(data)
    if marked is not None:
        bom_encoding, skip = marked
        try:
            return data[skip:].decode(bom_encoding)
        except UnicodeDecodeError:
            return None
    for encoding in (declared, "utf-8"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    loose = data.decode("utf-8", errors="replace")
    if loose.count("\ufffd") <= max(1, int(len(loose) * MAX_DAMAGE)):
        return loose
    best = from_bytes(data).best()
    return None if best is None else str(best)


def decode(data: bytes, declared: str | None = None) -> str:
    """Like decode_or_none, for pages that must become some text: UTF-8 with
    replacement marks when nothing fits."""
    found = decode_or_none(data, declared)
    return data.decode("utf-8", errors="replace") if found is None else found


def looks_like_text(text: str) -> bool:
    """Few control characters and replacement marks (binary decoded by force has many)."""
    if not text:
        return True
    return len(_NOISE.findall(text)) <= len(text) * MAX_NOISE

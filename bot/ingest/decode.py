"""Bytes to text when the sender's charset is missing or wrong."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


def decode(data: bytes, declared: str | None = None) -> str:
    """Declared charset first (when it decodes cleanly), then UTF-8, then detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    for encoding in (declared, "utf-8"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")

"""Plain-text helpers for rendering: cleaning, trimming and splitting by UTF-16 length.

Everything here works on plain text, before escaping: messages are built from measured
parts and never cut as HTML.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from bot.tghtml import utf16_len

ELLIPSIS = "…"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*(?=\s|$)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Telegram drops or rejects these; dropping them ourselves keeps our lengths exact.
_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Drop control characters and lone surrogates; keep newlines and tabs."""
    return _JUNK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str | None) -> str:
    """Clean text collapsed to a single line."""
    return _WHITESPACE.sub(" ", clean(text or "")).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of a text, spaces collapsed, single line breaks kept."""
    out = []
    for block in _PARAGRAPH_BREAK.split(clean(text)):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            out.append(joined)
    return out


def _prefix_len(text: str, units: int) -> int:
    """How many code points of text fit in `units` UTF-16 code units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return index
    return len(text)


def _safe_cut(text: str, cut: int) -> int:
    """Step back so a cut does not separate a character from its combining marks,
    variation selectors or zero-width joiners."""
    while (
        cut > 0
        and cut < len(text)
        and (unicodedata.category(text[cut]) in ("Mn", "Me", "Cf") or text[cut - 1] == "\u200d")
    ):
        cut -= 1
    return cut


def trim(text: str, limit: int) -> str:
    """Text within `limit` UTF-16 units: whole sentences when a sentence end is near the
    limit, else whole words, else a hard cut — marked with an ellipsis when shortened."""
    if utf16_len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    if limit == 1:
        return ELLIPSIS
    room = _prefix_len(text, limit - 2)  # room for " …"
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, room)]
    if ends and ends[-1] >= room // 2:
        return text[: ends[-1]] + " " + ELLIPSIS
    room = _prefix_len(text, limit - 1)  # room for "…"
    space = max(text.rfind(" ", 0, room + 1), text.rfind("\n", 0, room + 1))
    if space >= room // 3:
        head = text[:space].rstrip(" \n\t,;:—–-")
        if head:
            return head + ELLIPSIS
    return text[: _safe_cut(text, room)].rstrip() + ELLIPSIS


def split(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` UTF-16 units at sentence boundaries,
    falling back to word boundaries and then to hard cuts for giant words."""
    if utf16_len(text) <= limit:
        return [text]
    sentences = _pieces(text, _SENTENCE_END)
    if len(sentences) == 1:
        words = _pieces(text, re.compile(r"(?<=\S)(?=\s)"))
        if len(words) == 1:
            cut = _safe_cut(text, _prefix_len(text, limit)) or _prefix_len(text, limit)
            return [text[:cut], *split(text[cut:], limit)]
        return _pack(words, limit)
    return _pack(sentences, limit)


def split_sentences(text: str) -> list[str]:
    """Rough sentence split (at . ! ? … before a space), for trimming at boundaries."""
    return [piece.strip() for piece in _pieces(text, _SENTENCE_END) if piece.strip()]


def first_sentence(text: str) -> str:
    """The text up to its first sentence end (all of it when there is none)."""
    match = _SENTENCE_END.search(text)
    return text[: match.end()] if match else text


def _pieces(text: str, boundary: re.Pattern[str]) -> list[str]:
    cuts = [m.end() for m in boundary.finditer(text)]
    pieces, start = [], 0
    for cut in [*cuts, len(text)]:
        if cut > start:
            pieces.append(text[start:cut])
            start = cut
    return pieces


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Greedily join consecutive pieces into chunks of at most `limit` units."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if utf16_len(current + piece) <= limit:
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = piece.lstrip()
        if utf16_len(current) > limit:
            *full, current = split(current, limit)
            chunks.extend(full)
    if current.strip():
        chunks.append(current.strip())
    return chunks


def safe_url(url: str | None) -> str | None:
    """An http(s) URL Telegram will accept in a link or button, else None."""
    url = (url or "").strip()
    if not url or len(url) > 2048 or any(ch.isspace() for ch in url) or _JUNK.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def host(url: str | None) -> str:
    """The site name of a URL ("www.pravda.com.ua" -> "pravda.com.ua")."""
    if not url:
        return ""
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.")

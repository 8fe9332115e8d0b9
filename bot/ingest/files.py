"""Story text from an uploaded file: .txt, .md or .html, with a size cap and detected
encoding (UTF-8, UTF-16/32 with a BOM, cp1251, koi8-r, ...). Whether it is text at all is
decided by the content, not the name: a PDF, an image or random bytes called story.txt
are refused clearly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from bot.ingest.decode import decode_or_none, looks_like_text
from bot.ingest.extract import ExtractError, clean_paragraphs, extract

MAX_FILE_BYTES = 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
# Signatures of formats people attach by mistake.
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


class FileError(ValueError):
    """The file cannot become a story. `code`: too_big, unsupported, binary, empty."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class FileText:
    title: str | None
    text: str
    url: str | None = None
    site_name: str | None = None


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def markdown_to_text(source: str) -> tuple[str | None, str]:
    """Markdown markup out, words kept; the first heading becomes the title."""
    title: str | None = None
    lines: list[str] = []
    for raw in source.splitlines():
        if _MD_RULE.match(raw):
            continue
        heading = bool(_MD_HEADING.match(raw))
        line = _MD_HEADING.sub("", raw)
        line = _MD_QUOTE.sub("", _MD_LIST.sub("", line))
        line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
        line = _MD_EMPHASIS.sub(r"\2", line).strip()
        if heading and title is None and not lines:
            title = line
            continue
        lines.append(line)
    return title, "\n".join(lines)


def _text_of(data: bytes) -> str | None:
    """The decoded text, or None for binary content (a known signature, no charset that
    fits, or control characters all over once decoded)."""
    if data.startswith(_BINARY_MAGIC):
        return None
    text = decode_or_none(data)
    return text if text is not None and looks_like_text(text) else None


def read_file(name: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> FileText:
    suffix = PurePath(name or "").suffix.lower()
    if len(data) > max_bytes:
        raise FileError("too_big", f"{len(data)} bytes, at most {max_bytes}")
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise FileError("unsupported", suffix or "no extension")
    text = _text_of(data)
    if text is None:
        raise FileError("binary", name)
    if suffix in HTML_SUFFIXES:
        try:
            found = extract(text)
        except ExtractError:
            raise FileError("empty", name) from None
        return FileText(found.title, found.text, found.url, found.site_name)
    title: str | None = None
    if suffix in (".md", ".markdown"):
        title, text = markdown_to_text(text)
    paragraphs = clean_paragraphs(text.splitlines())
    if not paragraphs:
        raise FileError("empty", name)
    return FileText(title, "\n\n".join(paragraphs))

"""Tokens and quoted spans: where a paragraph opens and closes a quote."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_](?:[\w'’ʼ-]*[^\W_])?")


DASH = "—–-"


# a dash that joins a quote to its attribution: " — ", with optional punctuation before
AFTER_DASH = re.compile(r"\s*[,.!?…]?\s*[—–-]\s+")


SPLIT_DASH = re.compile(r"(?<=[,.!?…:])\s+[—–-]\s+")


# end of an attribution clause: sentence punctuation (not after an initial), a newline,
# or the opening of another quote
CLAUSE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?;](?=\s|$)|\n|[,:;—–-]\s*(?=[«„“\"])|\(")


SENTENCE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?…](?=\s)")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in WORD.finditer(text)]


def quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """(open, close) indices of top-level quotes; nested quotes stay inside their parent."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        close = -1
        if ch == "«":
            depth = 0
            for j in range(i, n):
                if paragraph[j] == "«":
                    depth += 1
                elif paragraph[j] == "»":
                    depth -= 1
                    if depth == 0:
                        close = j
                        break
        elif ch == "„":
            close = _find_any(paragraph, "“”", i + 1)
        elif ch == "“":
            close = _find_any(paragraph, "”", i + 1)
        elif ch == '"' and _opens(paragraph, i):
            j = i + 1
            while j < n:
                j = paragraph.find('"', j)
                if j < 0:
                    break
                if not _opens(paragraph, j) or j == n - 1:
                    close = j
                    break
                j += 1
        if close > i:
            spans.append((i, close))
            i = close + 1
        else:
            i += 1
    return spans


def _find_any(text: str, chars: str, start: int) -> int:
    found = [k for k in (text.find(c, start) for c in chars) if k >= 0]
    return min(found) if found else -1


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:«") and not after.isspace()

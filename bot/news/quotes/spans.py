"""Tokens and quoted spans: where a paragraph opens and closes a quote."""

from __future__ import annotations

import re
from typing import NamedTuple

WORD = re.compile(r"[^\W\d_](?:[\w'’ʼ-]*[^\W_])?")


DASH = "—–-"


# a dash that joins a quote to its attribution: " — ", with optional punctuation before
AFTER_DASH = re.compile(r"\s*[,.!?…]?\s*[—–-]\s+")


SPLIT_DASH = re.compile(r"(?<=[,.!?…:])\s+[—–-]\s+")


# end of an attribution clause: sentence punctuation (not after an initial), a newline,
# or the opening of another quote
CLAUSE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?;](?=\s|$)|\n|[,:;—–-]\s*(?=[«„“\"])|\(")


SENTENCE_END = re.compile(r"(?<![\s.][A-ZА-ЯІЇЄҐЁ])[.!?…](?=\s)")


class Token(NamedTuple):  # a tuple: texts are tokenized whole, and often
    text: str
    start: int
    end: int


_TUPLE = tuple.__new__  # builds a Token without NamedTuple's Python-level __new__


def tokenize(text: str, offset: int = 0) -> list[Token]:
    new, cls = _TUPLE, Token
    return [
        new(cls, (m.group(), m.start() + offset, m.end() + offset)) for m in WORD.finditer(text)
    ]


def tokenize_between(text: str, start: int, end: int) -> list[Token]:
    """tokenize(text[start:end], start) without copying the stretch out of the text."""
    new, cls = _TUPLE, Token
    return [new(cls, (m.group(), m.start(), m.end())) for m in WORD.finditer(text, start, end)]


def quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """(open, close) indices of top-level quotes; nested quotes stay inside their parent."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        found = _OPENER.search(paragraph, i)
        if found is None:
            break
        i = found.start()
        ch = paragraph[i]
        close = -1
        if ch == "«":
            depth = 0
            for guillemet in _GUILLEMETS.finditer(paragraph, i):
                if guillemet.group() == "«":
                    depth += 1
                else:
                    depth -= 1
                    if depth == 0:
                        close = guillemet.start()
                        break
        elif ch == "„":
            close = _find_any(paragraph, "“”", i + 1)
        elif ch == "“":
            close = _find_any(paragraph, "”", i + 1)
            if close < 0:  # mismatched marks: “ … “ closes with the same mark
                close = _closing(paragraph, "“", i + 1)
        elif ch == '"' and _opens(paragraph, i):
            close = _straight_close(paragraph, i)
        if close > i:
            spans.append((i, close))
            i = close + 1
        else:
            i += 1
    return spans


_OPENER = re.compile('[«„“"]')
_GUILLEMETS = re.compile("[«»]")
_CLOSER = re.compile('[»”“"]')


def _straight_close(paragraph: str, i: int) -> int:
    """Where a straight quote opened at i closes: '"Непосредственным "спусковым крючком"
    стало …"' nests one quote in another; when the inner marks do not pair up, the first
    mark that stands where a quote closes."""
    n, depth, first, paired = len(paragraph), 0, -1, False
    j = i + 1
    while j < n:
        j = _find_any(paragraph, '"”', j)
        if j < 0:
            break
        closing = paragraph[j] == "”" or not _opens(paragraph, j) or j == n - 1
        if closing and first < 0:
            first = j
        if closing and depth == 0:
            return j
        depth += -1 if closing else 1
        paired = paired or (closing and depth == 0)
        j += 1
    # the inner marks paired up and nothing closed the outer one while the speech goes on
    # to the paragraph's end: it goes on in the next ('"Я думаю, что это был классный,
    # "плей-оффовский" матч. Играли …¶…", - сказал'); a short tail ('," it said') is an
    # attribution after one mark that closed both
    tail = len(WORD.findall(paragraph, first + 1)) if first >= 0 else 0
    return -1 if paired and depth == 0 and tail >= 6 else first


def _find_any(text: str, chars: str, start: int) -> int:
    found = [k for k in (text.find(c, start) for c in chars) if k >= 0]
    return min(found) if found else -1


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:«") and not after.isspace()


def _closing(text: str, mark: str, start: int) -> int:
    """The next `mark` that stands where a quote closes (after a word, before a space)."""
    j = text.find(mark, start)
    while j >= 0:
        after = text[j + 1 : j + 2]
        if not text[j - 1].isspace() and (not after or after.isspace() or after in ",.;:!?"):
            return j
        j = text.find(mark, j + 1)
    return -1


OPENERS = '«„“"'
_CLOSERS = '»”“"'


def unclosed_opener(line: str, spans: list[tuple[int, int]]) -> int:
    """Where a quote opens and does not close on this line (-1 if none)."""
    for found in _OPENER.finditer(line):
        i, ch = found.start(), found.group()
        if not any(a <= i <= b for a, b in spans):
            if ch == '"' and not _opens(line, i):
                continue
            if ch == "“" and i and not line[i - 1].isspace() and line[i - 1] not in "([—–-:":
                continue
            return i
    return -1


def _unpaired_closer(line: str) -> int:
    """The first closing mark on a line that closes nothing opened on it (-1 if none)."""
    spans = quote_spans(line)
    for found in _CLOSER.finditer(line):
        i, ch = found.start(), found.group()
        if any(a <= i <= b for a, b in spans) or i == 0:
            continue
        if ch in '"“' and (_opens(line, i) or line[i - 1].isspace()):
            continue
        return i
    return -1


def continued_spans(
    lines: list[str], starts: list[int], spans: list[list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """Quotes that run over paragraphs: opened and not closed on one line, closed on one
    of the next few (a continuation paragraph may open with the mark again, «…).
    `spans` holds each line's own quote_spans()."""
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(lines):
        if not any(mark in lines[k] for mark in OPENERS):
            k += 1
            continue
        opened = unclosed_opener(lines[k], spans[k])
        if opened < 0:
            k += 1
            continue
        for j in range(k + 1, min(len(lines), k + 5)):
            line = lines[j]
            if not any(mark in line for mark in _CLOSERS):
                continue
            body = " " + line[1:] if line[:1] in OPENERS else line
            close = _unpaired_closer(body)
            if close >= 0:
                out.append((starts[k] + opened, starts[j] + close))
                k = j
                break
            if unclosed_opener(body, quote_spans(body)) >= 0:
                break  # another quote opens before this one closed: not one quote
        k += 1
    return out

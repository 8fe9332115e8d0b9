"""Snippets: a stretch of the story's original words with the query matches marked.

The index holds lemmas; the reader should see the words as written. We look for
tokens whose lemma is a query lemma — checking only tokens that share the first
two letters with some query lemma, found by one regex pass, so a long story costs
little — then cut the window holding the most distinct matches. Marks are spans
over the snippet text; `html()` escapes and wraps them in <b>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.search.lemmas import TOKEN, token_lemma

WIDTH = 220  # characters around the matches
LEAD = 60  # context kept before the first match in the window
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) offsets into text, sorted

    def html(self, open_tag: str = "<b>", close_tag: str = "</b>") -> str:
        """Telegram HTML: text escaped, marks wrapped."""
        out: list[str] = []
        at = 0
        for start, end in self.marks:
            out.append(html.escape(self.text[at:start], quote=False))
            out.append(open_tag + html.escape(self.text[start:end], quote=False) + close_tag)
            at = end
        out.append(html.escape(self.text[at:], quote=False))
        return "".join(out)

    def marked(self) -> tuple[str, ...]:
        return tuple(self.text[s:e] for s, e in self.marks)


@lru_cache(maxsize=1024)
def _finder(lemmas: frozenset[str]) -> re.Pattern[str]:
    """Candidates for a query's lemmas (built once per query, not per hit): tokens
    sharing their first two letters with a lemma, case-insensitively."""
    prefixes = sorted(_prefixes(lemmas), key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in prefixes)
    return re.compile(rf"(?<![\w'’ʼ\-])(?:{alternatives})", re.IGNORECASE)


def _prefixes(lemmas: Iterable[str]) -> frozenset[str]:
    # Two letters: Ukrainian alternations (рука → руці, нога → нозі) change the third.
    return frozenset(lem[:2] for lem in lemmas if lem)


def matches(text: str, language: str, lemmas: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, lemma) of every token of text whose lemma is in lemmas."""
    if not lemmas or not text:
        return []
    found: list[tuple[int, int, str]] = []
    for candidate in _finder(lemmas).finditer(text):
        token = TOKEN.match(text, candidate.start())
        if token is None:
            continue
        lem = token_lemma(token.group(), language)
        if lem in lemmas:
            found.append((token.start(), token.end(), lem))
    return found


def highlight(text: str, language: str, lemmas: frozenset[str]) -> Snippet:
    """The whole text with every match marked (titles)."""
    return Snippet(text, tuple((s, e) for s, e, _ in matches(text, language, lemmas)))


def snippet(text: str, language: str, lemmas: frozenset[str], *, width: int = WIDTH) -> Snippet:
    """About `width` characters of text around the densest matches, marked."""
    text = " ".join(text.split())  # one line: paragraphs and odd spacing collapse
    found = matches(text, language, lemmas)
    if len(text) <= width:
        return Snippet(text, tuple((s, e) for s, e, _ in found))
    if not found:
        return _cut(text, 0, width, ())
    start = max(0, found[best_window(found, width - LEAD)][0] - LEAD)
    return _cut(text, start, start + width, found)


def best_window(found: list[tuple[int, int, str]], reach: int) -> int:
    """The match that opens the best window: the window of match i holds the matches
    j ≥ i ending within `reach` of i's start; best is most distinct lemmas, then most
    matches, the first such i. One pass with running counts (the window's limit only
    grows with i), matches added in order of their ends: a token found inside a
    longer one (С.Ш.А. → А) can end before the one found ahead of it."""
    n = len(found)
    by_end = sorted(range(n), key=lambda j: found[j][1])
    counts: dict[str, int] = {}
    inside = [False] * n
    total = added = 0
    best, best_score = 0, (-1, -1)
    for i in range(n):
        limit = found[i][0] + reach
        while added < n and found[by_end[added]][1] <= limit:
            j = by_end[added]
            added += 1
            if j >= i:  # a match before i never enters a later window
                inside[j] = True
                lem = found[j][2]
                counts[lem] = counts.get(lem, 0) + 1
                total += 1
        score = (len(counts), total)
        if score > best_score:
            best, best_score = i, score
        if inside[i]:  # i leaves: the next windows start after it
            lem = found[i][2]
            total -= 1
            if counts[lem] == 1:
                del counts[lem]
            else:
                counts[lem] -= 1
    return best


def _cut(text: str, start: int, end: int, found: list[tuple[int, int, str]] | tuple[()]) -> Snippet:
    """text[start:end] moved out to word boundaries, with ellipses where it was cut."""
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 else 0
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    else:
        end = len(text)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    marks = tuple((s + shift, e + shift) for s, e, _ in found if s >= start and e <= end)
    return Snippet(prefix + text[start:end] + suffix, marks)

"""What both search backends share: the document a story is indexed as, the plan a
query becomes, what a search returns, and the ranking's constants."""

from __future__ import annotations

from dataclasses import dataclass

# Ranking reads at most this many matches, newest stored first. A query matching
# more (a function word in 80% of 100k stories) ranks the newest SCAN_CAP of them:
# bm25 over every match would cost ~100 ms, and for such words recency is what
# tells stories apart anyway.
SCAN_CAP = 2000
# bm25 weights per text column: title, summary, body (filter columns weigh 0).
WEIGHTS = (10.0, 4.0, 1.0)
# Recency lift: a story of today scores ×(1 + LIFT), one RECENCY_S old ×(1 + LIFT/2), …
LIFT = 0.25
RECENCY_S = 30 * 86400

Phrase = tuple[str, ...]  # lemmas in order; one lemma is a word


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One story as the index holds it: space-separated lemmas per text column, and
    the filter columns (language, source words, topic tokens)."""

    title: str
    summary: str
    body: str
    language: str
    source: str = ""
    topics: str = ""

    def fields(self) -> tuple[str, ...]:
        """The column values, in index order, with the packing separator taken out."""
        values = (self.title, self.summary, self.body, self.language, self.source, self.topics)
        return tuple(v.replace(SEPARATOR, " ") for v in values)


COLUMNS = "title, summary, body, language, source, topics"
SEPARATOR = "\x1f"  # between the column values of a packed document (SQLite's search_docs)


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """What to look for, in lemmas: any of the readings (each: all of its phrases, in
    the title, summary or body), none of the excluded phrases, and the filters."""

    readings: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = ()
    language: str | None = None
    source: Phrase = ()  # words of the outlet's name, as a phrase
    topic: str | None = None  # a topic token (bot.search.index.topic_token)


def day_range(
    column: str, since: float | None, until: float | None, params: list[object]
) -> list[str]:
    """SQL conditions keeping the stories whose day (epoch seconds, in `column`) is in
    [since, until), either end open when None; their values appended to params. Both
    backends bind `?` in text order, so a caller appends where the conditions go."""
    where = []
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{column} < ?")
        params.append(until)
    return where


@dataclass(frozen=True, slots=True)
class Matches:
    ranked: tuple[tuple[int, float], ...]  # (article id, score), best first
    total: int  # matches ranked (at most SCAN_CAP)

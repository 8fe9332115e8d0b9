"""Searching stories: the query planned here (parsed, read in each plausible
language, turned into one FTS5 MATCH expression), run by storage.search, the hits
cut into snippets from the original text.

Never raises on user input: every term is quoted, and a query with nothing to look
for comes back with status EMPTY.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from bot.search import glossary
from bot.search.index import topic_token
from bot.search.lemmas import TOKEN
from bot.search.query import Note, Query, parse
from bot.search.snippet import Snippet, highlight, snippet
from bot.search.terms import Reading, fts_match, highlight_lemmas, readings
from storage import search as index
from storage.db import Database

TEXT_COLUMNS = "{title summary body}"
MAX_LIMIT = 50
MAX_OFFSET = 1000  # pages stay inside storage.search.SCAN_CAP


class Status(StrEnum):
    OK = "ok"  # hits may still be empty: nothing matched
    EMPTY = "empty"  # the query has no word or phrase to look for
    INVALID = "invalid"  # the index refused the expression (should not happen; never raised)


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: int
    title: Snippet  # the whole title, matches marked
    snippet: Snippet
    date: datetime  # published, else stored
    language: str
    source: str | None
    topics: tuple[str, ...]
    score: float  # lower is better (bm25 convention)


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: Query
    status: Status
    hits: tuple[SearchHit, ...] = ()
    offset: int = 0
    has_more: bool = False
    capped: bool = False  # more than SCAN_CAP stories matched: the newest were ranked
    total: int = 0  # stories that matched (at most storage.search.SCAN_CAP)

    @property
    def notes(self) -> tuple[Note, ...]:
        """Parts of the query that were ignored, and why (for a helpful reply)."""
        return self.query.notes


def _phrase(words: list[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def match_expression(
    query: Query, found: tuple[Reading, ...], *, filters_only: bool = False
) -> str | None:
    """The full MATCH string: the query's readings over the text columns, AND the
    filters over their columns. None when there is nothing to search for (with
    `filters_only`, a topic:, lang: or source: filter alone is something)."""
    text = fts_match(found)
    if text is None and not filters_only:
        return None
    parts = [f"{TEXT_COLUMNS} : ({text})"] if text is not None else []
    if query.language:
        parts.append(f"{{language}} : {_phrase([query.language])}")
    if query.source and (words := TOKEN.findall(query.source)):
        parts.append(f"{{source}} : {_phrase(words)}")
    if query.topic and (token := topic_token(query.topic)):
        parts.append(f"{{topics}} : {_phrase([token])}")
    return " AND ".join(parts) if parts else None


def _bounds(query: Query) -> tuple[float | None, float | None]:
    def ts(day: date) -> float:
        return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()

    since = ts(query.since) if query.since else None
    until = ts(query.until + timedelta(days=1)) if query.until else None  # inclusive day
    return since, until


async def search(
    db: Database,
    query: Query | str,
    *,
    limit: int = 10,
    offset: int = 0,
    now: float | None = None,
    filters_only: bool = False,
) -> SearchPage:
    """One page of stories matching the query, best first. `filters_only`: a query of
    filters alone (`topic:economy`) lists the stories they select (the admin CLI)."""
    if isinstance(query, str):
        query = parse(query)
    limit = min(max(limit, 1), MAX_LIMIT)
    offset = max(offset, 0)
    found = readings(query)
    expression = match_expression(query, found, filters_only=filters_only)
    if expression is None:
        return SearchPage(query, Status.EMPTY, offset=offset)
    if offset > MAX_OFFSET:  # past the last page: nothing more (never the same page again)
        return SearchPage(query, Status.OK, offset=offset)
    since, until = _bounds(query)
    matches = await index.match(
        db,
        expression,
        now=time.time() if now is None else now,
        since=since,
        until=until,
        limit=limit + 1,
        offset=offset,
    )
    if matches is None:
        return SearchPage(query, Status.INVALID, offset=offset)
    ranked = list(matches.ranked)
    capped = matches.total >= index.SCAN_CAP
    has_more = len(ranked) > limit and offset + limit <= MAX_OFFSET
    hits = await _hits(db, ranked[:limit], highlight_lemmas(found))
    return SearchPage(query, Status.OK, hits, offset, has_more, capped, matches.total)


async def _hits(
    db: Database, ranked: list[tuple[int, float]], lemmas: frozenset[str]
) -> tuple[SearchHit, ...]:
    stories = await index.stories(db, [article_id for article_id, _ in ranked])
    hits = []
    told: set[int] = set()  # a story's tellings fold into its best-ranked one
    for article_id, score in ranked:
        article = stories.get(article_id)
        if article is None or (article.followup_of or article.id) in told:
            continue
        told.add(article.followup_of or article.id)
        language = article.language
        hits.append(
            SearchHit(
                article_id=article_id,
                title=highlight(article.title, language, lemmas),
                snippet=snippet(article.text, language, lemmas),
                date=article.published or article.created_at,
                language=language,
                source=article.source,
                topics=article.topics,
                score=score,
            )
        )
    return tuple(hits)


async def in_other_languages(db: Database, text: str) -> list[tuple[str, str, int]]:
    """(language, query, stories found) for the English query's words in Ukrainian and
    Russian that find something: what to offer a reader whose search found nothing."""
    out = []
    for language, translated in glossary.alternatives(text):
        page = await search(db, translated, limit=1)
        if page.hits:
            out.append((language, translated, page.total))
    return out

"""Searching stories: the query planned here (parsed, read in each plausible
language, turned into one search plan in lemmas), run by storage.search on either
backend, the hits cut into snippets from the original text.

Never raises on user input: every term is data to the index, and a query with
nothing to look for comes back with status EMPTY.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from bot.domain import Article
from bot.search import glossary
from bot.search.index import topic_token
from bot.search.lemmas import TOKEN
from bot.search.query import Note, Query, parse
from bot.search.snippet import Snippet, highlight, snippet
from bot.search.terms import Reading, highlight_lemmas, readings
from storage import search as index
from storage import search_doc
from storage.db import Database

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


def search_plan(
    query: Query, found: tuple[Reading, ...], *, filters_only: bool = False
) -> index.SearchPlan | None:
    """The query's readings (any of them; excluded phrases of every reading kept
    out) and its filters. None when there is nothing to search for (with
    `filters_only`, a topic:, lang: or source: filter alone is something)."""
    if not found and not filters_only:
        return None
    excluded = dict.fromkeys(group for r in found for group in r.excluded)
    plan = index.SearchPlan(
        readings=tuple(r.required for r in found),
        excluded=tuple(excluded) if found else (),
        language=query.language or None,
        source=tuple(TOKEN.findall(query.source)) if query.source else (),
        topic=(topic_token(query.topic) or None) if query.topic else None,
    )
    if not plan.readings and not (plan.language or plan.source or plan.topic):
        return None
    return plan


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
    plan = search_plan(query, found, filters_only=filters_only)
    if plan is None:
        return SearchPage(query, Status.EMPTY, offset=offset)
    if offset > MAX_OFFSET:  # past the last page: nothing more (never the same page again)
        return SearchPage(query, Status.OK, offset=offset)
    since, until = _bounds(query)
    page = await index.match_page(
        db,
        plan,
        now=time.time() if now is None else now,
        since=since,
        until=until,
        limit=limit + 1,
        offset=offset,
    )
    if page is None:
        return SearchPage(query, Status.INVALID, offset=offset)
    matches, stories = page
    ranked = list(matches.ranked)
    capped = matches.total >= search_doc.SCAN_CAP
    has_more = len(ranked) > limit and offset + limit <= MAX_OFFSET
    hits = _hits(stories, ranked[:limit], highlight_lemmas(found))
    return SearchPage(query, Status.OK, hits, offset, has_more, capped, matches.total)


def _hits(
    stories: dict[int, Article], ranked: list[tuple[int, float]], lemmas: frozenset[str]
) -> tuple[SearchHit, ...]:
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

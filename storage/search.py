"""Full-text search over stories: the FTS5 index and the queries against it.

The index (search_index, migration 0003) holds lemmas of title, summary and body;
`index_new` fills it inside the publish transaction (storage.articles.insert), a
trigger removes rows with their article. Search parses the query
(bot.search.query), lemmatizes it the same way the index was (bot.search.terms),
ranks by bm25 — title over summary over body — lifted a little for recent stories,
and cuts snippets from the original text (bot.search.snippet).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import aiosqlite

from bot.search.lemmas import TOKEN, index_text
from bot.search.query import Note, Query, parse
from bot.search.snippet import Snippet, highlight, snippet
from bot.search.terms import Reading, fts_match, highlight_lemmas, readings
from storage.db import Database

if TYPE_CHECKING:
    from storage.articles import NewArticle

# bm25 weights per column: title, summary, body, then the filter columns.
WEIGHTS = (10.0, 4.0, 1.0, 0.0, 0.0, 0.0)
TEXT_COLUMNS = "{title summary body}"
# Ranking reads at most this many matches, newest stored first. A query matching
# more (a function word in 80% of 100k stories) ranks the newest SCAN_CAP of them:
# bm25 over every match would cost ~100 ms, and for such words recency is what
# tells stories apart anyway. Pages stay inside the window (MAX_OFFSET < SCAN_CAP).
SCAN_CAP = 2000
# Recency lift: a story of today scores ×(1 + LIFT), one RECENCY_S old ×(1 + LIFT/2), …
LIFT = 0.25
RECENCY_S = 30 * 86400
MAX_LIMIT = 50
MAX_OFFSET = 1000
_NOT_WORD = re.compile(r"[\W_]+")


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

    @property
    def notes(self) -> tuple[Note, ...]:
        """Parts of the query that were ignored, and why (for a helpful reply)."""
        return self.query.notes


def topic_token(topic: str) -> str:
    """A topic id as one index token: us-russia-talks → usrussiatalks."""
    return _NOT_WORD.sub("", topic.lower())


def _phrase(words: list[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def match_expression(query: Query, found: tuple[Reading, ...]) -> str | None:
    """The full MATCH string: the query's readings over the text columns, AND the
    filters over their columns. None when there is nothing to search for."""
    text = fts_match(found)
    if text is None:
        return None
    parts = [f"{TEXT_COLUMNS} : ({text})"]
    if query.language:
        parts.append(f"{{language}} : {_phrase([query.language])}")
    if query.source and (words := TOKEN.findall(query.source)):
        parts.append(f"{{source}} : {_phrase(words)}")
    if query.topic and (token := topic_token(query.topic)):
        parts.append(f"{{topics}} : {_phrase([token])}")
    return " AND ".join(parts)


def _summary(analysis_json: str | None) -> list[str]:
    """Summary sentences from the stored analysis, if it has them."""
    if not analysis_json:
        return []
    try:
        data = json.loads(analysis_json)
    except ValueError:
        return []
    summary = data.get("summary") if isinstance(data, dict) else None
    if not isinstance(summary, list):
        return []
    return [s for s in summary if isinstance(s, str)]


async def index_article(
    conn: aiosqlite.Connection,
    article_id: int,
    *,
    title: str,
    text: str,
    language: str,
    day: float,
    source: str | None = None,
    topics: Sequence[str] = (),
    summary: Sequence[str] = (),
) -> None:
    """(Re)index one story; call inside the transaction that writes it."""
    await conn.execute("DELETE FROM search_index WHERE rowid = ?", (article_id,))
    await conn.execute(
        "INSERT INTO search_index (rowid, title, summary, body, language, source, topics)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            index_text(title, language),
            index_text("\n".join(summary), language),
            index_text(text, language),
            language,
            source or "",
            " ".join(topic_token(t) for t in topics),
        ),
    )
    await conn.execute(
        "INSERT OR REPLACE INTO search_meta (id, day) VALUES (?, ?)", (article_id, day)
    )
    # FTS5 holds the new row in memory and writes it out at the next statement
    # savepoint — inside the caller's later statements, whose total_changes
    # (publish counts queued rows that way) would then include it. Flush it here.
    await conn.execute("SAVEPOINT search_flush")
    await conn.execute("RELEASE search_flush")


async def index_new(
    conn: aiosqlite.Connection, article_id: int, new: NewArticle, *, now: float
) -> None:
    """Index a story being inserted (storage.articles.insert calls this)."""
    await index_article(
        conn,
        article_id,
        title=new.title,
        text=new.text,
        language=new.language,
        day=new.published.timestamp() if new.published else now,
        source=new.source,
        topics=new.topics,
        summary=_summary(new.analysis_json),
    )


async def reindex(db: Database, *, rebuild: bool = False) -> int:
    """Index stories missing from the index (all of them with rebuild=True), e.g. after
    upgrading a database that had stories before search existed. Returns how many."""
    async with db.transaction() as conn:
        if rebuild:
            await conn.execute("DELETE FROM search_index")
            await conn.execute("DELETE FROM search_meta")
        async with conn.execute(
            "SELECT id, title, text, language, source, topics, published, created_at, analysis"
            " FROM articles WHERE id NOT IN (SELECT id FROM search_meta)"
        ) as cursor:
            rows = list(await cursor.fetchall())
        for row in rows:
            await index_article(
                conn,
                row["id"],
                title=row["title"],
                text=row["text"],
                language=row["language"],
                day=row["published"] if row["published"] is not None else row["created_at"],
                source=row["source"],
                topics=json.loads(row["topics"]),
                summary=_summary(row["analysis"]),
            )
    return len(rows)


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
) -> SearchPage:
    """One page of stories matching the query, best first. Never raises on user input:
    a query with nothing to look for comes back with status EMPTY."""
    if isinstance(query, str):
        query = parse(query)
    limit = min(max(limit, 1), MAX_LIMIT)
    offset = max(offset, 0)
    found = readings(query)
    expression = match_expression(query, found)
    if expression is None:
        return SearchPage(query, Status.EMPTY, offset=offset)
    if offset > MAX_OFFSET:  # past the last page: nothing more (never the same page again)
        return SearchPage(query, Status.OK, offset=offset)
    now = time.time() if now is None else now

    where = ["search_index MATCH ?"]
    params: list[object] = [now, expression]
    since, until = _bounds(query)
    if since is not None:
        where.append("m.day >= ?")
        params.append(since)
    if until is not None:
        where.append("m.day < ?")
        params.append(until)
    params += [SCAN_CAP, limit + 1, offset]
    weights = ", ".join(str(w) for w in WEIGHTS)
    # Inner: the newest SCAN_CAP matches (FTS5 walks rowids backwards and stops).
    # Outer: best first. Placeholders bind in text order: `now`, MATCH, dates, limits.
    sql = (
        "WITH recent AS ("
        f" SELECT f.rowid AS id, bm25(search_index, {weights})"
        f" * (1.0 + {LIFT} / (1.0 + max(0.0, ? - m.day) / {RECENCY_S}.0)) AS score"
        " FROM search_index f JOIN search_meta m ON m.id = f.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY f.rowid DESC LIMIT ?)"
        " SELECT id, score, count(*) OVER () FROM recent ORDER BY score, id DESC LIMIT ? OFFSET ?"
    )
    try:
        async with db.conn.execute(sql, params) as cursor:
            rows = list(await cursor.fetchall())
    except sqlite3.OperationalError as error:
        if "fts5" not in str(error):
            raise
        return SearchPage(query, Status.INVALID, offset=offset)
    ranked = [(int(r[0]), float(r[1])) for r in rows]
    capped = bool(rows) and int(rows[0][2]) >= SCAN_CAP
    has_more = len(ranked) > limit and offset + limit <= MAX_OFFSET
    ranked = ranked[:limit]
    hits = await _hits(db, ranked, highlight_lemmas(found))
    return SearchPage(query, Status.OK, hits, offset, has_more, capped)


async def _hits(
    db: Database, ranked: list[tuple[int, float]], lemmas: frozenset[str]
) -> tuple[SearchHit, ...]:
    if not ranked:
        return ()
    marks = ",".join("?" * len(ranked))
    async with db.conn.execute(
        "SELECT id, title, text, language, source, topics, published, created_at"
        f" FROM articles WHERE id IN ({marks})",
        [article_id for article_id, _ in ranked],
    ) as cursor:
        rows = {row["id"]: row for row in await cursor.fetchall()}
    hits = []
    for article_id, score in ranked:
        row = rows.get(article_id)
        if row is None:
            continue
        language = row["language"]
        stamp = row["published"] if row["published"] is not None else row["created_at"]
        hits.append(
            SearchHit(
                article_id=article_id,
                title=highlight(row["title"], language, lemmas),
                snippet=snippet(row["text"], language, lemmas),
                date=datetime.fromtimestamp(stamp, UTC),
                language=language,
                source=row["source"],
                topics=tuple(json.loads(row["topics"])),
                score=score,
            )
        )
    return tuple(hits)

"""The full-text index over stories (FTS5, migration 0003): writing documents and
running a MATCH expression. SQL only.

What goes in the index (lemmas) and how a query becomes a MATCH expression is
bot.search's business (bot.search.index, bot.search.engine): this module never
lemmatizes. `index_document` runs inside the transaction that stores the story
(storage.articles.insert), so a stored story is always searchable. Ranking is bm25 —
title over summary over body — lifted a little for recent stories.

The index is contentless (migration 0012): FTS5 keeps only its inverted index, and
the document it was given is kept once, packed (storage.codec), in search_docs —
FTS5 needs those exact values to take a row out again. A deleted article leaves the
results at once (its search_meta row cascades and every match joins search_meta); a
trigger notes its id in search_gone, and the next index write takes its postings out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.domain import Article
from storage.article_rows import article_of
from storage.codec import pack, unpack
from storage.db import Database

# bm25 weights per column: title, summary, body, then the filter columns.
WEIGHTS = (10.0, 4.0, 1.0, 0.0, 0.0, 0.0)
# Ranking reads at most this many matches, newest stored first. A query matching
# more (a function word in 80% of 100k stories) ranks the newest SCAN_CAP of them:
# bm25 over every match would cost ~100 ms, and for such words recency is what
# tells stories apart anyway.
SCAN_CAP = 2000
# Recency lift: a story of today scores ×(1 + LIFT), one RECENCY_S old ×(1 + LIFT/2), …
LIFT = 0.25
RECENCY_S = 30 * 86400


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
SEPARATOR = "\x1f"  # between the column values of a packed document


@dataclass(frozen=True, slots=True)
class Matches:
    ranked: tuple[tuple[int, float], ...]  # (article id, score), best first
    total: int  # matches ranked (at most SCAN_CAP)


async def index_document(
    conn: aiosqlite.Connection, article_id: int, document: SearchDocument, *, day: float
) -> None:
    """(Re)index one story; call inside the transaction that writes it."""
    await _take_out(conn, article_id)
    fields = document.fields()
    await conn.execute(
        f"INSERT INTO search_index (rowid, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (article_id, *fields),
    )
    await conn.execute(
        "INSERT INTO search_docs (id, doc) VALUES (?, ?)",
        (article_id, pack(SEPARATOR.join(fields))),
    )
    await conn.execute(
        "INSERT OR REPLACE INTO search_meta (id, day) VALUES (?, ?)", (article_id, day)
    )
    # FTS5 holds the new row in memory and writes it out at the next statement
    # savepoint — inside the caller's later statements, whose total_changes
    # (publish counts queued rows that way) would then include it. Flush it here.
    await conn.execute("SAVEPOINT search_flush")
    await conn.execute("RELEASE search_flush")


async def _take_out(conn: aiosqlite.Connection, article_id: int) -> None:
    """Remove the postings and kept document of this story, if it was indexed, and of
    deleted ones (noted by the trigger): a new article may get a deleted one's id."""
    async with conn.execute(
        "SELECT id, doc FROM search_docs WHERE id = ? OR id IN (SELECT id FROM search_gone)",
        (article_id,),
    ) as cursor:
        rows = list(await cursor.fetchall())
    for row_id, doc in rows:
        await conn.execute(
            f"INSERT INTO search_index (search_index, rowid, {COLUMNS})"
            " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            (row_id, *unpack(doc).split(SEPARATOR)),
        )
    if rows:
        marks = ",".join("?" * len(rows))
        await conn.execute(
            f"DELETE FROM search_docs WHERE id IN ({marks})", [row[0] for row in rows]
        )
        await conn.execute("DELETE FROM search_gone")


async def unindexed(db: Database, *, rebuild: bool = False) -> list[Article]:
    """Stories missing from the index (all of them with rebuild=True, which empties it)."""
    if rebuild:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
            for table in ("search_docs", "search_meta", "search_gone"):
                await conn.execute(f"DELETE FROM {table}")
    async with db.conn.execute(
        "SELECT * FROM articles WHERE id NOT IN (SELECT id FROM search_meta) ORDER BY id"
    ) as cursor:
        return [article_of(row) for row in await cursor.fetchall()]


async def write_documents(db: Database, documents: list[tuple[Article, SearchDocument]]) -> None:
    async with db.transaction() as conn:
        for article, document in documents:
            day = (article.published or article.created_at).timestamp()
            await index_document(conn, article.id, document, day=day)


async def match(
    db: Database,
    expression: str,
    *,
    now: float,
    since: float | None = None,
    until: float | None = None,
    limit: int,
    offset: int,
) -> Matches | None:
    """Stories matching an FTS5 MATCH expression, best first; None when FTS5 refuses
    the expression (bot.search quotes every term, so that should not happen)."""
    where = ["search_index MATCH ?"]
    params: list[object] = [now, expression]
    if since is not None:
        where.append("m.day >= ?")
        params.append(since)
    if until is not None:
        where.append("m.day < ?")
        params.append(until)
    params += [SCAN_CAP, limit, offset]
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
        return None
    ranked = tuple((int(r[0]), float(r[1])) for r in rows)
    return Matches(ranked, int(rows[0][2]) if rows else 0)


async def stories(db: Database, ids: list[int]) -> dict[int, Article]:
    """The stories behind search hits, without their analysis (hits need only text)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    async with db.conn.execute(
        "SELECT id, title, text, url, source, published, language, topics, created_at,"
        f" followup_of FROM articles WHERE id IN ({marks})",
        ids,
    ) as cursor:
        return {row["id"]: article_of(row) for row in await cursor.fetchall()}

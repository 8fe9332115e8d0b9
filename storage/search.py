"""The full-text index over stories: writing documents and running a search plan.
SQL only; each backend has its own module (storage.search_sqlite: FTS5,
storage.search_pg: tsvector + GIN), this one holds what they share and picks one.

What goes in the index (lemmas) and how a query becomes a plan is bot.search's
business (bot.search.index, bot.search.engine): storage never lemmatizes.
`index_document` runs inside the transaction that stores the story
(storage.articles.insert), so a stored story is always searchable; a deleted article
leaves the results at once. Ranking is bm25 — title over summary over body —
lifted a little for recent stories; both backends compute the same score (up to a
phrase's frequency and a shared word of several matching readings: search_pg).
"""

from __future__ import annotations

from bot.domain import Article
from storage import search_pg, search_sqlite
from storage.article_rows import HIT_COLUMNS, article_of
from storage.db import POSTGRES, Connection, Database
from storage.search_doc import SCAN_CAP, Matches, SearchDocument, SearchPlan

__all__ = [
    "SCAN_CAP",
    "Matches",
    "SearchDocument",
    "SearchPlan",
    "index_document",
    "match",
    "match_page",
]


async def index_document(
    conn: Connection, article_id: int, document: SearchDocument, *, day: float
) -> None:
    """(Re)index one story; call inside the transaction that writes it."""
    write = search_pg.index_document if conn.dialect == POSTGRES else search_sqlite.index_document
    await write(conn, article_id, document, day=day)


async def unindexed(db: Database, *, rebuild: bool = False) -> list[Article]:
    """Stories missing from the index (all of them with rebuild=True, which empties it)."""
    backend = search_pg if db.dialect == POSTGRES else search_sqlite
    if rebuild:
        async with db.transaction() as conn:
            await backend.clear(conn)
    rows = await db.fetchall(
        f"SELECT * FROM articles WHERE id NOT IN (SELECT id FROM {backend.INDEXED}) ORDER BY id"
    )
    return [article_of(row) for row in rows]


WRITE_BATCH = 200  # documents a transaction when (re)indexing many


async def write_documents(db: Database, documents: list[tuple[Article, SearchDocument]]) -> None:
    """Index documents, WRITE_BATCH a transaction: on PostgreSQL every write updates the
    totals row and its lemmas' frequency rows, and a row updated n times in one
    transaction is found at the end of n versions (a rebuild of 100k stories in one
    went quadratic). A stopped run leaves the rest to the next (`unindexed`)."""
    for start in range(0, len(documents), WRITE_BATCH):
        async with db.transaction() as conn:
            for article, document in documents[start : start + WRITE_BATCH]:
                day = (article.published or article.created_at).timestamp()
                await index_document(conn, article.id, document, day=day)


async def match(
    db: Database,
    plan: SearchPlan,
    *,
    now: float,
    since: float | None = None,
    until: float | None = None,
    limit: int,
    offset: int,
) -> Matches | None:
    """Stories matching the plan, best first; None when the index refuses it (every
    term is passed as data, so that should not happen)."""
    run = search_pg.match if db.dialect == POSTGRES else search_sqlite.match
    return await run(db, plan, now=now, since=since, until=until, limit=limit, offset=offset)


async def match_page(
    db: Database,
    plan: SearchPlan,
    *,
    now: float,
    since: float | None = None,
    until: float | None = None,
    limit: int,
    offset: int,
) -> tuple[Matches, dict[int, Article]] | None:
    """match() and stories() of its matches (SQLite: in one statement)."""
    if db.dialect != POSTGRES:
        return await search_sqlite.match_page(
            db, plan, now=now, since=since, until=until, limit=limit, offset=offset
        )
    matches = await search_pg.match(
        db, plan, now=now, since=since, until=until, limit=limit, offset=offset
    )
    if matches is None:
        return None
    return matches, await stories(db, [article_id for article_id, _ in matches.ranked])


async def stories(db: Database, ids: list[int]) -> dict[int, Article]:
    """The stories behind search hits, without their analysis (hits need only text)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT {', '.join(HIT_COLUMNS)} FROM articles WHERE id IN ({marks})", ids
    )
    return {row["id"]: article_of(row) for row in rows}

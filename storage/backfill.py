"""Bulk writes for a backfill: stories packed in advance, stored a batch per statement.

`packed()` is pure (compression, JSON, the index document's kept form): a bulk import
runs it in its worker processes beside the analysis, so the importing process only
binds ready values. `store_packed()` writes a batch in one transaction: one multi-row
INSERT for the articles, one executemany for the seen keys and, on SQLite, one for
each search table (storage.search_sqlite.index_many). The keys go in the transaction
that stores their stories: a batch interrupted by a crash leaves neither, so a re-run
takes its stories in again, once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from storage import search_pg, search_sqlite, seen
from storage.articles import NewArticle
from storage.codec import dumps, pack
from storage.db import POSTGRES, Connection, Database
from storage.search_doc import SEPARATOR, SearchDocument

COLUMNS = "title, text, url, source, published, language, topics, analysis, image, created_at"


@dataclass(frozen=True, slots=True)
class PackedArticle:
    """A NewArticle as its row values (text and analysis zlib-packed)."""

    row: tuple[object, ...]  # COLUMNS without created_at
    search: SearchDocument | None
    doc: bytes | None  # the index document as SQLite keeps it (search_docs)
    day: float | None  # published, as unix seconds (None: the moment it is stored)


def packed(new: NewArticle) -> PackedArticle:
    published = new.published.timestamp() if new.published else None
    row = (
        new.title,
        pack(new.text),
        new.url,
        new.source,
        published,
        new.language,
        json.dumps(list(new.topics)),
        pack(dumps(new.analysis)) if new.analysis is not None else None,
        new.image,
    )
    doc = pack(SEPARATOR.join(new.search.fields())) if new.search is not None else None
    return PackedArticle(row, new.search, doc, published)


async def store_packed(
    db: Database, items: Sequence[tuple[PackedArticle, Sequence[seen.Key]]], *, now: float
) -> list[int]:
    """Store the stories (never queued: a backfill alerts nobody) with the keys each was
    taken in by, in one transaction. Their article ids, in the order given."""
    if not items:
        return []
    async with db.transaction() as conn:
        ids = await _insert_rows(conn, [p.row for p, _ in items], now=now)
        indexed = [
            (article_id, p.search, p.doc or b"", p.day if p.day is not None else now)
            for article_id, (p, _) in zip(ids, items, strict=True)
            if p.search is not None
        ]
        if conn.dialect == POSTGRES:
            for article_id, document, _, day in indexed:
                await search_pg.index_document(conn, article_id, document, day=day)
        else:
            await search_sqlite.index_many(conn, indexed)
        await seen.mark_rows_in(
            conn,
            [
                (kind, key, article_id, None, now)
                for article_id, (_, keys) in zip(ids, items, strict=True)
                for kind, key in dict.fromkeys(keys)
            ],
        )
    return ids


async def _insert_rows(
    conn: Connection, rows: list[tuple[object, ...]], *, now: float
) -> list[int]:
    """One INSERT … VALUES (…), (…) RETURNING id. Both backends give one statement's
    rows rising ids in VALUES order but promise no order for RETURNING: sorted."""
    width = len(COLUMNS.split(", "))
    marks = "(" + ", ".join("?" * width) + ")"
    returned = await conn.fetchall(
        f"INSERT INTO articles ({COLUMNS}) VALUES {', '.join([marks] * len(rows))} RETURNING id",
        [value for row in rows for value in (*row, now)],
    )
    ids = sorted(int(r[0]) for r in returned)
    if len(ids) != len(rows):
        raise RuntimeError(f"stored {len(ids)} of {len(rows)} stories")
    return ids

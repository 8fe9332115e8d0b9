"""Corrections of published stories: the messages each delivery left in Telegram, the
story withdrawn or its title and summary changed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.domain import Analysis
from storage import codec, fanout
from storage.db import POSTGRES, Database
from storage.outbox import DELIVERY_COLUMNS, DELIVERY_FROM, Delivery, delivery_of
from storage.search import SearchDocument, index_document

DELETED, NOTED = "deleted", "noted"  # what /unpublish did to a sent message


@dataclass(frozen=True, slots=True)
class SentCopy:
    """One delivered message of a story, with what rendering it again needs."""

    delivery: Delivery
    message_id: int
    sent_at: float
    corrected: str | None


async def sent_copies(db: Database, article_id: int) -> list[SentCopy]:
    """The story's messages in Telegram (digests excluded: a digest message holds
    several stories), oldest first."""
    rows = await db.fetchall(
        f"""
        SELECT {DELIVERY_COLUMNS}, o.message_id, o.sent_at, o.corrected
        {DELIVERY_FROM}
        WHERE o.article_id = ? AND o.status = 'sent' AND o.message_id IS NOT NULL
            AND o.in_digest = 0
        ORDER BY o.sent_at, o.id
        """,
        (article_id,),
    )
    return [
        SentCopy(
            delivery_of(r),
            message_id=int(r[18]),
            sent_at=float(r[19] or 0.0),
            corrected=r[20],
        )
        for r in rows
    ]


async def withdraw(db: Database, article_id: int) -> tuple[bool, int]:
    """Mark the story withdrawn and skip its waiting rows. (False if it was withdrawn
    already, how many waiting rows were skipped)."""
    now = time.time()
    async with db.transaction() as conn:
        first = await conn.execute(
            "UPDATE articles SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL",
            (now, article_id),
        )
        skipped = await conn.execute(
            "UPDATE outbox SET status = 'skipped', last_error = 'withdrawn' "
            "WHERE article_id = ? AND status IN ('pending', 'failed')",
            (article_id,),
        )
        if conn.dialect == POSTGRES:
            await fanout.cancel(conn, article_id)  # readers not queued yet: never
        return first > 0, skipped


async def is_withdrawn(db: Database, article_id: int) -> bool:
    row = await db.fetchone("SELECT withdrawn_at FROM articles WHERE id = ?", (article_id,))
    return bool(row and row[0] is not None)


async def mark_corrected(db: Database, results: list[tuple[int, str]]) -> None:
    """(outbox row id, DELETED | NOTED) pairs."""
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE outbox SET corrected = ? WHERE id = ?",
            [(what, row_id) for row_id, what in results],
        )


async def change_story(
    db: Database,
    article_id: int,
    *,
    title: str | None,
    analysis: Analysis,
    search: SearchDocument,
    day: float,
) -> None:
    """A new title and/or summary (the analysis holds the summary), re-indexed in the
    same transaction so search finds the story by the words readers now see."""
    async with db.transaction() as conn:
        if title is not None:
            await conn.execute("UPDATE articles SET title = ? WHERE id = ?", (title, article_id))
        await conn.execute(
            "UPDATE articles SET analysis = ? WHERE id = ?",
            (codec.pack(codec.dumps(analysis)), article_id),
        )
        await index_document(conn, article_id, search, day=day)

"""Keyword watches: a chat's saved search query; new stories that match it are sent."""

from __future__ import annotations

import time
from dataclasses import dataclass

from storage.db import Database, Row


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    chat_id: int
    query: str  # canonical query text (bot.search.query.Query.text())
    created_at: float = 0.0


def _watch(row: Row) -> Watch:
    return Watch(row["id"], row["chat_id"], row["query"], row["created_at"])


async def add(db: Database, chat_id: int, query: str, *, now: float | None = None) -> Watch | None:
    """Save a watch. None when the chat already has this query or is unknown."""
    now = time.time() if now is None else now
    async with db.transaction() as conn:
        watch_id = await conn.insert(
            "INSERT INTO watches (chat_id, query, created_at)"
            " SELECT id, ?, ? FROM chats WHERE id = ? ON CONFLICT DO NOTHING",
            (query, now, chat_id),
        )
        return Watch(watch_id, chat_id, query, now) if watch_id is not None else None


async def of_chat(db: Database, chat_id: int) -> list[Watch]:
    rows = await db.fetchall("SELECT * FROM watches WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [_watch(row) for row in rows]


async def get(db: Database, watch_id: int) -> Watch | None:
    row = await db.fetchone("SELECT * FROM watches WHERE id = ?", (watch_id,))
    return _watch(row) if row else None


async def remove(db: Database, chat_id: int, watch_id: int) -> bool:
    """Delete a chat's watch; False if it is not that chat's (or already gone)."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "DELETE FROM watches WHERE id = ? AND chat_id = ?", (watch_id, chat_id)
        )
        return bool(changed)


async def all_watches(db: Database) -> list[Watch]:
    """Every watch (what the in-memory matcher loads). Blocked chats' watches too:
    a chat can come back, and publish() already skips chats that are not active."""
    rows = await db.fetchall("SELECT * FROM watches ORDER BY id")
    return [_watch(row) for row in rows]


async def add_many(db: Database, items: list[tuple[int, str]], *, now: float | None = None) -> int:
    """Bulk insert (imports, benchmarks). Returns rows added."""
    now = time.time() if now is None else now
    async with db.transaction() as conn:
        before = await conn.fetchval("SELECT COUNT(*) FROM watches")
        await conn.executemany(
            "INSERT INTO watches (chat_id, query, created_at)"
            " SELECT id, ?, ? FROM chats WHERE id = ? ON CONFLICT DO NOTHING",
            [(query, now, chat_id) for chat_id, query in items],
        )
        return int(await conn.fetchval("SELECT COUNT(*) FROM watches")) - int(before)

"""Topic subscriptions of chats."""

from __future__ import annotations

import time

from storage.db import Database


async def add(db: Database, chat_id: int, topic_id: str) -> bool:
    """Subscribe; False when the chat already was."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "INSERT INTO subscriptions (chat_id, topic_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (chat_id, topic_id, time.time()),
        )
        return changed > 0


async def remove(db: Database, chat_id: int, topic_id: str) -> bool:
    """Unsubscribe; False when the chat was not subscribed."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "DELETE FROM subscriptions WHERE chat_id = ? AND topic_id = ?", (chat_id, topic_id)
        )
        return changed > 0


async def topics_of(db: Database, chat_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT topic_id FROM subscriptions WHERE chat_id = ? ORDER BY created_at", (chat_id,)
    )
    return [row[0] for row in rows]


async def count_by_topic(db: Database) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT s.topic_id, COUNT(*) FROM subscriptions s JOIN chats c ON c.id = s.chat_id "
        "WHERE c.status = 'active' GROUP BY s.topic_id"
    )
    return {row[0]: row[1] for row in rows}

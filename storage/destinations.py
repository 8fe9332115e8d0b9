"""Channels, groups and forum topics as destinations: connected by a user, listed for
them, and forum topics as rows of their own (ids below TOPIC_IDS_BELOW)."""

from __future__ import annotations

import time

from storage.chats import Chat, from_row
from storage.db import Database

# Telegram's chat ids fit in 52 bits; a forum topic's own id is taken below this.
TOPIC_IDS_BELOW = -(2**60)
TOPIC = "topic"  # the chats.type of a forum topic row


async def connect(
    db: Database,
    chat_id: int,
    *,
    chat_type: str,
    title: str,
    username: str | None,
    connected_by: int,
) -> Chat:
    """Record a channel or group as connected by `connected_by` (again: active again)."""
    now = time.time()
    async with db.transaction() as conn:
        await conn.execute(
            """
            INSERT INTO chats (id, type, title, username, connected_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                type = excluded.type, title = excluded.title, username = excluded.username,
                connected_by = excluded.connected_by, status = 'active',
                updated_at = excluded.updated_at
            """,
            (chat_id, chat_type, title, username, connected_by, now, now),
        )
        await conn.execute(
            "UPDATE chats SET status = 'active', updated_at = ? WHERE parent_id = ?",
            (now, chat_id),
        )
    found = await get(db, chat_id)
    assert found is not None
    return found


async def get(db: Database, chat_id: int) -> Chat | None:
    row = await db.fetchone("SELECT * FROM chats WHERE id = ?", (chat_id,))
    return from_row(row) if row else None


async def topic(db: Database, parent_id: int, thread_id: int, *, title: str | None) -> Chat:
    """The destination of one forum topic, made on first use."""
    async with db.transaction() as conn:
        row = await conn.fetchone(
            "SELECT id FROM chats WHERE parent_id = ? AND thread_id = ?", (parent_id, thread_id)
        )
        if row is None:
            lowest = await conn.fetchone(
                "SELECT MIN(id) FROM chats WHERE id < ?", (TOPIC_IDS_BELOW,)
            )
            new_id = min(TOPIC_IDS_BELOW, lowest[0] if lowest and lowest[0] else 0) - 1
            now = time.time()
            await conn.execute(
                "INSERT INTO chats (id, type, title, parent_id, thread_id, status, created_at,"
                " updated_at) SELECT ?, ?, ?, ?, ?, COALESCE("
                "(SELECT status FROM chats WHERE id = ?), 'active'), ?, ?",
                (new_id, TOPIC, title, parent_id, thread_id, parent_id, now, now),
            )
        elif title:
            await conn.execute("UPDATE chats SET title = ? WHERE id = ?", (title, row[0]))
        found = await conn.fetchone(
            "SELECT * FROM chats WHERE parent_id = ? AND thread_id = ?", (parent_id, thread_id)
        )
    assert found is not None
    return from_row(found)


async def find_topic(db: Database, parent_id: int, thread_id: int) -> int | None:
    row = await db.fetchone(
        "SELECT id FROM chats WHERE parent_id = ? AND thread_id = ?", (parent_id, thread_id)
    )
    return int(row[0]) if row else None


async def connected_by(db: Database, user_id: int) -> list[Chat]:
    """The channels and groups a user connected, each followed by its forum topics."""
    rows = await db.fetchall(
        """
        SELECT c.* FROM chats c LEFT JOIN chats p ON p.id = c.parent_id
        WHERE c.connected_by = ? OR p.connected_by = ? ORDER BY c.created_at, c.id
        """,
        (user_id, user_id),
    )
    found = [from_row(row) for row in rows]
    ordered: list[Chat] = []
    for parent in (c for c in found if c.parent_id is None):
        ordered.append(parent)
        ordered.extend(c for c in found if c.parent_id == parent.id)
    return ordered


async def disconnect(db: Database, chat_id: int) -> None:
    """Stop serving a channel or group (and its topics): subscriptions and watches go,
    pending rows are skipped; sent rows stay, so its stories can still be corrected."""
    family = "SELECT id FROM chats WHERE id = ? OR parent_id = ?"
    async with db.transaction() as conn:
        for sql in (
            f"DELETE FROM subscriptions WHERE chat_id IN ({family})",
            f"DELETE FROM watches WHERE chat_id IN ({family})",
            "UPDATE outbox SET status = 'skipped', last_error = 'disconnected' "
            f"WHERE status = 'pending' AND chat_id IN ({family})",
        ):
            await conn.execute(sql, (chat_id, chat_id))
        await conn.execute(
            "UPDATE chats SET connected_by = NULL, updated_at = ? WHERE id = ?",
            (time.time(), chat_id),
        )

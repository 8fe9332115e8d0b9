"""Chats: language, status (active / blocked / gone) and delivery settings.

A chat is any destination: a private reader, a group, a channel, or a forum topic (a
row of its own pointing at its group, see migration 0010 and storage.destinations).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from storage import fanout
from storage.db import POSTGRES, Database, Row

ACTIVE, BLOCKED, GONE = "active", "blocked", "gone"


@dataclass(frozen=True, slots=True)
class Chat:
    id: int
    type: str
    language: str | None
    telegram_language: str | None
    status: str
    mode: str
    digest_time: str
    quiet_start: str | None
    quiet_end: str | None
    timezone: str | None
    title: str | None = None
    username: str | None = None
    parent_id: int | None = None  # a forum topic's group
    thread_id: int | None = None  # a forum topic's message_thread_id
    connected_by: int | None = None  # who connected a channel or group

    @property
    def send_to(self) -> int:
        """The Telegram chat messages go to (a forum topic's group)."""
        return self.parent_id if self.parent_id is not None else self.id


def from_row(row: Row) -> Chat:
    return Chat(
        id=row["id"],
        type=row["type"],
        language=row["language"],
        telegram_language=row["telegram_language"],
        status=row["status"],
        mode=row["mode"],
        digest_time=row["digest_time"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        timezone=row["timezone"],
        title=row["title"],
        username=row["username"],
        parent_id=row["parent_id"],
        thread_id=row["thread_id"],
        connected_by=row["connected_by"],
    )


HOLD_S = 48 * 3600  # a reader who blocked the bot and comes back gets these stories


async def touch(
    db: Database, chat_id: int, *, chat_type: str = "private", telegram_language: str | None
) -> int:
    """Record a chat that wrote to us. Any message from a blocked chat re-activates it:
    it could not write to the bot if it still blocked it. The stories held for it (queued
    in the last 48 h and stopped by the block) are queued again; returns how many."""
    now = time.time()
    async with db.transaction() as conn:
        released = await conn.execute(
            "UPDATE outbox SET status = 'pending', due_at = ?, attempts = 0, last_error = NULL "
            "WHERE chat_id = ? AND status = 'blocked' AND created_at >= ? "
            "AND EXISTS (SELECT 1 FROM chats WHERE id = ? AND status = 'blocked')",
            (now, chat_id, now - HOLD_S, chat_id),
        )
        await conn.execute(
            """
            INSERT INTO chats (id, type, telegram_language, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                type = excluded.type,
                telegram_language = COALESCE(excluded.telegram_language, chats.telegram_language),
                status = 'active',
                updated_at = excluded.updated_at
            WHERE chats.status != 'active'
                OR chats.telegram_language IS DISTINCT FROM excluded.telegram_language
                OR chats.type != excluded.type
            """,
            (chat_id, chat_type, telegram_language, now, now),
        )
        if chat_type != "private":  # a group that writes again: its forum topics too
            await conn.execute(
                "UPDATE chats SET status = 'active', updated_at = ? "
                "WHERE parent_id = ? AND status != 'active'",
                (now, chat_id),
            )
    return max(released, 0)


async def register_many(
    db: Database, chat_ids: list[int], *, chat_type: str = "private", topic: str | None = None
) -> None:
    """Bulk-add chats (optionally following a topic) in one transaction: benchmarks and
    load tests seed 100,000 readers this way instead of 100,000 /start round trips."""
    now = time.time()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO chats (id, type, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(chat_id, chat_type, now, now) for chat_id in chat_ids],
        )
        if topic is not None:
            await conn.executemany(
                "INSERT INTO subscriptions (chat_id, topic_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(chat_id, topic, now) for chat_id in chat_ids],
            )


async def get(db: Database, chat_id: int) -> Chat | None:
    row = await db.fetchone("SELECT * FROM chats WHERE id = ?", (chat_id,))
    return from_row(row) if row else None


async def set_language(db: Database, chat_id: int, language: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE chats SET language = ?, updated_at = ? WHERE id = ?",
            (language, time.time(), chat_id),
        )


async def set_status(db: Database, chat_id: int, status: str) -> str | None:
    """Mark a chat (and a group's forum topics) blocked, gone or active again; pending
    deliveries of a chat that is not active stop with it. Returns the status before."""
    async with db.transaction() as conn:
        row = await conn.fetchone("SELECT status FROM chats WHERE id = ?", (chat_id,))
        await conn.execute(
            "UPDATE chats SET status = ?, updated_at = ? WHERE id = ? OR parent_id = ?",
            (status, time.time(), chat_id, chat_id),
        )
        if status != ACTIVE:
            await conn.execute(
                "UPDATE outbox SET status = 'blocked', last_error = ? WHERE status = 'pending' "
                "AND chat_id IN (SELECT id FROM chats WHERE id = ? OR parent_id = ?)",
                (status, chat_id, chat_id),
            )
    return str(row[0]) if row else None


async def migrate(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move it, with its subscriptions and outbox, to the new id."""
    async with db.transaction() as conn:
        if await conn.fetchone("SELECT 1 FROM chats WHERE id = ?", (new_id,)):
            await conn.execute(
                "INSERT INTO subscriptions (chat_id, topic_id, created_at) "
                "SELECT ?, topic_id, created_at FROM subscriptions WHERE chat_id = ?"
                " ON CONFLICT DO NOTHING",
                (new_id, old_id),
            )
            # Rows the new chat already has for the same story (watch) stay behind and
            # go with the old chat; the rest move.
            await conn.execute(
                "DELETE FROM outbox WHERE chat_id = ? AND article_id IN"
                " (SELECT article_id FROM outbox WHERE chat_id = ?)",
                (old_id, new_id),
            )
            await conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            await conn.execute(
                "DELETE FROM watches WHERE chat_id = ? AND query IN"
                " (SELECT query FROM watches WHERE chat_id = ?)",
                (old_id, new_id),
            )
            await conn.execute("UPDATE watches SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            await conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))
        else:
            # ON UPDATE CASCADE carries subscriptions and outbox rows along.
            await conn.execute(
                "UPDATE chats SET id = ?, type = 'supergroup', updated_at = ? WHERE id = ?",
                (new_id, time.time(), old_id),
            )
        if conn.dialect == POSTGRES:
            await fanout.moved(conn, old_id, new_id)  # a story being queued reaches it


async def update_settings(db: Database, chat_id: int, **values: str | None) -> None:
    """New delivery settings; rows held for the old quiet hours are due at once (in the
    same transaction, so the delivery worker never sees one without the other)."""
    allowed = {"mode", "digest_time", "quiet_start", "quiet_end", "timezone"}
    if not values or not set(values) <= allowed:
        raise ValueError(f"unknown chat settings: {sorted(set(values) - allowed)}")
    assignments = ", ".join(f"{name} = ?" for name in values)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE chats SET {assignments}, updated_at = ? WHERE id = ?",
            (*values.values(), time.time(), chat_id),
        )
        await conn.execute(
            "UPDATE outbox SET due_at = ?, last_error = NULL "
            "WHERE chat_id = ? AND status = 'pending' AND last_error = 'quiet hours'",
            (time.time(), chat_id),
        )


async def digest_chats(db: Database) -> list[Chat]:
    """Active digest-mode chats with something waiting for their digest."""
    rows = await db.fetchall(
        "SELECT * FROM chats c WHERE c.mode = 'digest' AND c.status = 'active' AND EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.chat_id = c.id AND o.status = 'pending')"
    )
    return [from_row(row) for row in rows]


async def blocked_count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM chats WHERE status = 'blocked'")
    return int(row[0]) if row else 0


async def count_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) FROM chats GROUP BY status")
    return {row[0]: row[1] for row in rows}

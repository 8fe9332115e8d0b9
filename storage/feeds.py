"""Feeds the bot polls, their polling state (survives restarts), and review drafts."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Row
from storage.draft_rows import DRAFT_COLUMNS, DRAFT_SLOTS, draft_fields, draft_values

PUBLISH, REVIEW = "publish", "review"
# Backlog policies (a number N: publish the newest N, mark the rest as read).
BACKLOG_NONE, BACKLOG_ALL, BACKLOG_REVIEW = "none", "all", "review"


class FeedExists(ValueError):
    """A feed with this URL is already polled."""


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str | None
    topics: tuple[str, ...]
    mode: str
    etag: str | None
    last_modified: str | None
    next_poll_at: float
    last_polled_at: float | None
    last_ok_at: float | None
    failures: int
    last_error: str | None
    error_reported: bool
    added_by: int | None
    created_at: float
    interval_s: float | None = None  # None: the FEED_INTERVAL_S setting
    backlog: str | None = None  # policy still to apply on the first read (see 0008)
    backlog_review: bool = False


@dataclass(frozen=True, slots=True)
class FeedDraft:
    """A story from a review-mode feed, waiting for an admin to publish or drop it."""

    id: int
    feed_id: int | None
    title: str | None
    text: str
    url: str | None
    source: str | None
    published: datetime | None
    topics: tuple[str, ...]
    keys: tuple[tuple[str, str], ...]
    created_at: float
    image: str | None = None


def _feed(row: Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        topics=tuple(json.loads(row["topics"])),
        mode=row["mode"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        next_poll_at=row["next_poll_at"],
        last_polled_at=row["last_polled_at"],
        last_ok_at=row["last_ok_at"],
        failures=row["failures"],
        last_error=row["last_error"],
        error_reported=bool(row["error_reported"]),
        added_by=row["added_by"],
        created_at=row["created_at"],
        interval_s=row["interval_s"],
        backlog=row["backlog"],
        backlog_review=bool(row["backlog_review"]),
    )


async def add(
    db: Database,
    url: str,
    *,
    topics: Sequence[str] = (),
    mode: str = PUBLISH,
    added_by: int | None = None,
    now: float | None = None,
    interval_s: float | None = None,
    backlog: str | None = None,
) -> Feed:
    """Store a feed, due at once. Raises FeedExists for a URL already stored."""
    now = time.time() if now is None else now
    async with db.transaction() as conn:
        feed_id = await conn.insert(
            "INSERT INTO feeds (url, topics, mode, added_by, next_poll_at, created_at,"
            " interval_s, backlog) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            (url, json.dumps(list(topics)), mode, added_by, now, now, interval_s, backlog),
        )
    if feed_id is None:
        raise FeedExists(url)
    feed = await get(db, feed_id)
    assert feed is not None
    return feed


async def get(db: Database, feed_id: int) -> Feed | None:
    row = await db.fetchone("SELECT * FROM feeds WHERE id = ?", (feed_id,))
    return _feed(row) if row else None


async def list_all(db: Database) -> list[Feed]:
    rows = await db.fetchall("SELECT * FROM feeds ORDER BY id")
    return [_feed(row) for row in rows]


async def due(db: Database, *, now: float) -> list[Feed]:
    rows = await db.fetchall(
        "SELECT * FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id", (now,)
    )
    return [_feed(row) for row in rows]


async def remove(db: Database, feed_id: int) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return changed > 0


async def set_topics(db: Database, feed_id: int, topics: Sequence[str]) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute(
            "UPDATE feeds SET topics = ? WHERE id = ?", (json.dumps(list(topics)), feed_id)
        )
        return changed > 0


async def set_mode(db: Database, feed_id: int, mode: str) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute("UPDATE feeds SET mode = ? WHERE id = ?", (mode, feed_id))
        return changed > 0


async def mark_ok(
    db: Database,
    feed_id: int,
    *,
    now: float,
    next_poll_at: float,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
    backlog_review: bool = False,
) -> None:
    """A poll worked: the outage (if any) is over, validators kept for the next GET, the
    backlog policy applied."""
    async with db.transaction() as conn:
        await conn.execute(
            """
            UPDATE feeds SET etag = ?, last_modified = ?, next_poll_at = ?, last_polled_at = ?,
                last_ok_at = ?, failures = 0, last_error = NULL, error_reported = 0,
                title = COALESCE(?, title), backlog = NULL, backlog_review = ?
            WHERE id = ?
            """,
            (etag, last_modified, next_poll_at, now, now, title, int(backlog_review), feed_id),
        )


async def mark_failed(
    db: Database, feed_id: int, *, now: float, next_poll_at: float, error: str, reported: bool
) -> None:
    """A poll failed: one more consecutive failure; `reported` once admins were told."""
    async with db.transaction() as conn:
        await conn.execute(
            """
            UPDATE feeds SET failures = failures + 1, last_error = ?, next_poll_at = ?,
                last_polled_at = ?, error_reported = CASE WHEN ? = 1 THEN 1 ELSE error_reported END
            WHERE id = ?
            """,
            (error, next_poll_at, now, int(reported), feed_id),
        )


async def poll_now(db: Database, feed_id: int, *, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE feeds SET next_poll_at = ? WHERE id = ?", (now, feed_id))


# Review drafts ----------------------------------------------------------------------


def _draft(row: Row) -> FeedDraft:
    return FeedDraft(
        id=row["id"], feed_id=row["feed_id"], created_at=row["created_at"], **draft_fields(row)
    )


async def add_draft(
    db: Database,
    *,
    feed_id: int | None,
    title: str | None,
    text: str,
    url: str | None,
    source: str | None,
    published: datetime | None,
    topics: Sequence[str],
    keys: Sequence[tuple[str, str]],
    image: str | None = None,
    now: float | None = None,
) -> int:
    now = time.time() if now is None else now
    values = draft_values(title, text, url, source, published, topics, keys, image)
    async with db.transaction() as conn:
        draft_id = await conn.insert(
            f"INSERT INTO feed_drafts (feed_id, {DRAFT_COLUMNS}, created_at)"
            f" VALUES (?, {DRAFT_SLOTS}, ?)",
            (feed_id, *values, now),
        )
        assert draft_id is not None
        return draft_id


async def drafts(db: Database, *, feed_id: int | None = None, limit: int = 50) -> list[FeedDraft]:
    params: tuple[int, ...]
    if feed_id is None:
        query, params = "SELECT * FROM feed_drafts ORDER BY id LIMIT ?", (limit,)
    else:
        query = "SELECT * FROM feed_drafts WHERE feed_id = ? ORDER BY id LIMIT ?"
        params = (feed_id, limit)
    rows = await db.fetchall(query, params)
    return [_draft(row) for row in rows]


async def get_draft(db: Database, draft_id: int) -> FeedDraft | None:
    row = await db.fetchone("SELECT * FROM feed_drafts WHERE id = ?", (draft_id,))
    return _draft(row) if row else None


async def set_draft_topics(db: Database, draft_id: int, topics: Sequence[str]) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute(
            "UPDATE feed_drafts SET topics = ? WHERE id = ?", (json.dumps(list(topics)), draft_id)
        )
        return changed > 0


async def delete_draft(db: Database, draft_id: int) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute("DELETE FROM feed_drafts WHERE id = ?", (draft_id,))
        return changed > 0

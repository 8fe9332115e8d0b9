"""What has been taken in already, by normalised URL, feed GUID or text hash.

A key is marked only after its story was stored (or queued for review), never before:
a crash in between costs at worst a repeat that the follow-up rule absorbs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, Database

URL, GUID, TEXT = "url", "guid", "text"
Key = tuple[str, str]  # (kind, key)


@dataclass(frozen=True, slots=True)
class Seen:
    kind: str
    key: str
    article_id: int | None
    feed_id: int | None


async def find(db: Database, keys: Sequence[Key]) -> Seen | None:
    """The first of `keys` already known, or None."""
    for kind, key in keys:
        row = await db.fetchone(
            "SELECT kind, key, article_id, feed_id FROM seen WHERE kind = ? AND key = ?",
            (kind, key),
        )
        if row:
            return Seen(row["kind"], row["key"], row["article_id"], row["feed_id"])
    return None


async def mark(
    db: Database,
    keys: Sequence[Key],
    *,
    article_id: int | None,
    feed_id: int | None = None,
    now: float | None = None,
) -> None:
    """Remember every key; a key known without a story (review) gets the story now."""
    now = time.time() if now is None else now
    async with db.transaction() as conn:
        await mark_in(conn, keys, article_id=article_id, feed_id=feed_id, now=now)


async def mark_in(
    conn: Connection,
    keys: Sequence[Key],
    *,
    article_id: int | None,
    feed_id: int | None = None,
    now: float,
) -> None:
    """mark() inside the caller's transaction."""
    await mark_rows_in(
        conn, [(kind, key, article_id, feed_id, now) for kind, key in dict.fromkeys(keys)]
    )


async def mark_rows_in(
    conn: Connection, rows: Sequence[tuple[str, str, int | None, int | None, float]]
) -> None:
    """(kind, key, article_id, feed_id, now) rows in one executemany: a bulk import marks
    a batch of stories' keys at once. A key seen before keeps its story."""
    await conn.executemany(
        """
        INSERT INTO seen (kind, key, article_id, feed_id, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, key) DO UPDATE SET
            article_id = COALESCE(seen.article_id, excluded.article_id)
        """,
        rows,
    )


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM seen")
    return int(row[0]) if row else 0


async def known(db: Database, keys: Sequence[Key], *, chunk: int = 500) -> set[Key]:
    """Which of `keys` are known already: find() for a whole file, a query per kind and
    chunk (kind first, so the (kind, key) primary key serves it)."""
    by_kind: dict[str, list[str]] = {}
    for kind, key in dict.fromkeys(keys):
        by_kind.setdefault(kind, []).append(key)
    found: set[Key] = set()
    for kind, wanted in by_kind.items():
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            marks = ",".join("?" * len(part))
            rows = await db.fetchall(
                f"SELECT key FROM seen WHERE kind = ? AND key IN ({marks})", [kind, *part]
            )
            found.update((kind, str(row[0])) for row in rows)
    return found

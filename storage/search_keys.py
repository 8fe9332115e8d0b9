"""Short keys for search queries, so paging buttons fit in callback data (64 bytes)."""

from __future__ import annotations

import base64
import hashlib
import time

from storage.db import Database

KEEP_S = 7 * 86400  # an older search's buttons ask the reader to search again
KEY_CHARS = 12


def key_of(query: str) -> str:
    """The same query always gets the same key (re-saving only refreshes it)."""
    digest = hashlib.sha256(query.encode()).digest()
    return base64.b32encode(digest).decode().lower()[:KEY_CHARS]


async def save(db: Database, query: str, *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    key = key_of(query)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO search_keys (key, query, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET query = excluded.query,"
            " created_at = excluded.created_at",
            (key, query, now),
        )
        await conn.execute("DELETE FROM search_keys WHERE created_at < ?", (now - KEEP_S,))
    return key


async def load(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT query FROM search_keys WHERE key = ?", (key,))
    return str(row[0]) if row else None

"""Reading back what a test stored: the row must be there."""

from __future__ import annotations

from storage import feeds
from storage.db import Database
from storage.feeds import Feed
from storage.sqlite import SqliteDatabase


async def reread_feed(db: Database, feed_id: int) -> Feed:
    found = await feeds.get(db, feed_id)
    assert found is not None, f"feed {feed_id} is not stored"
    return found


def sqlite_of(db: Database) -> SqliteDatabase:
    """The SQLite database behind the interface, for tests of SQLite's own files and
    statements (marked sqlite_only)."""
    assert isinstance(db, SqliteDatabase), "a SQLite-only test on another backend"
    return db

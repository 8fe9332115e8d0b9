"""The feeds admins manage (/feeds, /feed_add, /feed_remove), for handlers (OPML
import and export: bot.ingest.feed_admin)."""

from __future__ import annotations

from collections.abc import Sequence

from storage import feeds
from storage.db import Database
from storage.feeds import PUBLISH, REVIEW, Feed, FeedExists

__all__ = ["PUBLISH", "REVIEW", "Feed", "FeedAdmin", "FeedExists"]


class FeedAdmin:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list_all(self) -> list[Feed]:
        return await feeds.list_all(self.db)

    async def add(
        self,
        url: str,
        *,
        topics: Sequence[str],
        review: bool,
        added_by: int | None,
        interval_s: float | None = None,
        backlog: str | None = None,
    ) -> Feed:
        """Raises FeedExists for a URL already polled."""
        return await feeds.add(
            self.db,
            url,
            topics=topics,
            mode=REVIEW if review else PUBLISH,
            added_by=added_by,
            interval_s=interval_s,
            backlog=backlog,
        )

    async def poll_at(self, feed_id: int, when: float) -> None:
        await feeds.poll_now(self.db, feed_id, now=when)

    async def remove(self, feed_id: int) -> bool:
        return await feeds.remove(self.db, feed_id)

"""The feeds admins manage (/feeds, /feed_add, /feed_remove, /feeds_import,
/feeds_export), for handlers: storage, polling and OPML (bot.ingest.feed_admin) behind
one object, so a handler never holds the database."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import httpx

from bot.ingest import feed_admin
from bot.ingest.feed_admin import ImportSummary
from bot.ingest.feeds import PollResult, poll_feed
from bot.stories import StoryService
from storage import feeds
from storage.db import Database
from storage.feeds import PUBLISH, REVIEW, Feed, FeedExists

__all__ = ["PUBLISH", "REVIEW", "Feed", "FeedAdmin", "FeedExists", "ImportSummary", "PollResult"]


class FeedAdmin:
    def __init__(self, db: Database, stories: StoryService, http: httpx.AsyncClient) -> None:
        self.db = db
        self.stories = stories
        self.http = http

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

    async def poll(self, feed: Feed, *, interval_s: float) -> PollResult:
        """One poll now (the first, right after /feed_add)."""
        return await poll_feed(self.db, feed, self.stories, client=self.http, interval_s=interval_s)

    async def import_opml(
        self, data: bytes, *, known_topics: Collection[str], added_by: int | None
    ) -> ImportSummary:
        """OpmlError when it is not OPML; every address is checked with the bot's client."""
        return await feed_admin.import_opml(
            self.db, data, known_topics=known_topics, added_by=added_by, client=self.http
        )

    async def export_opml(self) -> str:
        return await feed_admin.export_opml(self.db)

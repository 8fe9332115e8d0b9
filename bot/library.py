"""Stored stories for readers: one story, the latest ones, and saved search queries
(a search page button carries a short key instead of the query)."""

from __future__ import annotations

from bot.domain import Article, Story
from storage import articles, search_keys
from storage.db import Database


class StoryLibrary:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, article_id: int) -> Article | None:
        return await articles.get(self.db, article_id)

    async def latest(self, *, topic: str | None = None, limit: int = 10) -> list[Article]:
        return await articles.latest(self.db, topic=topic, limit=limit)

    async def latest_stories(self, *, topic: str | None = None, limit: int = 10) -> list[Story]:
        """One entry per story (its tellings folded), newest first by the date shown."""
        return await articles.latest_stories(self.db, topic=topic, limit=limit)

    async def save_query(self, query: str) -> str:
        return await search_keys.save(self.db, query)

    async def load_query(self, key: str) -> str | None:
        return await search_keys.load(self.db, key)

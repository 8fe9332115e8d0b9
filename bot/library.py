"""Stored stories for readers: one story, the latest ones, search and "more like this"
(bot.search), and saved search queries (a search page button carries a short key
instead of the query)."""

from __future__ import annotations

from bot.domain import Article, Story
from bot.search.engine import SearchHit, SearchPage, in_other_languages, search
from bot.search.similar import more_like
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

    async def search(self, query: str, *, limit: int, offset: int = 0) -> SearchPage:
        """Any text: never raises on it (the page's status says what became of it)."""
        return await search(self.db, query, limit=limit, offset=offset)

    async def in_other_languages(self, query: str) -> list[tuple[str, str, int]]:
        """(language, translated query, stories found): offered when a search found none."""
        return await in_other_languages(self.db, query)

    async def more_like(self, article: Article) -> list[SearchHit]:
        return await more_like(self.db, article)

    async def save_query(self, query: str) -> str:
        return await search_keys.save(self.db, query)

    async def load_query(self, key: str) -> str | None:
        return await search_keys.load(self.db, key)

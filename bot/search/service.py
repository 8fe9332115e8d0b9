"""Keyword watches for handlers: validate, store, and keep the in-memory matcher in step.

Wire once at start-up:  watches = WatchService(db); await watches.load();
StoryService(db, match_watches=watches.match).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.news.model import Analysis
from bot.search.query import NoteKind, Query, parse
from bot.search.watch import WatchMatcher
from storage import watches as store
from storage.articles import WatchRecipient
from storage.db import Database
from storage.watches import Watch

__all__ = ["MAX_PER_CHAT", "MAX_QUERY_CHARS", "AddResult", "AddStatus", "Watch", "WatchService"]

MAX_PER_CHAT = 20
MAX_QUERY_CHARS = 200


class AddStatus(StrEnum):
    ADDED = "added"
    EMPTY = "empty"  # no word or phrase: nothing to watch for
    TOO_LONG = "too_long"  # over MAX_QUERY_CHARS or bot.search.query.MAX_TERMS terms
    TOO_MANY = "too_many"  # the chat has MAX_PER_CHAT watches
    DUPLICATE = "duplicate"
    UNKNOWN_CHAT = "unknown_chat"  # chats.touch() first


@dataclass(frozen=True, slots=True)
class AddResult:
    status: AddStatus
    query: Query
    watch: Watch | None = None


class WatchService:
    def __init__(self, db: Database, matcher: WatchMatcher | None = None) -> None:
        self.db = db
        self.matcher = matcher or WatchMatcher()

    async def load(self) -> int:
        """Read every watch into the matcher (start-up, or after chats.migrate).
        Returns how many."""
        self.matcher = WatchMatcher(await store.all_watches(self.db))
        return len(self.matcher)

    async def add(self, chat_id: int, text: str) -> AddResult:
        query = parse(text)
        canonical = query.text()
        if query.is_empty:
            return AddResult(AddStatus.EMPTY, query)
        truncated = any(n.kind is NoteKind.TRUNCATED for n in query.notes)
        if truncated or len(canonical) > MAX_QUERY_CHARS:
            return AddResult(AddStatus.TOO_LONG, query)
        existing = await store.of_chat(self.db, chat_id)
        if any(w.query == canonical for w in existing):
            return AddResult(AddStatus.DUPLICATE, query)
        if len(existing) >= MAX_PER_CHAT:
            return AddResult(AddStatus.TOO_MANY, query)
        watch = await store.add(self.db, chat_id, canonical)
        if watch is None:
            return AddResult(AddStatus.UNKNOWN_CHAT, query)
        self.matcher.add(watch)
        return AddResult(AddStatus.ADDED, query, watch)

    async def of_chat(self, chat_id: int) -> list[Watch]:
        return await store.of_chat(self.db, chat_id)

    async def remove(self, chat_id: int, watch_id: int) -> bool:
        removed = await store.remove(self.db, chat_id, watch_id)
        if removed:
            self.matcher.remove(watch_id)
        return removed

    def match(self, analysis: Analysis) -> list[WatchRecipient]:
        """StoryService's `match_watches`."""
        return self.matcher.match(analysis)

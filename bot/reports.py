"""Delivery statistics and /retry, for admins."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from storage import chats, outbox, subscriptions
from storage.chats import HOLD_S
from storage.db import Database
from storage.outbox import ArticleStats

__all__ = ["ArticleStats", "Blocked", "DeliveryReports"]


@dataclass(frozen=True, slots=True)
class Blocked:
    """Readers who blocked the bot, and the messages held for them should they return."""

    readers: int
    held_messages: int
    held_readers: int
    hold_hours: int = HOLD_S // 3600


class DeliveryReports:
    def __init__(self, db: Database, *, on_queued: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.on_queued = on_queued

    async def recent(self, *, limit: int = 5) -> list[ArticleStats]:
        return await outbox.stats(self.db, limit=limit)

    async def failure_reasons(self, *, limit: int = 5) -> list[tuple[str, int]]:
        return await outbox.failure_reasons(self.db, limit=limit)

    async def readers_per_topic(self) -> dict[str, int]:
        return await subscriptions.count_by_topic(self.db)

    async def sent_per_hour(self, *, since: float) -> list[tuple[float, int]]:
        return await outbox.sent_per_hour(self.db, since=since)

    async def blocked(self, *, article_id: int | None = None) -> Blocked:
        held, held_readers = await outbox.held_for_blocked(
            self.db, since=time.time() - HOLD_S, article_id=article_id
        )
        return Blocked(await chats.blocked_count(self.db), held, held_readers)

    async def retry_failed(self, *, article_id: int | None = None) -> int:
        """Queue failed messages again (of one story, or all); returns how many."""
        count = await outbox.retry_failed(self.db, article_id=article_id)
        self.on_queued()
        return count

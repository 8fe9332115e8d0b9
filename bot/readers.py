"""Readers (chats) and the topics they follow, for handlers: a chat's record, its
language and delivery settings, its topic subscriptions."""

from __future__ import annotations

from collections.abc import Callable

from storage import chats, subscriptions
from storage.chats import Chat
from storage.db import Database

__all__ = ["Chat", "ReaderService"]


class ReaderService:
    def __init__(self, db: Database, *, on_released: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.on_released = on_released  # held rows became due: wake delivery

    async def touch(self, chat_id: int, *, chat_type: str, telegram_language: str | None) -> None:
        """Remember a chat that wrote; a reader back after blocking the bot gets the
        stories held for them (queued in the last 48 h)."""
        released = await chats.touch(
            self.db, chat_id, chat_type=chat_type, telegram_language=telegram_language
        )
        if released:
            self.on_released()

    async def get(self, chat_id: int) -> Chat | None:
        return await chats.get(self.db, chat_id)

    async def set_language(self, chat_id: int, language: str) -> None:
        await chats.set_language(self.db, chat_id, language)

    async def update_settings(self, chat_id: int, **values: str | None) -> Chat | None:
        """New delivery settings; rows held for the old ones may be due now."""
        await chats.update_settings(self.db, chat_id, **values)
        self.on_released()
        return await chats.get(self.db, chat_id)

    async def topics_of(self, chat_id: int) -> list[str]:
        return await subscriptions.topics_of(self.db, chat_id)

    async def follow(self, chat_id: int, topic_id: str) -> bool:
        return await subscriptions.add(self.db, chat_id, topic_id)

    async def unfollow(self, chat_id: int, topic_id: str) -> bool:
        return await subscriptions.remove(self.db, chat_id, topic_id)

    async def count_by_topic(self) -> dict[str, int]:
        return await subscriptions.count_by_topic(self.db)

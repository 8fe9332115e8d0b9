"""Previews of /push URL / file / forwarded stories waiting for the admin's
Publish / Change topics / Cancel, for handlers. Stored, so they survive a restart."""

from __future__ import annotations

from collections.abc import Sequence

from bot.stories import Draft
from storage import previews
from storage.db import Database
from storage.previews import Preview
from storage.seen import Key

__all__ = ["Key", "Preview", "PreviewService"]


class PreviewService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(
        self, chat_id: int, draft: Draft, *, topics: Sequence[str], keys: Sequence[Key]
    ) -> Preview:
        preview_id = await previews.add(
            self.db,
            chat_id=chat_id,
            title=draft.title,
            text=draft.text,
            url=draft.url,
            source=draft.source,
            published=draft.published,
            topics=topics,
            keys=keys,
        )
        found = await previews.get(self.db, preview_id)
        assert found is not None
        return found

    async def get(self, preview_id: int) -> Preview | None:
        return await previews.get(self.db, preview_id)

    async def set_topics(self, preview_id: int, topics: Sequence[str]) -> Preview | None:
        await previews.set_topics(self.db, preview_id, topics)
        return await previews.get(self.db, preview_id)

    async def take(self, preview_id: int) -> Preview | None:
        """Remove and return it (one Publish or Cancel wins when pressed twice)."""
        return await previews.take(self.db, preview_id)

    async def put_back(self, preview: Preview) -> None:
        await previews.put_back(self.db, preview)

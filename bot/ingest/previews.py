"""Review of /push URL / file / forwarded stories before they reach readers: a preview
is opened, its topics toggled, then published or cancelled. Stored, so a preview
survives a restart. Each step returns a status (like WatchService), handlers only
word it.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.ingest import store
from bot.stories import Draft, Published, StoryService
from storage import previews
from storage.db import Database
from storage.previews import Preview
from storage.seen import Key, Seen

__all__ = ["Key", "Preview", "PreviewService", "ReviewResult", "ReviewStatus", "Seen"]


class ReviewStatus(StrEnum):
    OK = "ok"
    GONE = "gone"  # published or cancelled already (a second tap)
    UNKNOWN_TOPIC = "unknown_topic"  # the topic no longer exists
    ALREADY = "already"  # the story was taken in meanwhile (another path)


@dataclass(frozen=True, slots=True)
class ReviewResult:
    status: ReviewStatus
    preview: Preview | None = None
    published: Published | None = None
    earlier: Seen | None = None  # for ALREADY: the story it was taken in as


class PreviewService:
    def __init__(self, db: Database, stories: StoryService) -> None:
        self.db = db
        self.stories = stories

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
            image=draft.image,
        )
        found = await previews.get(self.db, preview_id)
        assert found is not None
        return found

    async def already(self, keys: Sequence[Key]) -> Seen | None:
        """The earlier item any of `keys` belongs to (None: a new story, preview it)."""
        return await store.already(self.db, keys)

    async def get(self, preview_id: int) -> Preview | None:
        return await previews.get(self.db, preview_id)

    async def toggle_topic(
        self, preview_id: int, topic: str, *, known: Container[str]
    ) -> ReviewResult:
        preview = await previews.get(self.db, preview_id)
        if preview is None:
            return ReviewResult(ReviewStatus.GONE)
        if topic not in known:
            return ReviewResult(ReviewStatus.UNKNOWN_TOPIC, preview)
        chosen = (
            tuple(t for t in preview.topics if t != topic)
            if topic in preview.topics
            else (*preview.topics, topic)
        )
        await previews.set_topics(self.db, preview_id, chosen)
        return ReviewResult(ReviewStatus.OK, await previews.get(self.db, preview_id) or preview)

    async def cancel(self, preview_id: int) -> ReviewResult:
        taken = await previews.take(self.db, preview_id)
        return ReviewResult(ReviewStatus.OK if taken else ReviewStatus.GONE, taken)

    async def publish(self, preview_id: int) -> ReviewResult:
        preview = await previews.get(self.db, preview_id)
        if preview is None:
            return ReviewResult(ReviewStatus.GONE)
        # No topic is allowed: keyword watches may still match, and the admin's reply
        # says when nobody got it.
        # Taken out first: a second tap finds nothing instead of publishing twice.
        taken = await previews.take(self.db, preview_id)
        if taken is None:
            return ReviewResult(ReviewStatus.GONE)
        draft = Draft(
            text=taken.text,
            title=taken.title,
            url=taken.url,
            source=taken.source,
            published=taken.published,
            topics=taken.topics,
            image=taken.image,
        )
        try:
            published = await store.publish_once(
                self.db, self.stories, draft, keys=list(taken.keys)
            )
        except BaseException:
            await previews.put_back(self.db, taken)  # still there to try again
            raise
        if published is None:
            earlier = await store.already(self.db, taken.keys)
            return ReviewResult(ReviewStatus.ALREADY, taken, earlier=earlier)
        return ReviewResult(ReviewStatus.OK, taken, published)

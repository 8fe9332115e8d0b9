"""The review queue of review-mode feeds (/drafts, `main.py feed drafts`): open the
waiting drafts, choose a draft's topics, publish or cancel it. Each step returns a
status, like the /push previews (bot.ingest.previews), and handlers only word it.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from bot.ingest import store
from bot.ingest.previews import ReviewStatus
from bot.stories import Draft, Published, StoryService
from storage import feeds, seen
from storage.db import Database
from storage.feeds import FeedDraft

__all__ = ["DraftResult", "FeedDraft", "FeedDraftReview", "ReviewStatus"]


@dataclass(frozen=True, slots=True)
class DraftResult:
    status: ReviewStatus
    draft: FeedDraft | None = None
    published: Published | None = None


def as_draft(item: FeedDraft) -> Draft:
    return Draft(
        text=item.text,
        title=item.title,
        url=item.url,
        source=item.source,
        published=item.published,
        topics=item.topics,
        image=item.image,
    )


class FeedDraftReview:
    def __init__(self, db: Database, stories: StoryService) -> None:
        self.db = db
        self.stories = stories

    async def open(self, *, feed_id: int | None = None, limit: int = 50) -> list[FeedDraft]:
        """The drafts waiting for review, oldest first."""
        return await feeds.drafts(self.db, feed_id=feed_id, limit=limit)

    async def get(self, draft_id: int) -> FeedDraft | None:
        return await feeds.get_draft(self.db, draft_id)

    async def toggle_topic(
        self, draft_id: int, topic: str, *, known: Container[str]
    ) -> DraftResult:
        """The draft with `topic` added or taken out (empty: the analysis chooses)."""
        item = await feeds.get_draft(self.db, draft_id)
        if item is None:
            return DraftResult(ReviewStatus.GONE)
        if topic not in known:
            return DraftResult(ReviewStatus.UNKNOWN_TOPIC, item)
        chosen = (
            tuple(t for t in item.topics if t != topic)
            if topic in item.topics
            else (*item.topics, topic)
        )
        if not await feeds.set_draft_topics(self.db, draft_id, chosen):
            return DraftResult(ReviewStatus.GONE)
        return DraftResult(ReviewStatus.OK, await feeds.get_draft(self.db, draft_id) or item)

    async def publish(self, draft_id: int) -> DraftResult:
        """Publish a waiting draft with its topics (none: the analysis' own)."""
        item = await feeds.get_draft(self.db, draft_id)
        if item is None:
            return DraftResult(ReviewStatus.GONE)
        draft = as_draft(item)
        # Delete first: a second tap on "publish" finds nothing instead of publishing twice.
        if not await feeds.delete_draft(self.db, draft_id):
            return DraftResult(ReviewStatus.GONE)
        published = await store.publish_draft(self.stories, draft, deliver=True)
        await seen.mark(self.db, item.keys, article_id=published.article_id, feed_id=item.feed_id)
        return DraftResult(ReviewStatus.OK, item, published)

    async def cancel(self, draft_id: int) -> DraftResult:
        """Discard a draft; its keys stay seen, so the feed does not bring it back."""
        item = await feeds.get_draft(self.db, draft_id)
        if item is None or not await feeds.delete_draft(self.db, draft_id):
            return DraftResult(ReviewStatus.GONE)
        return DraftResult(ReviewStatus.OK, item)

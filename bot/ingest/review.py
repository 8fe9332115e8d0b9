"""The review queue of review-mode feeds: list, publish or drop what they brought."""

from __future__ import annotations

from dataclasses import replace

from bot.ingest import store
from bot.stories import Draft, Published, StoryService
from storage import feeds, seen
from storage.db import Database
from storage.feeds import FeedDraft


async def pending(db: Database, *, feed_id: int | None = None, limit: int = 50) -> list[FeedDraft]:
    return await feeds.drafts(db, feed_id=feed_id, limit=limit)


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


async def publish(
    db: Database, service: StoryService, draft_id: int, *, topics: tuple[str, ...] | None = None
) -> Published | None:
    """Publish a waiting draft (None when it is gone: published or dropped already)."""
    item = await feeds.get_draft(db, draft_id)
    if item is None:
        return None
    draft = as_draft(item)
    if topics is not None:
        draft = replace(draft, topics=topics)
    # Delete first: a second tap on "publish" finds nothing instead of publishing twice.
    if not await feeds.delete_draft(db, draft_id):
        return None
    published = await store.publish_draft(service, draft, deliver=True)
    await seen.mark(db, item.keys, article_id=published.article_id, feed_id=item.feed_id)
    return published


async def drop(db: Database, draft_id: int) -> bool:
    """Discard a draft; its keys stay seen, so the feed does not bring it back."""
    return await feeds.delete_draft(db, draft_id)

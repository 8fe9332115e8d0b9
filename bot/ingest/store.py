"""Publishing an ingested draft once: the seen keys are checked before and marked after.

The keys are marked only after StoryService stored the story, so a failure in
between leaves the item to be tried again rather than lost.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.stories import Draft, Published, StoryService
from storage import seen
from storage.db import Database
from storage.seen import Key, Seen


async def already(db: Database, keys: Sequence[Key]) -> Seen | None:
    """The earlier item any of `keys` belongs to, or None when the item is new."""
    return await seen.find(db, keys) if keys else None


async def publish_draft(service: StoryService, draft: Draft, *, deliver: bool) -> Published:
    """deliver=False stores the story (searchable, in /latest) without alerting readers:
    backfills and `ingest` without --publish."""
    return await service.publish(draft, deliver=deliver)


async def publish_once(
    db: Database,
    service: StoryService,
    draft: Draft,
    *,
    keys: Sequence[Key],
    feed_id: int | None = None,
    deliver: bool = True,
) -> Published | None:
    """Publish unless one of `keys` was taken in before (then None)."""
    if await already(db, keys):
        return None
    published = await publish_draft(service, draft, deliver=deliver)
    await seen.mark(db, keys, article_id=published.article_id, feed_id=feed_id)
    return published

"""The wiring factory: every entry point (the bot, the CLI, the harness) gets its
services from `build_services`, so a story published from a shell meets the same
topics and keyword watches as one pushed in Telegram.

Telegram and the delivery worker are added by bot.app; handlers and jobs import this
module, never bot.app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.config import Settings
from bot.corrections import CorrectionService
from bot.destinations import DestinationService
from bot.ingest.feed_service import FeedAdmin
from bot.ingest.guard import http_client
from bot.ingest.previews import PreviewService
from bot.ingest.review import FeedDraftReview
from bot.library import StoryLibrary
from bot.readers import ReaderService
from bot.reports import DeliveryReports
from bot.search.index import reindex
from bot.search.service import WatchService
from bot.stories import StoryService
from bot.topics import TopicCatalog
from storage.backends import open_database
from storage.db import Database


class Signal:
    """Listeners to call when something happened (stories queued: wake delivery)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], object]] = []

    def connect(self, listener: Callable[[], object]) -> None:
        self._listeners.append(listener)

    def __call__(self) -> None:
        for listener in self._listeners:
            listener()


@dataclass
class Services:
    settings: Settings
    db: Database
    topics: TopicCatalog
    watches: WatchService
    stories: StoryService
    http: httpx.AsyncClient  # one pool for URL and feed fetching
    readers: ReaderService
    library: StoryLibrary
    reports: DeliveryReports
    feeds: FeedAdmin
    previews: PreviewService
    destinations: DestinationService
    drafts: FeedDraftReview  # what review-mode feeds hold back
    # Corrections need the delivery worker's pacer: bot.app adds them.
    corrections: CorrectionService | None = None
    # Rows were queued or released (a publish, /retry, new settings): delivery looks now.
    queued: Signal = field(default_factory=Signal)

    async def close(self) -> None:
        await self.http.aclose()
        await self.db.close()


async def build_services(settings: Settings) -> Services:
    """Open (and migrate) the database and wire topics, watches and the story service
    with keyword matching. The caller closes it (`await services.close()`)."""
    db = await open_database(settings.database_url or settings.database_path)
    db.fanout_batch = settings.fanout_batch
    try:
        await reindex(db)  # stories stored before search existed become searchable
        watches = WatchService(db)
        await watches.load()
    except BaseException:
        await db.close()
        raise
    queued = Signal()
    stories = StoryService(db, on_queued=queued, match_watches=watches.match)
    http = http_client(allow_private=settings.allow_private_urls)
    readers = ReaderService(db, on_released=queued)
    return Services(
        settings,
        db,
        TopicCatalog.load(),
        watches,
        stories,
        http,
        readers=readers,
        library=StoryLibrary(db),
        reports=DeliveryReports(db, on_queued=queued),
        feeds=FeedAdmin(db, stories, http),
        previews=PreviewService(db, stories),
        destinations=DestinationService(
            db, readers, watches, default_language=settings.default_language
        ),
        drafts=FeedDraftReview(db, stories),
        queued=queued,
    )


def services(context: Any) -> Services:
    """The services of a running bot, from a handler's or job's context."""
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found

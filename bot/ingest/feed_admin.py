"""Feed management shared by the CLI and the bot: OPML import and export."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import httpx

from bot.ingest.feed_options import DEFAULT_BACKLOG
from bot.ingest.fetch import FetchError, check_destination, check_url
from bot.ingest.opml import OpmlFeed, read_opml, write_opml
from storage import feeds
from storage.db import Database


@dataclass(slots=True)
class ImportSummary:
    added: list[feeds.Feed] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # URLs polled already
    refused: list[tuple[str, str]] = field(default_factory=list)  # (URL, FetchError code)


async def import_opml(
    db: Database,
    data: bytes,
    *,
    known_topics: Collection[str],
    added_by: int | None = None,
    client: httpx.AsyncClient | None = None,
    now: float | None = None,
) -> ImportSummary:
    """Add every feed of an OPML file (OpmlError if it is not one). A feed's categories
    that are topic ids become its topics; each new feed gets the default backlog, so an
    import does not flood readers with old entries."""
    summary = ImportSummary()
    for item in read_opml(data):
        try:
            # With the bot's client, where the URL leads is checked too (no intranet).
            if client is not None:
                await check_destination(item.url, client)
            else:
                check_url(item.url)
        except FetchError as error:
            summary.refused.append((item.url, error.code))
            continue
        topics = tuple(c for c in item.categories if c in known_topics)
        try:
            feed = await feeds.add(
                db,
                item.url,
                topics=topics,
                added_by=added_by,
                backlog=DEFAULT_BACKLOG,
                now=now,
            )
        except feeds.FeedExists:
            summary.existing.append(item.url)
            continue
        summary.added.append(feed)
    return summary


async def export_opml(db: Database, *, now: float | None = None) -> str:
    """Every polled feed; its topics are written as the outline's categories."""
    stored = await feeds.list_all(db)
    return write_opml([OpmlFeed(f.url, f.title, f.topics) for f in stored], now=now)

"""Polling feeds (RSS 0.9x-2.0, Atom, RSS 1.0, JSON Feed): conditional GET, new entries →
full article → StoryService (or the review queue), exponential backoff with one report
per outage."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from bot.ingest import store
from bot.ingest.drafts import draft_from_url
from bot.ingest.extract import ExtractError, clean_paragraphs
from bot.ingest.feed_options import DEFAULT_BACKLOG
from bot.ingest.feedread import Entry, parse_feed
from bot.ingest.fetch import FetchError, fetch
from bot.ingest.images import allows_private, image_url
from bot.ingest.keys import item_keys
from bot.ingest.schedule import next_interval, retry_after_s
from bot.stories import Draft, StoryError, StoryService
from storage import feeds, seen
from storage.db import Database
from storage.feeds import Feed

log = logging.getLogger(__name__)

INTERVAL_S = 600
MAX_BACKOFF_S = 6 * 3600
REPORT_AFTER_FAILURES = 2  # one blip is not an outage; the second failure in a row is
MAX_ENTRIES_PER_POLL = 20
FEED_MAX_BYTES = 5 * 1024 * 1024
ARTICLE_TIMEOUT_S = 15.0
MIN_FALLBACK_CHARS = 200  # a feed summary shorter than this is a teaser, not a story
BACKLOG_NEXT_S = 60.0  # entries left over: the next poll comes this soon


@dataclass(frozen=True, slots=True)
class PollResult:
    feed_id: int
    url: str
    published: tuple[int, ...] = ()  # article ids stored now (follow-ups included)
    reviewed: tuple[int, ...] = ()  # feed_drafts ids waiting for an admin
    skipped: int = 0  # entries taken in before
    failed_entries: int = 0  # entries whose article could not be read this time
    not_modified: bool = False  # 304: nothing fetched, nothing parsed
    error: str | None = None  # FetchError code or "bad_feed"; None when the poll worked
    error_detail: str = ""
    failures: int = 0  # consecutive failed polls
    report: bool = False  # tell admins now: this outage has not been reported yet
    recovered: bool = False  # a reported outage is over: worth telling admins too
    next_poll_at: float = 0.0
    entry_errors: list[str] = field(default_factory=list)
    marked_read: int = 0  # a new feed's earlier entries, taken as read (its backlog policy)
    backlog_left: int = 0  # new entries beyond this poll's window: the next polls read them


def backoff_s(failures: int, interval_s: float) -> float:
    """Wait after the n-th failure in a row: the interval doubled each time, capped."""
    return float(min(interval_s * 2 ** max(failures, 0), max(MAX_BACKOFF_S, interval_s)))


def _entry_text(entry: Entry) -> str:
    """The entry's own text (content:encoded, Atom content, or summary) as plain lines."""
    from bot.news.clean import html_to_text

    best = entry.body
    if not best.strip():
        return ""
    if "<" in best:
        best = html_to_text(f"<html><body><article>{best}</article></body></html>") or ""
    return "\n\n".join(clean_paragraphs(best.splitlines()))


def entry_keys(entry: Entry, feed_id: int, urls: list[str] | None = None) -> list[seen.Key]:
    """What an entry is remembered by: its URLs and GUID, else (RSS 0.9x items may have
    neither) the hash of its title and text."""
    return item_keys(
        urls=urls if urls is not None else [entry.link],
        guid=entry.guid,
        feed_id=feed_id,
        text=f"{entry.title or ''}\n{entry.body}",
    )


async def _entry_draft(
    entry: Entry, feed: Feed, client: httpx.AsyncClient, feed_title: str | None
) -> tuple[Draft, list[str]]:
    """The full article behind the entry; the entry's own text when the page fails."""
    link = entry.link
    published = entry.published
    title = entry.title
    if link:
        try:
            got = await draft_from_url(
                link, client=client, timeout=ARTICLE_TIMEOUT_S, image=entry.image
            )
        except (FetchError, ExtractError) as error:
            fallback = await asyncio.to_thread(_entry_text, entry)
            if len(fallback) < MIN_FALLBACK_CHARS:
                raise
            log.info("feed %s: %s; using the entry text", feed.id, error)
        else:
            draft = got.draft
            return (
                Draft(
                    text=draft.text,
                    title=draft.title or title,
                    url=draft.url,
                    source=draft.source or feed_title,
                    published=published or draft.published,
                    topics=feed.topics,
                    image=draft.image,
                ),
                [link, *(url for _, url in got.keys)],
            )
    else:
        fallback = await asyncio.to_thread(_entry_text, entry)
    draft = Draft(
        text=fallback,
        title=title,
        url=link,
        source=feed_title,
        published=published,
        topics=feed.topics,
        image=image_url(entry.image, allow_private=allows_private(client)),
    )
    return draft, [link] if link else []


def oldest_first(entries: Sequence[Entry]) -> list[Entry]:
    """Feeds list newest first, mostly; dates decide when every entry has one, and the
    feed's order (reversed) among equal dates."""
    backwards = list(reversed(entries))
    if backwards and all(e.published for e in backwards):
        return sorted(backwards, key=lambda e: e.published.timestamp() if e.published else 0.0)
    return backwards


def backlog_keep(policy: str, fresh: int) -> int:
    """How many of a new feed's `fresh` entries its backlog policy reads (the newest)."""
    if policy in (feeds.BACKLOG_ALL, feeds.BACKLOG_REVIEW):
        return fresh
    if policy == feeds.BACKLOG_NONE:
        return 0
    return min(int(policy if policy.isdigit() else DEFAULT_BACKLOG), fresh)


@dataclass(slots=True)
class _Tally:
    published: list[int] = field(default_factory=list)
    reviewed: list[int] = field(default_factory=list)
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


async def poll_feed(
    db: Database,
    feed: Feed,
    service: StoryService,
    *,
    client: httpx.AsyncClient,
    now: float | None = None,
    interval_s: float = INTERVAL_S,
    max_entries: int = MAX_ENTRIES_PER_POLL,
) -> PollResult:
    """One poll of one feed; its state (validators, next poll, failures, backlog) is
    saved. At most `max_entries` new entries are read; the rest wait for the next polls."""
    now = time.time() if now is None else now
    interval_s = feed.interval_s or interval_s
    try:
        fetched = await fetch(
            feed.url,
            client=client,
            etag=feed.etag,
            last_modified=feed.last_modified,
            accept=None,  # the content says whether it is a feed, not the label
            max_bytes=FEED_MAX_BYTES,
        )
    except FetchError as error:
        wait = retry_after_s(error.retry_after, now=now)
        return await _failed(db, feed, error.code, error.detail, now, interval_s, wait)
    if fetched.not_modified:
        next_at = now + next_interval(interval_s, fetched.headers)
        await feeds.mark_ok(
            db,
            feed.id,
            now=now,
            next_poll_at=next_at,
            etag=fetched.etag or feed.etag,
            last_modified=fetched.last_modified or feed.last_modified,
            backlog_review=feed.backlog_review,
        )
        return PollResult(
            feed.id,
            feed.url,
            not_modified=True,
            recovered=feed.error_reported,
            next_poll_at=next_at,
        )

    parsed = await asyncio.to_thread(
        parse_feed, fetched.content, url=fetched.url, headers=fetched.headers
    )
    usable = [e for e in parsed.entries if e.link or e.guid]
    # The lenient parser salvages scraps from broken XML; without a link or id they are
    # nothing to publish, so a broken feed with only scraps is a failed poll.
    if not usable and (parsed.bozo or not parsed.version):
        return await _failed(db, feed, "bad_feed", parsed.error or "not a feed", now, interval_s)

    tally = _Tally()
    fresh: list[tuple[Entry, list[seen.Key]]] = []
    for entry in oldest_first(parsed.entries):
        keys = entry_keys(entry, feed.id)
        if not keys or await store.already(db, keys):
            tally.skipped += 1  # taken in before, or nothing to remember it by
        else:
            fresh.append((entry, keys))
    marked_read = 0
    review_backlog = feed.backlog_review
    if feed.backlog is not None:  # the first read of a new feed: its backlog policy
        keep = backlog_keep(feed.backlog, len(fresh))
        earlier, fresh = fresh[: len(fresh) - keep], fresh[len(fresh) - keep :]
        for _entry, keys in earlier:
            await seen.mark(db, keys, article_id=None, feed_id=feed.id)
        marked_read = len(earlier)
        review_backlog = feed.backlog == feeds.BACKLOG_REVIEW
    window, left = fresh[:max_entries], len(fresh) - min(len(fresh), max_entries)
    review_mode = feed.mode == feeds.REVIEW or review_backlog
    for entry, keys in window:
        await _take(db, feed, service, client, entry, keys, parsed.title, review_mode, tally)

    # Entries left over are read by the next polls, soon; the validators are not kept
    # meanwhile, or an unchanged feed would answer 304 and hide them.
    wait = next_interval(interval_s, fetched.headers, parsed.ttl_s)
    next_at = now + (BACKLOG_NEXT_S if left else wait)
    await feeds.mark_ok(
        db,
        feed.id,
        now=now,
        next_poll_at=next_at,
        etag=None if left else fetched.etag,
        last_modified=None if left else fetched.last_modified,
        title=parsed.title,
        backlog_review=review_backlog and left > 0,
    )
    return PollResult(
        feed.id,
        feed.url,
        published=tuple(tally.published),
        reviewed=tuple(tally.reviewed),
        skipped=tally.skipped,
        failed_entries=tally.failed,
        recovered=feed.error_reported,
        next_poll_at=next_at,
        entry_errors=tally.errors,
        marked_read=marked_read,
        backlog_left=left,
    )


async def _take(
    db: Database,
    feed: Feed,
    service: StoryService,
    client: httpx.AsyncClient,
    entry: Entry,
    keys: list[seen.Key],
    feed_title: str | None,
    review_mode: bool,
    tally: _Tally,
) -> None:
    """One new entry: its article fetched, then published or queued for review."""
    link = entry.link
    if await store.already(db, keys):  # an entry before it in this poll had its URL
        tally.skipped += 1
        return
    try:
        draft, urls = await _entry_draft(entry, feed, client, feed_title)
    except (FetchError, ExtractError) as error:
        tally.failed += 1
        tally.errors.append(f"{link}: {error}")
        if not (isinstance(error, FetchError) and error.transient):
            # A dead link stays dead: remember it instead of fetching it every poll.
            await seen.mark(db, keys, article_id=None, feed_id=feed.id)
        return
    keys = entry_keys(entry, feed.id, urls)
    if await store.already(db, keys):  # the canonical URL was taken in before
        await seen.mark(db, keys, article_id=None, feed_id=feed.id)
        tally.skipped += 1
        return
    try:
        if review_mode:
            tally.reviewed.append(await _queue_for_review(db, feed, draft, keys))
            return
        result = await store.publish_once(db, service, draft, keys=keys, feed_id=feed.id)
    except StoryError as error:
        tally.failed += 1
        tally.errors.append(f"{link}: {error.code}")
        await seen.mark(db, keys, article_id=None, feed_id=feed.id)
        return
    if result is None:
        tally.skipped += 1
    else:
        tally.published.append(result.article_id)


async def _queue_for_review(db: Database, feed: Feed, draft: Draft, keys: list[seen.Key]) -> int:
    StoryService.check(draft)
    draft_id = await feeds.add_draft(
        db,
        feed_id=feed.id,
        title=draft.title,
        text=draft.text,
        url=draft.url,
        source=draft.source,
        published=draft.published,
        topics=draft.topics,
        keys=keys,
        image=draft.image,
    )
    # Seen now (without a story) so the next poll does not queue it again.
    await seen.mark(db, keys, article_id=None, feed_id=feed.id)
    return draft_id


async def _failed(
    db: Database,
    feed: Feed,
    code: str,
    detail: str,
    now: float,
    interval_s: float,
    retry_after: float | None = None,
) -> PollResult:
    failures = feed.failures + 1
    next_at = now + max(backoff_s(failures, interval_s), retry_after or 0.0)
    report = failures >= REPORT_AFTER_FAILURES and not feed.error_reported
    error = f"{code}: {detail}" if detail else code
    await feeds.mark_failed(
        db, feed.id, now=now, next_poll_at=next_at, error=error, reported=report
    )
    log.warning("feed %s (%s) failed %d time(s): %s", feed.id, feed.url, failures, error)
    return PollResult(
        feed.id,
        feed.url,
        error=code,
        error_detail=detail,
        failures=failures,
        report=report,
        next_poll_at=next_at,
    )


async def poll_due(
    db: Database,
    service: StoryService,
    *,
    client: httpx.AsyncClient,
    now: float | None = None,
    interval_s: float = INTERVAL_S,
) -> list[PollResult]:
    """Poll every feed whose time has come (the job queue calls this every minute or so)."""
    now = time.time() if now is None else now
    results = []
    for feed in await feeds.due(db, now=now):
        try:
            result = await poll_feed(
                db, feed, service, client=client, now=now, interval_s=interval_s
            )
        except Exception as error:  # one broken feed or entry must not stop the others
            log.exception("feed %s: poll crashed", feed.id)
            own = feed.interval_s or interval_s
            result = await _failed(db, feed, "internal", type(error).__name__, now, own)
        results.append(result)
    return results

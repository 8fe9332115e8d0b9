"""Admin command line: `ingest`, `import` and `feed` (main.py registers them via add_cli).

Every command reads DATABASE_PATH through bot.config.load_settings(require_token=False),
so cron jobs and the running bot share one database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
from tqdm import tqdm

from bot.config import ConfigError, load_settings
from bot.ingest import bulk, store
from bot.ingest import feeds as feed_polling
from bot.ingest.drafts import draft_from_file, draft_from_url
from bot.ingest.extract import ExtractError, parse_date
from bot.ingest.feed_admin import export_opml, import_opml
from bot.ingest.feed_options import DEFAULT_BACKLOG, OptionError, parse_backlog, parse_every
from bot.ingest.fetch import FetchError, check_url
from bot.ingest.files import FileError
from bot.ingest.keys import item_keys
from bot.ingest.opml import OpmlError
from bot.ingest.review import FeedDraftReview, ReviewStatus
from bot.services import build_services
from bot.stories import Draft, StoryError, StoryService
from storage import backfill, feeds, seen
from storage.db import Database
from storage.seen import Key

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class Context:
    db: Database
    service: StoryService
    client: httpx.AsyncClient
    interval_s: int
    drafts: FeedDraftReview
    topic_ids: frozenset[str] = frozenset()


@asynccontextmanager
async def _context(database: Path | None, interval_s: int | None = None) -> AsyncIterator[Context]:
    settings = load_settings(require_token=False)
    if database is not None:
        settings = replace(settings, database_path=database)
    # The bot's own wiring: a story published here reaches topic and keyword readers alike.
    found = await build_services(settings)
    try:
        yield Context(
            found.db,
            found.stories,
            found.http,
            interval_s or settings.feed_interval_s,
            found.drafts,
            frozenset(t.id for t in found.topics),
        )
    finally:
        await found.close()


def _run(
    command: Callable[[argparse.Namespace], Coroutine[Any, Any, int]],
) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        try:
            return asyncio.run(command(args))
        except ConfigError as error:
            print(f"newsbot: configuration error: {error}", file=sys.stderr)
            return EXIT_CONFIG

    return handler


def _read(path: Path) -> bytes | None:
    # A CLI reading one local file: blocking is fine here.
    return path.read_bytes() if path.is_file() else None


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


# ingest URL|FILE ---------------------------------------------------------------------


async def ingest(
    target: str,
    *,
    topics: tuple[str, ...] = (),
    deliver: bool = False,
    database: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Store one story from a URL or a local file; with deliver=True also queue it for
    subscribers. Prints one summary line (or the reason it failed)."""
    async with _context(database) as ctx:
        try:
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", target):
                got = await draft_from_url(target, client=ctx.client, topics=topics)
                draft, keys = got.draft, got.keys
            else:
                data = _read(Path(target))
                if data is None:
                    _say(out, f"ingest: no such file: {target}")
                    return EXIT_FAILED
                draft = draft_from_file(Path(target).name, data, topics=topics)
                keys = item_keys(urls=[draft.url], text=draft.text)
            earlier = await store.already(ctx.db, keys)
            if earlier is not None:
                _say(out, f"ingest: already taken in (story #{earlier.article_id}): {target}")
                return EXIT_OK
            result = await store.publish_once(
                ctx.db, ctx.service, draft, keys=keys, deliver=deliver
            )
        except FetchError as error:
            _say(out, f"ingest: cannot fetch {target}: {error.code} {error.detail}".rstrip())
            return EXIT_FAILED
        except (ExtractError, FileError, StoryError) as error:
            _say(out, f"ingest: no story in {target}: {error.code}")
            return EXIT_FAILED
        if result is None:  # taken in by someone else meanwhile
            _say(out, f"ingest: already taken in: {target}")
            return EXIT_OK
        analysis = result.analysis
        follow = f", follow-up of #{result.followup_of}" if result.followup_of else ""
        _say(
            out,
            f"stored story #{result.article_id}: {analysis.title!r} [{analysis.language}] "
            f"topics={','.join(result.topics) or '-'} queued={result.queued}{follow}",
        )
        for sentence in analysis.summary:
            _say(out, f"  • {sentence}")
        return EXIT_OK


# import FILE.jsonl -------------------------------------------------------------------


def _published(record: dict[str, Any]) -> datetime | None:
    value = record.get("published") or record.get("date")
    if not isinstance(value, str | int) or not str(value).strip():
        return None
    text = str(value).strip()
    if _YEAR.match(text):
        return datetime(int(text), 1, 1, tzinfo=UTC)
    return parse_date(text)


def _record_draft(record: dict[str, Any], topics: tuple[str, ...]) -> Draft:
    def text(name: str) -> str | None:
        value = record.get(name)
        return str(value).strip() or None if value else None

    return Draft(
        text=text("text") or "",
        title=text("title"),
        url=text("url"),
        source=text("source"),
        published=_published(record),
        topics=topics,
    )


async def import_jsonl(
    path: Path,
    *,
    topics: tuple[str, ...] = (),
    database: Path | None = None,
    out: TextIO = sys.stdout,
    progress: bool = True,
    workers: int | None = None,
    stats: bulk.Stats | None = None,
) -> int:
    """Backfill from JSON lines (title, text, url, published, source). Stories are stored
    without alerting anyone; a re-run stores nothing twice (URL, else text hash).
    Analysis runs on every core (bot.ingest.bulk), writes go a batch per transaction,
    the seen keys with their stories, so an interrupted import re-run loses nothing."""
    data = _read(path)
    if data is None:
        _say(out, f"import: no such file: {path}")
        return EXIT_FAILED
    lines = data.decode("utf-8", errors="replace").splitlines()
    stored = known = failed = 0
    # Started first: the workers load their dictionaries while this process reads.
    pool = bulk.Pool(bulk.workers_for(len(lines), workers), stats)
    try:
        async with _context(database) as ctx:
            pool.start()
            bar = tqdm(
                total=len(lines), desc="import", unit="story", file=sys.stderr, disable=not progress
            )
            read: list[bulk.Item] = []
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    bar.update(1)
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not an object")
                    draft = _record_draft(record, topics)
                    keys = item_keys(urls=[draft.url], text=f"{draft.title}\n{draft.text}")
                except ValueError as error:  # JSONDecodeError is a ValueError
                    failed += 1
                    bar.write(f"import: line {number}: {error}", file=sys.stderr)
                    bar.update(1)
                    continue
                read.append(bulk.Item(number, draft, tuple(keys)))
            before = await seen.known(ctx.db, [key for item in read for key in item.keys])
            items: list[bulk.Item] = []
            taken: set[Key] = set()  # keys of this file's stories: a repeat inside it is known
            for item in read:
                if before.intersection(item.keys) or taken.intersection(item.keys):
                    known += 1
                    bar.update(1)
                    continue
                taken.update(item.keys)
                items.append(item)
            async for outcomes in pool.analysed(items):
                batch = []
                for outcome in outcomes:
                    if outcome.article is None:
                        failed += 1
                        bar.write(
                            f"import: line {outcome.item.number}: {outcome.error}", file=sys.stderr
                        )
                    else:
                        batch.append((outcome.article, outcome.item.keys))
                await backfill.store_packed(ctx.db, batch, now=time.time())
                stored += len(batch)
                bar.update(len(outcomes))
            bar.close()
    finally:
        pool.close()
    _say(out, f"import: {stored} stored, {known} already there, {failed} failed ({path.name})")
    return EXIT_OK if not failed else EXIT_FAILED


# feed add|list|remove|poll|drafts|publish|drop ---------------------------------------


async def feed_add(
    url: str,
    topics: tuple[str, ...] = (),
    *,
    review_mode: bool = False,
    backlog: str = DEFAULT_BACKLOG,
    every: str | None = None,
    database: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    try:
        check_url(url)
        policy = parse_backlog(backlog)
        every_s = parse_every(every) if every else None
    except FetchError as error:
        _say(out, f"feed add: {error.code}: {url}")
        return EXIT_FAILED
    except OptionError as error:
        _say(out, f"feed add: {error.code}: {error.value}")
        return EXIT_FAILED
    async with _context(database) as ctx:
        try:
            feed = await feeds.add(
                ctx.db,
                url,
                topics=topics,
                mode=feeds.REVIEW if review_mode else feeds.PUBLISH,
                interval_s=every_s,
                backlog=policy,
            )
        except feeds.FeedExists:
            _say(out, f"feed add: already polled: {url}")
            return EXIT_FAILED
    every_text = f" every={every_s:g}s" if every_s else ""
    _say(
        out,
        f"feed #{feed.id} added: {feed.url} topics={','.join(topics) or '-'} {feed.mode}"
        f" backlog={policy}{every_text}",
    )
    return EXIT_OK


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


async def feed_import(path: Path, *, database: Path | None = None, out: TextIO = sys.stdout) -> int:
    """Add the feeds of an OPML file (each with the default backlog)."""
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as error:
        _say(out, f"feed import: cannot read {path}: {error.strerror or error}")
        return EXIT_FAILED
    async with _context(database) as ctx:
        try:
            summary = await import_opml(ctx.db, data, known_topics=ctx.topic_ids, client=ctx.client)
        except OpmlError as error:
            _say(out, f"feed import: {path} is not an OPML file we can read ({error})")
            return EXIT_FAILED
    for feed in summary.added:
        _say(out, f"feed #{feed.id} added: {feed.url} topics={','.join(feed.topics) or '-'}")
    for url, code in summary.refused:
        _say(out, f"refused ({code}): {url}")
    _say(
        out,
        f"feed import: {len(summary.added)} added, {len(summary.existing)} already polled,"
        f" {len(summary.refused)} refused",
    )
    return EXIT_OK


async def feed_export(*, database: Path | None = None, out: TextIO = sys.stdout) -> int:
    async with _context(database) as ctx:
        out.write(await export_opml(ctx.db))
    out.flush()
    return EXIT_OK


async def feed_list(*, database: Path | None = None, out: TextIO = sys.stdout) -> int:
    async with _context(database) as ctx:
        found = await feeds.list_all(ctx.db)
    if not found:
        _say(out, "no feeds")
    for feed in found:
        state = f"failing x{feed.failures}: {feed.last_error}" if feed.failures else "ok"
        _say(
            out,
            f"#{feed.id} {feed.url} [{feed.mode}] topics={','.join(feed.topics) or '-'} "
            f"next={_when(feed.next_poll_at)} {state}",
        )
    return EXIT_OK


async def feed_remove(
    feed_id: int, *, database: Path | None = None, out: TextIO = sys.stdout
) -> int:
    async with _context(database) as ctx:
        removed = await feeds.remove(ctx.db, feed_id)
    _say(out, f"feed #{feed_id} removed" if removed else f"feed remove: no feed #{feed_id}")
    return EXIT_OK if removed else EXIT_FAILED


def _describe(result: feed_polling.PollResult) -> str:
    if result.error:
        told = " (admins should be told)" if result.report else ""
        return f"#{result.feed_id} failed: {result.error} {result.error_detail}{told}".rstrip()
    if result.not_modified:
        return f"#{result.feed_id} not modified"
    parts = [f"{result.marked_read} earlier marked as read"] if result.marked_read else []
    parts.append(f"{len(result.published)} stored")
    if result.reviewed:
        parts.append(f"{len(result.reviewed)} for review")
    parts.append(f"{result.skipped} already seen")
    if result.failed_entries:
        parts.append(f"{result.failed_entries} unreadable")
    if result.backlog_left:
        parts.append(f"{result.backlog_left} left for the next polls")
    return f"#{result.feed_id} " + ", ".join(parts)


async def feed_poll(
    *,
    once: bool = True,
    everything: bool = False,
    database: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Poll due feeds (every feed with everything=True) once, or forever every minute."""
    async with _context(database) as ctx:
        while True:
            now = time.time()
            if everything:
                for feed in await feeds.list_all(ctx.db):
                    await feeds.poll_now(ctx.db, feed.id, now=now)
            results = await feed_polling.poll_due(
                ctx.db, ctx.service, client=ctx.client, now=now, interval_s=ctx.interval_s
            )
            for result in results:
                _say(out, _describe(result))
            if once:
                stored = sum(len(r.published) for r in results)
                _say(out, f"feed poll: {len(results)} feeds polled, {stored} stories stored")
                return EXIT_FAILED if any(r.error for r in results) else EXIT_OK
            await asyncio.sleep(60)


async def feed_drafts(*, database: Path | None = None, out: TextIO = sys.stdout) -> int:
    async with _context(database) as ctx:
        waiting = await ctx.drafts.open()
    if not waiting:
        _say(out, "no drafts waiting")
    for item in waiting:
        _say(out, f"draft #{item.id} (feed #{item.feed_id}): {item.title or '-'} {item.url or ''}")
    return EXIT_OK


async def feed_review(
    draft_id: int, *, publish: bool, database: Path | None = None, out: TextIO = sys.stdout
) -> int:
    async with _context(database) as ctx:
        if publish:
            published = (await ctx.drafts.publish(draft_id)).published
            done = published is not None
            message = (
                f"draft #{draft_id} published as story #{published.article_id}" if published else ""
            )
        else:
            done = (await ctx.drafts.cancel(draft_id)).status is ReviewStatus.OK
            message = f"draft #{draft_id} dropped"
    _say(out, message if done else f"no draft #{draft_id}")
    return EXIT_OK if done else EXIT_FAILED


def _reviewer(publish: bool) -> Callable[[argparse.Namespace], Coroutine[Any, Any, int]]:
    async def command(args: argparse.Namespace) -> int:
        return await feed_review(args.id, publish=publish, database=args.database)

    return command


# argparse wiring -----------------------------------------------------------------------


def _database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", type=Path, default=None, help="SQLite file (default: DATABASE_PATH)"
    )


def add_cli(subparsers: Any) -> None:
    """Register `ingest`, `import` and `feed`; each sets `handler(args) -> exit code`."""
    p = subparsers.add_parser(
        "ingest",
        help="store one story from a URL or a .txt/.md/.html file",
        description="Fetch a URL (or read a file), extract the article and store it. "
        "Without --publish nobody is alerted; with --publish subscribers get it.",
    )
    p.add_argument("target", help="http(s) URL or path to a .txt, .md or .html file")
    p.add_argument("--topic", action="append", default=[], help="topic id (repeatable)")
    p.add_argument("--publish", action="store_true", help="queue it for subscribers too")
    _database(p)
    p.set_defaults(
        handler=_run(
            lambda a: ingest(
                a.target, topics=tuple(a.topic), deliver=a.publish, database=a.database
            )
        )
    )

    p = subparsers.add_parser(
        "import",
        help="bulk backfill from a JSON-lines file",
        description="Store every record of a .jsonl file (fields title, text, url, "
        "published, source) without alerting anyone. Safe to re-run: nothing twice.",
    )
    p.add_argument("file", type=Path, help="JSON lines, one story per line")
    p.add_argument("--topic", action="append", default=[], help="topic id for every record")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--workers", type=int, help="analysis processes (default: one per core; 0: this one)"
    )
    _database(p)
    p.set_defaults(
        handler=_run(
            lambda a: import_jsonl(
                a.file,
                topics=tuple(a.topic),
                database=a.database,
                progress=not a.no_progress,
                workers=a.workers,
            )
        )
    )

    p = subparsers.add_parser(
        "feed",
        help="RSS/Atom feeds: add, list, remove, poll, review drafts",
        description="Manage the feeds the bot polls.",
    )
    feed = p.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    q = feed.add_parser("add", help="poll a feed", description="Poll an RSS/Atom feed.")
    q.add_argument("url")
    q.add_argument("topics", nargs="*", help="topic ids for its stories (default: analysed)")
    q.add_argument("--review", action="store_true", help="hold stories for an admin")
    q.add_argument(
        "--backlog",
        default=DEFAULT_BACKLOG,
        metavar="none|N|all|review",
        help="the entries the feed already holds: none, the newest N (default %(default)s),"
        " all, or all for review",
    )
    q.add_argument("--every", metavar="15m", help="poll interval (default: FEED_INTERVAL_S)")
    _database(q)
    q.set_defaults(
        handler=_run(
            lambda a: feed_add(
                a.url,
                tuple(a.topics),
                review_mode=a.review,
                backlog=a.backlog,
                every=a.every,
                database=a.database,
            )
        )
    )
    q = feed.add_parser(
        "import", help="add the feeds of an OPML file", description="Import an OPML file."
    )
    q.add_argument("file", type=Path, help="an .opml file")
    _database(q)
    q.set_defaults(handler=_run(lambda a: feed_import(a.file, database=a.database)))
    q = feed.add_parser(
        "export", help="the feeds as OPML on stdout", description="Export feeds as OPML."
    )
    _database(q)
    q.set_defaults(handler=_run(lambda a: feed_export(database=a.database)))
    q = feed.add_parser("list", help="feeds and their state", description="List feeds.")
    _database(q)
    q.set_defaults(handler=_run(lambda a: feed_list(database=a.database)))
    q = feed.add_parser("remove", help="stop polling a feed", description="Remove a feed.")
    q.add_argument("id", type=int)
    _database(q)
    q.set_defaults(handler=_run(lambda a: feed_remove(a.id, database=a.database)))
    q = feed.add_parser(
        "poll", help="poll feeds now", description="Poll due feeds (for cron: --once)."
    )
    q.add_argument("--once", action="store_true", help="one round, then exit")
    q.add_argument("--all", action="store_true", help="ignore the schedule and backoff")
    _database(q)
    q.set_defaults(
        handler=_run(lambda a: feed_poll(once=a.once, everything=a.all, database=a.database))
    )
    q = feed.add_parser("drafts", help="stories waiting for review", description="List drafts.")
    _database(q)
    q.set_defaults(handler=_run(lambda a: feed_drafts(database=a.database)))
    for action, publish in (("publish", True), ("drop", False)):
        q = feed.add_parser(
            action, help=f"{action} a review draft", description=f"{action} a draft."
        )
        q.add_argument("id", type=int)
        _database(q)
        q.set_defaults(handler=_run(_reviewer(publish)))

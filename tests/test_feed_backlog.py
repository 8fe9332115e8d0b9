"""A feed's backlog: entries beyond one poll's window are read by the next polls (oldest
first), a new feed's earlier entries are marked as read by default (backlog=none|N|all|
review chooses), per-feed intervals; the /feed_add reply says what happened."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterator
from email.utils import formatdate

import httpx
import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.ingest.feed_options import OptionError, parse_every, parse_words
from bot.ingest.feeds import BACKLOG_NEXT_S, MAX_ENTRIES_PER_POLL, poll_feed
from bot.ingest.review import FeedDraftReview
from bot.stories import StoryService
from storage import articles, feeds
from storage.db import Database
from tests.e2e import say
from tests.feed_texts import story, title
from tests.fixtures.site.server import Site
from tests.stored import reread_feed

NOW = 1_700_000_000.0
LOCAL_SETTINGS = {"allow_private_urls": True}  # the conftest `local` reaches the test site
_paths = itertools.count(1)


def feed_of(numbers: range | list[int]) -> str:
    """An RSS feed, newest first, of text-only entries (the feed's own text is the story)."""
    items = "".join(
        f"<item><title>{title(n)}</title><guid>entry-{n}</guid>"
        f"<pubDate>{formatdate(NOW - 86400 + n * 60, usegmt=True)}</pubDate>"
        f"<description>{html.escape(' '.join(story(n)))}</description></item>"
        for n in sorted(numbers, reverse=True)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    yield server
    server.stop()


def serve(site: Site, numbers: range | list[int], path: str | None = None) -> str:
    path = path or f"/backlog/{next(_paths)}.xml"
    return site.add(path, feed_of(numbers), content_type="application/rss+xml", etag='"v1"')


async def titles(db: Database, ids: tuple[int, ...]) -> list[str]:
    return [a.title for i in ids if (a := await articles.get(db, i)) and a.title]


async def test_a_long_feed_is_read_completely_over_polls(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    url = serve(site, range(1, 121))
    feed = await feeds.add(db, url, backlog=feeds.BACKLOG_ALL, now=NOW)
    service = StoryService(db)
    now, order, polls = NOW, [], 0
    while True:
        current = await feeds.get(db, feed.id)
        assert current is not None and current.next_poll_at <= now
        result = await poll_feed(db, current, service, client=client, now=now)
        polls += 1
        assert result.error is None and not result.not_modified  # validators held back
        assert len(result.published) <= MAX_ENTRIES_PER_POLL
        order += await titles(db, result.published)
        if not result.backlog_left:
            break
        assert result.next_poll_at == now + BACKLOG_NEXT_S
        now = result.next_poll_at
    assert polls == 6 and order == [title(n) for n in range(1, 121)]  # all, oldest first
    assert await articles.count(db) == 120
    # Drained: the validators are kept again, and the next poll costs a 304.
    done = await feeds.get(db, feed.id)
    assert done is not None and done.etag == '"v1"'
    again = await poll_feed(db, done, service, client=client, now=done.next_poll_at)
    assert again.not_modified


async def test_new_feed_marks_earlier_entries_read_and_publishes_the_newest(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    path = f"/backlog/{next(_paths)}.xml"
    url = serve(site, range(1, 35), path)
    feed = await feeds.add(db, url, backlog="3", now=NOW)
    service = StoryService(db)
    first = await poll_feed(db, feed, service, client=client, now=NOW)
    assert first.marked_read == 31 and first.backlog_left == 0
    assert await titles(db, first.published) == [title(n) for n in (32, 33, 34)]
    # The next poll: the 31 stay read; a new entry is published.
    site.add(path, feed_of(range(1, 36)), content_type="application/rss+xml", etag='"v2"')
    stored = await feeds.get(db, feed.id)
    assert stored is not None and stored.backlog is None
    second = await poll_feed(db, stored, service, client=client, now=NOW + 600)
    assert await titles(db, second.published) == [title(35)] and second.marked_read == 0
    assert await articles.count(db) == 4


async def test_backlog_none_and_review(db: Database, site: Site, client: httpx.AsyncClient) -> None:
    service = StoryService(db)
    quiet = await feeds.add(db, serve(site, range(200, 205)), backlog="none", now=NOW)
    result = await poll_feed(db, quiet, service, client=client, now=NOW)
    assert result.marked_read == 5 and result.published == ()

    path = f"/backlog/{next(_paths)}.xml"
    held = await feeds.add(db, serve(site, range(300, 325), path), backlog="review", now=NOW)
    first = await poll_feed(db, held, service, client=client, now=NOW)
    assert len(first.reviewed) == 20 and first.backlog_left == 5 and first.published == ()
    current = await feeds.get(db, held.id)
    assert current is not None and current.backlog_review
    second = await poll_feed(db, current, service, client=client, now=first.next_poll_at)
    assert len(second.reviewed) == 5 and second.backlog_left == 0
    assert len(await FeedDraftReview(db, service).open()) == 25 and await articles.count(db) == 0
    # The backlog is drained: new entries are published as the feed's mode says.
    site.add(path, feed_of(range(300, 326)), content_type="application/rss+xml")
    current = await feeds.get(db, held.id)
    assert current is not None and not current.backlog_review
    third = await poll_feed(db, current, service, client=client, now=second.next_poll_at)
    assert len(third.published) == 1 and third.reviewed == ()


async def test_per_feed_interval(db: Database, site: Site, client: httpx.AsyncClient) -> None:
    feed = await feeds.add(db, serve(site, [400]), interval_s=900.0, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert result.next_poll_at == NOW + 900
    default = await feeds.add(db, serve(site, [401]), now=NOW)
    other = await poll_feed(db, default, StoryService(db), client=client, now=NOW)
    assert other.next_poll_at == NOW + 600


def test_feed_add_options() -> None:
    options = parse_words(["#nato", "economy", "backlog=7", "every=15m", "review"])
    assert options.topics == ("nato", "economy") and options.review
    assert options.backlog == "7" and options.every_s == 900
    assert parse_words([]).backlog == "3" and parse_words([]).every_s is None
    assert parse_words(["backlog=ALL"]).backlog == "all"
    assert [parse_every(v) for v in ("90s", "2h", "1d", "30")] == [90, 7200, 86400, 1800]
    for bad in (["backlog=some"], ["every=5s"], ["every=9d"], ["every=soon"], ["colour=red"]):
        with pytest.raises(OptionError):
            parse_words(bad)


@pytest.mark.parametrize(
    ("language", "marked", "published"),
    [
        ("en", "8 earlier entries marked as read", "2 stories stored"),
        ("uk", "8 попередніх записів позначено прочитаними", "збережено 2 новини"),
    ],
)
async def test_feed_add_reply_says_what_happened(
    local: LocalBot, site: Site, language: str, marked: str, published: str
) -> None:
    url = serve(site, range(500, 510))
    reply = await say(
        local.sandbox, ADMIN_ID, f"/feed_add {url} backlog=2 every=2h", language_code=language
    )
    assert marked in reply.plain and published in reply.plain
    stored = await feeds.list_all(local.services.db)
    assert [(f.interval_s, f.backlog) for f in stored] == [(7200.0, None)]
    bad = await say(local.sandbox, ADMIN_ID, f"/feed_add {url}x every=often", language_code="en")
    assert "Cannot read often" in bad.plain and len(await feeds.list_all(local.services.db)) == 1


async def test_publisher_hints_are_lower_bounds(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    service = StoryService(db)
    cached = site.add(
        f"/backlog/{next(_paths)}.xml",
        feed_of([600]),
        content_type="application/rss+xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )
    feed = await feeds.add(db, cached, interval_s=900.0, now=NOW)
    assert (await poll_feed(db, feed, service, client=client, now=NOW)).next_poll_at == NOW + 3600
    with_ttl = feed_of([601]).replace("<title>F</title>", "<title>F</title><ttl>120</ttl>")
    ttl_url = site.add(f"/backlog/{next(_paths)}.xml", with_ttl, content_type="text/xml")
    feed = await feeds.add(db, ttl_url, interval_s=900.0, now=NOW)
    assert (await poll_feed(db, feed, service, client=client, now=NOW)).next_poll_at == NOW + 7200
    # A hint shorter than the feed's own interval changes nothing.
    short = site.add(
        f"/backlog/{next(_paths)}.xml",
        feed_of([602]),
        content_type="application/rss+xml",
        headers={"Cache-Control": "max-age=60"},
    )
    feed = await feeds.add(db, short, interval_s=900.0, now=NOW)
    assert (await poll_feed(db, feed, service, client=client, now=NOW)).next_poll_at == NOW + 900


async def test_retry_after_holds_a_failing_feed_back(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    url = site.add(
        f"/backlog/{next(_paths)}.xml",
        "slow down",
        content_type="text/plain",
        status=429,
        headers={"Retry-After": "7200"},
    )
    feed = await feeds.add(db, url, now=NOW)
    service = StoryService(db)
    first = await poll_feed(db, feed, service, client=client, now=NOW)
    assert first.error == "http_error" and first.next_poll_at == NOW + 7200  # backoff: 1200
    current = await reread_feed(db, feed.id)
    second = await poll_feed(db, current, service, client=client, now=first.next_poll_at)
    assert second.report and second.failures == 2  # the admins hear once, now
    current = await reread_feed(db, feed.id)
    third = await poll_feed(db, current, service, client=client, now=second.next_poll_at)
    assert not third.report and third.next_poll_at - second.next_poll_at >= 7200


def test_schedule_hints() -> None:
    from bot.ingest.schedule import max_age_s, retry_after_s

    assert max_age_s({"cache-control": "no-cache"}) is None
    assert max_age_s({"cache-control": 's-maxage=5, max-age="300"'}) == 300
    assert max_age_s({"cache-control": "max-age=99999999"}) == 24 * 3600
    assert retry_after_s("120", now=NOW) == 120
    assert retry_after_s(formatdate(NOW + 600, usegmt=True), now=NOW) == 600
    assert retry_after_s("soon", now=NOW) is None and retry_after_s(None, now=NOW) is None

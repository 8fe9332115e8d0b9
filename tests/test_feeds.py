"""Feed polling over a local site: new entries become stories once, 304 costs nothing,
failures back off and are reported once, review-mode feeds hold drafts."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.ingest.feeds import REPORT_AFTER_FAILURES, poll_due, poll_feed
from bot.ingest.review import FeedDraftReview, ReviewStatus
from bot.stories import StoryService
from storage import articles, chats, feeds, outbox, seen, subscriptions
from storage.backends import open_database
from storage.db import Database
from tests.fixtures.site.server import Item, Site, article_page, atom, rdf, rss
from tests.shared_data import corpus_records
from tests.stored import reread_feed

NOW = 1_700_000_000.0
_paths = itertools.count(1)


@pytest.fixture(scope="module")
def stories() -> list[tuple[str, list[str]]]:
    """Distinct real texts (title, paragraphs): different stories, never near-duplicates."""
    picked = []
    for record in corpus_records():
        text = str(record["text"])
        if len(text) > 1500 and record.get("title"):
            picked.append((str(record["title"]), [p for p in text.split("\n") if p.strip()]))
        if len(picked) == 8:
            break
    return picked


@pytest.fixture(scope="module")
def site(stories: list[tuple[str, list[str]]]) -> Iterator[Site]:
    server = Site().start()
    for number, (title, paragraphs) in enumerate(stories, 1):
        path = f"/articles/{number}.html"
        server.add(path, article_page(title, paragraphs, server.url(path)))
    yield server
    server.stop()


def items(
    site: Site, numbers: list[int], stories: list[tuple[str, list[str]]], **links: str
) -> list[Item]:
    return [
        Item(stories[n - 1][0], links.get(str(n), site.url(f"/articles/{n}.html")), f"guid-{n}")
        for n in numbers
    ]


def serve(site: Site, body: str, **kwargs: object) -> str:
    return site.add(
        f"/feeds/{next(_paths)}.xml", body, content_type="application/rss+xml", **kwargs
    )


async def test_three_entries_three_stories_then_none(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    await chats.touch(db, 5, telegram_language="uk")
    await subscriptions.add(db, 5, "nato")
    url = serve(site, rss(items(site, [1, 2, 3], stories)))
    feed = await feeds.add(db, url, topics=("nato",), now=NOW)
    service = StoryService(db)

    first = await poll_feed(db, feed, service, client=client, now=NOW)
    assert len(first.published) == 3 and first.error is None
    stored = [await articles.get(db, i) for i in first.published]
    assert sorted(a.title for a in stored if a) == sorted(t for t, _ in stories[:3])
    assert all(a and a.topics == ("nato",) and a.source == "Вісті Полісся" for a in stored)
    assert len(await outbox.due(db, now=NOW + 10**9)) == 3  # the subscriber gets each once

    again = await poll_feed(db, await reread_feed(db, feed.id), service, client=client, now=NOW)
    assert again.published == () and again.skipped == 3
    assert await articles.count(db) == 3


@pytest.mark.parametrize("render", [atom, rdf])
async def test_atom_and_rss1_feeds(
    db: Database,
    site: Site,
    client: httpx.AsyncClient,
    stories: list[tuple[str, list[str]]],
    render: Callable[[list[Item]], str],
) -> None:
    url = site.add(
        f"/feeds/{next(_paths)}.xml",
        render(items(site, [4], stories)),
        content_type="application/xml",
    )
    feed = await feeds.add(db, url, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert len(result.published) == 1
    stored = await articles.get(db, result.published[0])
    assert stored is not None and stored.title == stories[3][0]


async def test_not_modified_costs_nothing(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    url = serve(site, rss(items(site, [5], stories)), etag='"feed-v1"')
    feed = await feeds.add(db, url, now=NOW)
    service = StoryService(db)
    await poll_feed(db, feed, service, client=client, now=NOW)
    page_hits = site.hits["/articles/5.html"]

    feed = await reread_feed(db, feed.id)
    assert feed is not None and feed.etag == '"feed-v1"'
    result = await poll_feed(db, feed, service, client=client, now=NOW + 600)
    path = url.removeprefix(site.base)
    assert result.not_modified and result.published == ()
    assert site.conditional[path] == 1
    assert site.hits["/articles/5.html"] == page_hits  # no article fetched
    assert (await reread_feed(db, feed.id)).next_poll_at == NOW + 1200


async def test_duplicate_guids_publish_once(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    twice = [
        Item(stories[5][0], site.url("/articles/6.html"), "same-guid"),
        Item(stories[5][0] + " (оновлено)", site.url("/articles/6.html?upd=1"), "same-guid"),
    ]
    feed = await feeds.add(db, serve(site, rss(twice)), now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert len(result.published) == 1 and result.skipped == 1
    assert await articles.count(db) == 1


async def test_tracking_parameters_do_not_make_new_stories(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    base = site.url("/articles/7.html")
    # Newest first, as feeds list them; the oldest (the tracked link) is taken in first,
    # and the variants after it are recognised without being fetched.
    tracked = [
        Item(stories[6][0], base.replace("http://", "https://", 1) + "/?mc_cid=9", "t-3"),
        Item(stories[6][0], base.replace(".html", ".amp.html") + "?fbclid=XYZ#c", "t-2"),
        Item(stories[6][0], base + "?utm_source=rss&utm_medium=feed&gclid=1", "t-1"),
    ]
    feed = await feeds.add(db, serve(site, rss(tracked)), now=NOW)
    service = StoryService(db)
    result = await poll_feed(db, feed, service, client=client, now=NOW)
    assert len(result.published) == 1 and result.skipped == 2 and result.failed_entries == 0
    # Another feed linking the clean URL: already taken in.
    other = await feeds.add(db, serve(site, rss([Item("x", base, "o-1")])), now=NOW)
    assert (await poll_feed(db, other, service, client=client, now=NOW)).published == ()
    assert await articles.count(db) == 1


async def test_failures_back_off_and_are_reported_once(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    url = serve(site, "<rss><channel><title>broken</title><item><title>x</ti")
    feed = await feeds.add(db, url, now=NOW)
    service = StoryService(db)
    now, waits, reports = NOW, [], []
    for _ in range(5):
        current = await feeds.get(db, feed.id)
        assert current is not None
        result = await poll_feed(db, current, service, client=client, now=now)
        assert result.error == "bad_feed"
        waits.append(result.next_poll_at - now)
        reports.append(result.report)
        now = result.next_poll_at
    assert waits == sorted(waits) and waits[1] == 2 * waits[0]  # exponential
    assert reports.count(True) == 1 and reports[REPORT_AFTER_FAILURES - 1]
    stored = await feeds.get(db, feed.id)
    assert stored is not None and stored.failures == 5 and stored.error_reported

    # The site is fixed: the next poll works, says so, and the outage state is cleared.
    site.add(
        url.removeprefix(site.base),
        rss(items(site, [8], stories)),
        content_type="application/rss+xml",
    )
    result = await poll_feed(db, stored, service, client=client, now=now)
    assert result.recovered and len(result.published) == 1
    healed = await feeds.get(db, feed.id)
    assert healed is not None and healed.failures == 0 and not healed.error_reported


async def test_unreachable_feed_is_a_failure_not_a_crash(
    db: Database, client: httpx.AsyncClient
) -> None:
    feed = await feeds.add(db, "http://127.0.0.1:9/feed.xml", now=NOW)
    results = await poll_due(db, StoryService(db), client=client, now=NOW)
    assert [r.error for r in results] == ["unreachable"]
    # Backed off: not due a moment later.
    assert await poll_due(db, StoryService(db), client=client, now=NOW + 1) == []
    assert (await reread_feed(db, feed.id)).failures == 1


async def test_dead_article_link_is_not_fetched_every_poll(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    dead = [Item("Зникла стаття", site.url("/articles/gone.html"), "dead-1", summary="коротко")]
    feed = await feeds.add(db, serve(site, rss(dead)), now=NOW)
    service = StoryService(db)
    first = await poll_feed(db, feed, service, client=client, now=NOW)
    assert first.failed_entries == 1 and first.published == ()
    second = await poll_feed(db, await reread_feed(db, feed.id), service, client=client, now=NOW)
    assert second.skipped == 1 and site.hits["/articles/gone.html"] == 1


async def test_review_mode_holds_drafts_until_published(
    db: Database, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    url = serve(site, rss(items(site, [1, 2], stories)))
    feed = await feeds.add(db, url, mode=feeds.REVIEW, topics=("nato",), now=NOW)
    service = StoryService(db)
    result = await poll_feed(db, feed, service, client=client, now=NOW)
    assert len(result.reviewed) == 2 and result.published == ()
    assert await articles.count(db) == 0
    again = await poll_feed(db, await reread_feed(db, feed.id), service, client=client, now=NOW)
    assert again.reviewed == ()  # not queued twice

    drafts = FeedDraftReview(db, service)
    waiting = await drafts.open()
    known = {"nato", "energy"}
    first, second = waiting[0].id, waiting[1].id
    toggled = await drafts.toggle_topic(first, "energy", known=known)
    assert toggled.status is ReviewStatus.OK and toggled.draft is not None
    assert toggled.draft.topics == ("nato", "energy")
    back = await drafts.toggle_topic(first, "nato", known=known)
    assert back.draft is not None and back.draft.topics == ("energy",)
    unknown = await drafts.toggle_topic(first, "no-such-topic", known=known)
    assert unknown.status is ReviewStatus.UNKNOWN_TOPIC
    taken = await drafts.publish(first)
    story = taken.published
    assert taken.status is ReviewStatus.OK and story is not None
    assert story.topics == ("energy",)  # the topics chosen in review, stored
    assert (await drafts.publish(first)).status is ReviewStatus.GONE  # a second tap
    assert (await drafts.toggle_topic(first, "nato", known=known)).status is ReviewStatus.GONE
    assert (await drafts.cancel(second)).status is ReviewStatus.OK
    assert (await drafts.cancel(second)).status is ReviewStatus.GONE
    assert await drafts.open() == [] and await articles.count(db) == 1
    found = await seen.find(db, list(waiting[0].keys))
    assert found is not None and found.article_id == story.article_id


async def test_feed_state_survives_restart(
    tmp_path: Path, site: Site, client: httpx.AsyncClient, stories: list[tuple[str, list[str]]]
) -> None:
    path = tmp_path / "restart.db"
    db = await open_database(path)
    url = serve(site, rss(items(site, [3], stories)), etag='"r1"')
    feed = await feeds.add(db, url, topics=("nato",), now=NOW)
    await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    await db.close()

    db = await open_database(path)
    try:
        again = await feeds.get(db, feed.id)
        assert again is not None and again.etag == '"r1"' and again.topics == ("nato",)
        assert await poll_due(db, StoryService(db), client=client, now=NOW + 1) == []
        results = await poll_due(db, StoryService(db), client=client, now=NOW + 601)
        assert [r.not_modified for r in results] == [True]
    finally:
        await db.close()


async def test_feeds_storage_add_remove(db: Database) -> None:
    feed = await feeds.add(db, "https://example.com/rss", topics=("a", "b"), now=NOW)
    with pytest.raises(feeds.FeedExists):
        await feeds.add(db, "https://example.com/rss", now=NOW)
    assert [f.url for f in await feeds.list_all(db)] == ["https://example.com/rss"]
    assert await feeds.remove(db, feed.id) and not await feeds.remove(db, feed.id)
    assert await feeds.list_all(db) == []

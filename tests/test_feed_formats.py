"""Feeds as real sites serve them: relative links and xml:base, the charset only in the
HTTP header, JSON Feed, loose media types — polled over a local site."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import pytest

from bot.ingest.feedread import parse_feed
from bot.ingest.feeds import poll_feed
from bot.stories import StoryService
from storage import articles, feeds
from storage.db import Database
from tests.feed_texts import story, title
from tests.fixtures.site.server import Site, article_page
from tests.stored import reread_feed

NOW = 1_700_000_000.0
_paths = itertools.count(1)
ARTICLES = range(1, 7)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    for n in ARTICLES:
        for prefix in ("/a", "/mirror/a", "/blog/a"):
            path = f"{prefix}/{n}.html"
            server.add(path, article_page(title(n), story(n), server.url(path)))
    yield server
    server.stop()


def rss_items(*links: str, extra: str = "") -> str:
    items = "".join(
        f"<item><title>{title(n)}</title><link>{link}</link><guid>g{n}</guid></item>"
        for n, link in enumerate(links, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Local</title><link>/</link>{extra}{items}</channel></rss>"
    )


async def stored_urls(db: Database, ids: tuple[int, ...]) -> list[str]:
    found = [await articles.get(db, i) for i in ids]
    return [a.url for a in found if a is not None and a.url is not None]


async def test_relative_links_resolve_against_the_feed_url(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    url = site.add(
        f"/feeds/{next(_paths)}.xml",
        rss_items("/a/1.html", "../a/2.html"),
        content_type="application/rss+xml",
    )
    feed = await feeds.add(db, url, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert result.failed_entries == 0
    assert sorted(await stored_urls(db, result.published)) == [
        site.url("/a/1.html"),
        site.url("/a/2.html"),
    ]


async def test_content_location_and_xml_base_set_the_base(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    rss_url = site.add(
        f"/feeds/{next(_paths)}.xml",
        rss_items("a/3.html"),
        content_type="application/rss+xml",
        headers={"Content-Location": "/mirror/feed.xml"},
    )
    atom_body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">'
        "<title>Blog</title><id>urn:blog</id><updated>2024-01-01T00:00:00Z</updated>"
        f"<entry><title>{title(4)}</title><id>urn:4</id><link href='a/4.html'/>"
        "<updated>2024-01-01T00:00:00Z</updated></entry></feed>"
    )
    atom_url = site.add(
        f"/feeds/{next(_paths)}.xml", atom_body, content_type="application/atom+xml"
    )
    service = StoryService(db)
    got = []
    for url in (rss_url, atom_url):
        feed = await feeds.add(db, url, now=NOW)
        got += await stored_urls(
            db, (await poll_feed(db, feed, service, client=client, now=NOW)).published
        )
    assert got == [site.url("/mirror/a/3.html"), site.url("/blog/a/4.html")]


async def test_charset_only_in_the_http_header(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    heading = "Київ і Вашингтон домовилися про зустріч"
    body = " ".join(
        [
            "Делегації двох країн зустрінуться наступного тижня у Женеві.",
            "Сторони обговорять гарантії безпеки, контроль над озброєннями та обмін полоненими.",
            "Речник міністерства повідомив, що порядок денний ще узгоджують.",
            "Попередня зустріч відбулася восени і завершилася спільною заявою.",
        ]
    )
    document = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Стрічка</title>'
        f"<item><title>{heading}</title><guid>cp-1</guid>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode("windows-1251")
    url = site.add(
        f"/feeds/{next(_paths)}.xml", document, content_type="text/xml; charset=windows-1251"
    )
    feed = await feeds.add(db, url, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert len(result.published) == 1
    stored = await articles.get(db, result.published[0])
    assert stored is not None and stored.title == heading
    assert "гарантії безпеки" in stored.text
    assert (await reread_feed(db, feed.id)).title == "Стрічка"


@pytest.mark.parametrize("version", ["1", "1.1"])
async def test_json_feed(db: Database, site: Site, client: httpx.AsyncClient, version: str) -> None:
    text = " ".join(story(50))
    doc = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "JSON site",
        "items": [
            {"id": "j-5", "url": "/a/5.html", "title": title(5)},
            {"id": 6, "title": "Text only", "content_text": text},
            {"title": "no id and no url: nothing to remember it by"},
        ],
    }
    url = site.add(
        f"/feeds/{next(_paths)}.json", json.dumps(doc), content_type="application/feed+json"
    )
    feed = await feeds.add(db, url, now=NOW)
    service = StoryService(db)
    result = await poll_feed(db, feed, service, client=client, now=NOW)
    assert result.error is None and len(result.published) == 2
    stored = [await articles.get(db, i) for i in result.published]
    assert {a.url for a in stored if a} == {site.url("/a/5.html"), None}
    assert any(a and a.title == "Text only" and text[:40] in a.text for a in stored)
    again = await poll_feed(db, await reread_feed(db, feed.id), service, client=client, now=NOW)
    assert again.published == ()


@pytest.mark.parametrize(
    "media", ["text/rss+xml", "text/atom+xml", "application/octet-stream", "text/html"]
)
async def test_feed_recognised_by_content_not_label(
    db: Database, site: Site, client: httpx.AsyncClient, media: str
) -> None:
    url = site.add(f"/feeds/{next(_paths)}.xml", rss_items("/a/6.html"), content_type=media)
    feed = await feeds.add(db, url, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert result.error is None and len(result.published) == 1


async def test_html_page_is_not_a_feed(db: Database, site: Site, client: httpx.AsyncClient) -> None:
    feed = await feeds.add(db, site.url("/a/1.html"), now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert result.error == "bad_feed" and result.published == ()


def test_html_titles_become_plain_text() -> None:
    doc = parse_feed(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;lt;b&amp;gt;'
        b"</title><entry><id>1</id><title type='html'>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co"
        b"</title></entry></feed>",
        url="http://127.0.0.1/f",
        headers={"content-type": "application/atom+xml"},
    )
    assert [e.title for e in doc.entries] == ["Bold & co"]

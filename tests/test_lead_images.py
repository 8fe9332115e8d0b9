"""A story's lead image, kept from where the story came: the page (og:image,
twitter:image, else the first image inside the article), the feed (media:content,
media:thumbnail, an enclosure with an image type, JSON Feed image / banner_image); a
file push has none. Feeds and pages are served over 127.0.0.1 and read through the
real fetch → poll → story → storage path."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterator

import httpx
import pytest

from bot.ingest.drafts import draft_from_file, draft_from_url
from bot.ingest.extract import extract
from bot.ingest.feedread import parse_feed
from bot.ingest.feeds import poll_feed
from bot.ingest.images import image_url
from bot.stories import StoryService
from storage import articles, feeds
from storage.db import Database
from tests.feed_texts import story, title
from tests.fixtures.site.server import Site, article_page

NOW = 1_700_000_000.0
MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'
_paths = itertools.count(1)


def page(site: Site, n: int, *, head: str = "", body: str = "") -> str:
    """An article page in the site's chrome (a logo image outside the article), with
    extra head tags and markup at the top of the article body; its URL."""
    path = f"/pages/{next(_paths)}.html"
    text = article_page(title(n), story(n), site.url(path))
    text = text.replace("</head>", head + "</head>")
    text = text.replace(
        '<a class="logo" href="/">', '<a class="logo" href="/"><img src="/logo.png">'
    )
    text = text.replace('<div class="post-body">', '<div class="post-body">' + body)
    return site.add(path, text)


def rss(link: str, *, n: int, item_extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {MEDIA}><channel>'
        f"<title>Local</title><link>/</link><item><title>{html.escape(title(n))}</title>"
        f"<link>{html.escape(link)}</link><guid>img-{n}-{next(_paths)}</guid>{item_extra}"
        "</item></channel></rss>"
    )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    yield server
    server.stop()


async def poll_one(db: Database, site: Site, feed_body: str, client, **kwargs: str) -> str | None:  # type: ignore[no-untyped-def]
    """Serve the feed, poll it once through the real path; the stored story's image."""
    url = site.add(f"/feeds/{next(_paths)}.xml", feed_body, **kwargs)
    feed = await feeds.add(db, url, backlog="all", now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert result.error is None and result.failed_entries == 0, result
    [article_id] = result.published
    stored = await articles.get(db, article_id)
    assert stored is not None
    return stored.image


async def test_og_image_of_the_page_is_kept_absolute(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 1, head='<meta property="og:image" content="/photos/1.jpg">')
    image = await poll_one(db, site, rss(link, n=1), client, content_type="application/rss+xml")
    assert image == site.url("/photos/1.jpg")


async def test_twitter_image_when_the_page_has_no_og_image(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 2, head='<meta name="twitter:image" content="../photos/2.png">')
    image = await poll_one(db, site, rss(link, n=2), client, content_type="application/rss+xml")
    assert image == site.url("/photos/2.png")


async def test_media_content_of_the_entry(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 3)  # the page names no image
    extra = (
        '<media:content url="/video/3.mp4" type="video/mp4" medium="video"/>'
        '<media:content url="/photos/3.jpg" type="image/jpeg" medium="image"/>'
    )
    image = await poll_one(
        db, site, rss(link, n=3, item_extra=extra), client, content_type="application/rss+xml"
    )
    assert image == site.url("/photos/3.jpg")


async def test_media_thumbnail_of_the_entry(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 4)
    extra = '<media:thumbnail url="https://cdn.example.com/t/4.jpg" width="640"/>'
    image = await poll_one(db, site, rss(link, n=4, item_extra=extra), client)
    assert image == "https://cdn.example.com/t/4.jpg"


async def test_an_image_enclosure_and_not_an_audio_one(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 5)
    extra = (
        '<enclosure url="/audio/5.mp3" type="audio/mpeg" length="1000"/>'
        '<enclosure url="/photos/5.webp" type="image/webp" length="1000"/>'
    )
    image = await poll_one(db, site, rss(link, n=5, item_extra=extra), client)
    assert image == site.url("/photos/5.webp")
    only_audio = '<enclosure url="/audio/6.mp3" type="audio/mpeg" length="1000"/>'
    assert await poll_one(db, site, rss(page(site, 6), n=6, item_extra=only_audio), client) is None


async def test_the_pages_own_image_comes_before_the_feeds(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 7, head='<meta property="og:image" content="/photos/page-7.jpg">')
    extra = '<media:content url="/photos/feed-7.jpg" type="image/jpeg"/>'
    image = await poll_one(db, site, rss(link, n=7, item_extra=extra), client)
    assert image == site.url("/photos/page-7.jpg")


async def test_first_image_in_the_article_when_nothing_names_one(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    figure = '<figure><img src="/photos/8-inline.jpg" alt="The harbour"></figure>'
    link = page(site, 8, body=figure)
    image = await poll_one(db, site, rss(link, n=8), client)
    assert image == site.url("/photos/8-inline.jpg")  # not the site's logo
    # With an image from the feed, the article's own images are not looked for.
    extra = '<media:thumbnail url="/photos/feed-9.jpg"/>'
    image = await poll_one(db, site, rss(page(site, 9, body=figure), n=9, item_extra=extra), client)
    assert image == site.url("/photos/feed-9.jpg")


async def test_a_page_without_any_image_gives_none(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    assert await poll_one(db, site, rss(page(site, 10), n=10), client) is None


async def test_json_feed_image_and_banner_image(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    first, second = page(site, 11), page(site, 12)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Local JSON",
        "items": [
            {"id": "j11", "url": first, "title": title(11), "image": "/photos/11.jpg"},
            {"id": "j12", "url": second, "title": title(12), "banner_image": "/photos/12.jpg"},
        ],
    }
    url = site.add(
        f"/feeds/{next(_paths)}.json", json.dumps(doc), content_type="application/feed+json"
    )
    feed = await feeds.add(db, url, backlog="all", now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    images = sorted(
        [stored.image for i in result.published if (stored := await articles.get(db, i))],
        key=str,
    )
    assert images == [site.url("/photos/11.jpg"), site.url("/photos/12.jpg")]


async def test_the_entry_image_stays_when_the_page_cannot_be_read(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    gone = site.url(f"/missing/{next(_paths)}.html")  # 404: the entry's own text is used
    extra = (
        f"<description>{html.escape(' '.join(story(13)))}</description>"
        '<media:content url="/photos/13.jpg" type="image/jpeg"/>'
    )
    assert await poll_one(db, site, rss(gone, n=13, item_extra=extra), client) == site.url(
        "/photos/13.jpg"
    )


async def test_a_push_url_keeps_the_image_and_a_file_push_has_none(
    site: Site, client: httpx.AsyncClient
) -> None:
    link = page(site, 14, head='<meta property="og:image" content="/photos/14.jpg">')
    got = await draft_from_url(link, client=client)
    assert got.draft.image == site.url("/photos/14.jpg")
    html_file = article_page(title(14), story(14), "https://example.com/14").replace(
        "</head>", '<meta property="og:image" content="https://example.com/14.jpg"></head>'
    )
    assert draft_from_file("story.html", html_file.encode()).image is None


def test_only_usable_http_urls_are_images() -> None:
    base = "https://news.example.com/a/1.html"
    assert image_url("/i/1.jpg", base) == "https://news.example.com/i/1.jpg"
    assert image_url("//cdn.example.com/1.jpg", base) == "https://cdn.example.com/1.jpg"
    for bad in (
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://example.com/1.jpg",
        "file:///etc/passwd",
        "https://example.com/a b.jpg",
        "https://example.com:99999/1.jpg",
        "https://example.com/logo.svg",
        "https://example.com/" + "x" * 2100 + ".jpg",
        "",
        None,
    ):
        assert image_url(bad, base) is None, bad
    assert image_url("photo.jpg", "") is None  # relative with nothing to resolve against
    # Addresses the fetch guard refuses, in any spelling, unless private URLs are allowed.
    for private in (
        "http://127.0.0.1/1.jpg",
        "http://2130706433/1.jpg",
        "http://127.1/1.jpg",
        "http://[::1]/1.jpg",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.7/1.jpg",
        "http://localhost/1.jpg",
    ):
        assert image_url(private) is None, private
        assert image_url(private, allow_private=True) == private
    assert image_url("http://93.184.216.34/1.jpg") == "http://93.184.216.34/1.jpg"


def test_feed_readers_name_the_entry_image() -> None:
    body = (
        f'<rss version="2.0" {MEDIA}><channel><title>t</title>'
        "<item><title>a</title><link>/a</link>"
        '<media:content url="/m.jpg" medium="image"/></item>'
        "<item><title>b</title><link>/b</link>"
        '<media:group><media:content url="/g.jpg" type="image/jpeg"/></media:group></item>'
        "</channel></rss>"
    )
    parsed = parse_feed(body.encode(), url="https://x.example/feed", headers={})
    assert [e.image for e in parsed.entries] == [
        "https://x.example/m.jpg",
        "https://x.example/g.jpg",
    ]
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>u</id>'
        "<entry><title>c</title><id>c</id><link href='/c'/>"
        "<link rel='enclosure' type='image/png' href='/c.png'/></entry></feed>"
    )
    parsed = parse_feed(atom.encode(), url="https://x.example/atom", headers={})
    assert [e.image for e in parsed.entries] == ["https://x.example/c.png"]


def test_extraction_names_the_meta_image_or_the_first_article_image() -> None:
    words = " ".join(story(15))
    meta = (
        '<html><head><meta property="og:image" content="img/og.jpg"></head><body><article>'
        f"<h1>Head</h1><p>{words}</p></article></body></html>"
    )
    assert extract(meta, url="https://e.example/n/1").image == "https://e.example/n/img/og.jpg"
    inline = (
        "<html><body><header><img src='/logo.svg'></header><article><h1>Head</h1>"
        f"<p>{words}</p><figure><img src='/p/chart.svg' alt='chart'></figure>"
        f"<figure><img src='/p/1.jpg' alt='x'></figure><p>{words}</p>"
        "</article></body></html>"
    )
    found = extract(inline, url="https://e.example/n/2")
    assert found.image == "https://e.example/p/1.jpg"
    assert "p/1.jpg" not in found.text and "![" not in found.text  # the text has no images
    assert extract(inline, url="https://e.example/n/2", find_image=False).image is None

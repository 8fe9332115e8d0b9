"""Extraction on page layouts that used to lose the story: an article laid out in a table,
tables inside an article, a page whose only "text" is a notice, closing paragraphs."""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest

from bot.ingest.extract import ExtractError, _closing, extract, looks_like_notice, table_lines
from bot.ingest.feeds import poll_feed
from bot.stories import StoryService
from storage import articles, feeds
from storage.db import Database
from tests.feed_texts import story
from tests.fixtures.site.server import Site

NOW = 1_700_000_000.0


def table_layout_page(paragraphs: list[str]) -> str:
    rows = "".join(f"<tr><td class='body'>{html.escape(p)}</td></tr>" for p in paragraphs)
    return (
        "<html><head><title>Town notes</title></head><body><table width='760'>"
        "<tr><td><a href='/'>Home</a> | <a href='/news'>News</a></td></tr>"
        f"{rows}<tr><td>Copyright 2004 Town notes</td></tr></table></body></html>"
    )


def test_article_laid_out_in_a_table() -> None:
    paragraphs = story(11) + story(12)
    found = extract(table_layout_page(paragraphs), url="http://127.0.0.1/old.html")
    for paragraph in paragraphs:
        assert paragraph in found.text


def test_table_inside_an_article_is_readable_text() -> None:
    body = "".join(f"<p>{p}</p>" for p in story(13))
    data = (
        "<table><tr><th>Region</th><th>Votes</th></tr><tr><td>North</td><td>1200</td></tr>"
        "<tr><td>South</td><td>900</td></tr></table>"
    )
    page = f"<html><body><article><h1>Results</h1>{body}{data}</article></body></html>"
    text = extract(page, url="http://127.0.0.1/results.html").text
    assert "North; 1200" in text and "South; 900" in text and "|" not in text
    assert table_lines(["| a \\| b | c |", "|---|---|", "plain"]) == ["a | b; c", "plain"]


NOTICE = (
    "This copy is for your personal, non-commercial use only. To order presentation-ready"
    " copies for distribution, use the Reprints tool at the bottom of any article."
)


def test_a_notice_is_never_a_story() -> None:
    page = f"<html><body><article><p>{NOTICE}</p></article></body></html>"
    with pytest.raises(ExtractError):
        extract(page, url="http://127.0.0.1/paywalled.html")
    assert looks_like_notice([NOTICE]) and looks_like_notice(["Please enable JavaScript."])
    assert not looks_like_notice([*story(14), "We use cookies."])


def test_closing_paragraphs_the_precise_run_cut_are_kept() -> None:
    a, b, c = story(15)
    recall = ["Menu", a, b, c, "Related stories", "More news here."]
    assert _closing([a, b], recall) == [c]
    assert _closing([a, b, c], recall) == []
    assert _closing(["elsewhere"], recall) == []


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    yield server
    server.stop()


async def test_feed_entry_behind_a_notice_keeps_the_feeds_own_text(
    db: Database, site: Site, client: httpx.AsyncClient
) -> None:
    page = site.add("/wall.html", f"<html><body><article><p>{NOTICE}</p></article></body></html>")
    own = " ".join(story(16))
    feed_xml = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item>'
        f"<title>Behind the wall</title><link>{page}</link><guid>w1</guid>"
        f"<description>{html.escape(own)}</description></item></channel></rss>"
    )
    url = site.add("/wall.xml", feed_xml, content_type="application/rss+xml")
    feed = await feeds.add(db, url, now=NOW)
    result = await poll_feed(db, feed, StoryService(db), client=client, now=NOW)
    assert len(result.published) == 1
    stored = await articles.get(db, result.published[0])
    assert stored is not None and "non-commercial" not in stored.text
    assert story(16)[0][:60] in stored.text

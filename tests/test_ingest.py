"""Fetching, URL normalisation, extraction and files: the layer under /push URL|file."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest

from bot.ingest.drafts import draft_from_url
from bot.ingest.extract import ExtractError, extract
from bot.ingest.fetch import FetchError, fetch
from bot.ingest.files import FileError, read_file
from bot.ingest.guard import http_client
from bot.ingest.keys import text_hash
from bot.ingest.urls import normalize_url
from tests.fixtures.site.server import Site, article_page
from tests.shared_data import seed_parts

CHROME = (
    "Стрічка новин",
    "Погода в Житомирі",
    "Поширити у Facebook",
    "Надіслати в Telegram",
    "Копіювати лінк",
    "Вам також може сподобатися",
    "Ціни на пальне",
    "Популярне за тиждень",
    "Підписатися на розсилку",
    "Усі права захищені",
    "Політика конфіденційності",
    "файли cookie",
    "Переглядів",
)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    title, body = seed_parts()
    server.add("/page.html", article_page(title, body, "https://vistipolissia.example/world/1"))
    server.add("/doc.pdf", b"%PDF-1.4\n%binary\n", content_type="application/pdf")
    yield server
    server.stop()


async def test_fetch_page_reports_final_url_and_charset(
    site: Site, client: httpx.AsyncClient
) -> None:
    got = await fetch(site.url("/page.html"), client=client)
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.url == site.url("/page.html")
    assert "Кремлю доведеться щось робити" in got.text()


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/missing.html", "not_found"),
        ("/doc.pdf", "not_html"),
        ("/to-file", "bad_scheme"),
        ("/hop/9", "too_many_redirects"),
    ],
)
async def test_fetch_failures_have_codes(
    site: Site, client: httpx.AsyncClient, path: str, code: str
) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch(site.url(path), client=client)
    assert caught.value.code == code


async def test_redirect_chain_within_limit_lands_on_page(
    site: Site, client: httpx.AsyncClient
) -> None:
    got = await fetch(site.url("/hop/4"), client=client)  # 5 hops: the limit
    assert got.url == site.url("/page.html")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:1"])
async def test_non_http_schemes_refused_before_any_request(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch(url)
    assert caught.value.code == "bad_scheme"


async def test_big_page_stops_while_streaming(site: Site, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch(site.url("/big.html"), client=client, max_bytes=256 * 1024)
    assert caught.value.code == "too_big"


async def test_slow_page_is_too_slow(site: Site, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch(site.url("/slow.html"), client=client, timeout=0.3)
    assert caught.value.code == "too_slow"


async def test_unreachable_port() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with http_client(allow_private=True) as http:
        with pytest.raises(FetchError) as caught:
            await fetch(f"http://127.0.0.1:{port}/", client=http, timeout=2)
    assert caught.value.code == "unreachable"


async def test_etag_answer_304_is_not_modified(client: httpx.AsyncClient) -> None:
    site = Site().start()
    try:
        site.add("/f.xml", "<rss/>", content_type="application/rss+xml", etag='"v1"')
        first = await fetch(site.url("/f.xml"), client=client, accept=None)
        again = await fetch(site.url("/f.xml"), client=client, accept=None, etag=first.etag)
    finally:
        site.stop()
    assert first.etag == '"v1"' and not first.not_modified
    assert again.not_modified and again.content == b""


def test_extraction_keeps_headline_and_drops_chrome() -> None:
    title, body = seed_parts()
    page = article_page(title, body, "https://www.vistipolissia.example/world/1")
    found = extract(page, url="http://127.0.0.1:1/page.html")
    assert found.title == title
    assert found.site_name == "Вісті Полісся"
    assert found.url == "https://www.vistipolissia.example/world/1"
    assert found.published is not None and found.published.isoformat().startswith(
        "2022-01-25T09:41"
    )
    for chrome in CHROME:
        assert chrome not in found.text, chrome
    # The story itself is there, and the shared filter removed the scraped UI strings.
    assert body[2] in found.text
    assert "Related video" not in found.text
    assert not found.text.startswith(title)


def test_page_without_article_is_an_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract("<html><body><nav><a href='/'>Головна</a></nav></body></html>")


async def test_draft_from_url_carries_metadata_and_keys(
    site: Site, client: httpx.AsyncClient
) -> None:
    got = await draft_from_url(site.url("/hop/1"), client=client, topics=("nato",))
    assert got.draft.title == seed_parts()[0]
    assert got.draft.source == "Вісті Полісся"
    assert got.draft.topics == ("nato",)
    assert got.draft.url == "https://vistipolissia.example/world/1"
    # Requested, final and canonical URL all identify the story.
    assert ("url", "https://vistipolissia.example/world/1") in got.keys
    assert ("url", normalize_url(site.url("/page.html"))) in got.keys
    assert ("url", normalize_url(site.url("/hop/1"))) in got.keys


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("HTTP://WWW.Example.COM/news/1/", "https://example.com/news/1"),
        ("https://example.com/news/1?utm_source=tg&utm_medium=x", "https://example.com/news/1"),
        (
            "https://example.com/news/1?fbclid=AB&gclid=1&yclid=2&ref=tw",
            "https://example.com/news/1",
        ),
        ("https://example.com/news/1?mc_cid=1&mc_eid=2#comments", "https://example.com/news/1"),
        ("https://example.com/amp/news/1", "https://example.com/news/1"),
        ("https://example.com/news/1/amp/", "https://example.com/news/1"),
        ("https://example.com/news/1.amp?amp=1", "https://example.com/news/1"),
        ("https://example.com:443/news/1", "https://example.com/news/1"),
        ("https://example.com/news?id=2&page=1", "https://example.com/news?id=2&page=1"),
        ("https://example.com/news?page=1&id=2", "https://example.com/news?id=2&page=1"),
    ],
)
def test_normalize_url(url: str, key: str) -> None:
    assert normalize_url(url) == key


def test_normalize_keeps_meaningful_differences() -> None:
    assert normalize_url("https://example.com/news/1") != normalize_url(
        "https://example.com/news/2"
    )
    assert normalize_url("https://a.example.com/x") != normalize_url("https://b.example.com/x")
    assert normalize_url("https://example.com/x?id=1") != normalize_url(
        "https://example.com/x?id=2"
    )
    assert normalize_url("https://example.com/example") == "https://example.com/example"


def test_text_file_in_cp1251_is_detected() -> None:
    title, body = seed_parts()
    data = "\n".join([title, *body]).encode("cp1251", errors="ignore")
    found = read_file("story.txt", data)
    assert found.text.splitlines()[0] == title
    assert body[2] in found.text


def test_markdown_file_loses_markup_and_keeps_heading_as_title() -> None:
    title, body = seed_parts()
    source = f"# {title}\n\n**{body[2]}**\n\n[Посилання](https://example.com) на джерело.\n"
    found = read_file("story.md", source.encode())
    assert found.title == title
    assert body[2] in found.text and "**" not in found.text
    assert "Посилання на джерело." in found.text and "https://" not in found.text


def test_html_file_is_extracted() -> None:
    title, body = seed_parts()
    page = article_page(title, body, "https://vistipolissia.example/world/1")
    found = read_file("page.html", page.encode())
    assert found.title == title and "Поширити у Facebook" not in found.text


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("report.pdf", b"%PDF-1.7 ...", "unsupported"),
        ("report.txt", b"%PDF-1.7 \x00\x01", "binary"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("story.txt", b"x" * (1024 * 1024 + 1), "too_big"),
        ("story.txt", b"\n  \n", "empty"),
        ("archive", b"text", "unsupported"),
    ],
)
def test_file_errors(name: str, data: bytes, code: str) -> None:
    with pytest.raises(FileError) as caught:
        read_file(name, data)
    assert caught.value.code == code


def test_text_hash_keeps_the_keys_stored_before() -> None:
    """Seen keys already in databases were hashed with re.sub(r"\\s+", " ", t).strip():
    the faster split-and-join must give the same key for every kind of whitespace."""
    spaces = "".join(chr(c) for c in range(0x3100) if chr(c).isspace())
    for text in (f" Київ{spaces}Мінськ \u2028 NATO\u00a0США\t\n", "один", f"{spaces}ab{spaces}"):
        before = re.sub(r"\s+", " ", text).strip().casefold()
        assert text_hash(text) == hashlib.sha1(before.encode()).hexdigest()

"""The fetch guard: no private addresses in any form, after DNS, on every redirect and
for links inside feeds; the connection goes to the address that was checked; bodies and
what they decompress to stay under the byte cap (issue 12, failures 1, 8 and 9)."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.ingest.feeds import poll_feed
from bot.ingest.fetch import FetchError, check_destination, fetch
from bot.ingest.guard import IPAddress, http_client, is_public
from bot.ingest.inflate import PIECE, inflate
from bot.stories import StoryService
from storage import feeds
from storage.backends import open_database
from tests.e2e import say
from tests.fixtures.site.server import Item, Site, article_page, rss

PAGE = article_page(
    "Переговори тривають",
    ["Делегації обговорили гарантії безпеки і домовилися зустрітися знову в лютому."] * 3,
    "https://news.example/1",
)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    server.add("/page.html", PAGE)
    yield server
    server.stop()


@pytest.fixture
async def strict() -> AsyncIterator[httpx.AsyncClient]:
    async with http_client() as http:
        yield http


def _port(site: Site) -> int:
    return int(site.base.rsplit(":", 1)[1])


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f000001",
        "017700000001",
        "127.1",
        "user:pw@127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
    ],
)
async def test_loopback_in_every_spelling_is_refused(
    site: Site, strict: httpx.AsyncClient, host: str
) -> None:
    before = sum(site.hits.values())
    with pytest.raises(FetchError) as caught:
        await fetch(f"http://{host}:{_port(site)}/page.html", client=strict)
    assert caught.value.code == "private_address"
    assert sum(site.hits.values()) == before  # nothing reached the site


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # CGNAT
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "2001:db8::1",
    ],
)
def test_non_public_ranges(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def _resolver(
    table: dict[str, list[str]], calls: list[str] | None = None
) -> Callable[[str, int], Awaitable[list[IPAddress]]]:
    async def resolve(host: str, port: int) -> list[IPAddress]:
        if calls is not None:
            calls.append(host)
        if host in table:
            return [ipaddress.ip_address(a) for a in table[host]]
        try:  # numeric forms (2130706433, 127.1) as the system reads them; no DNS here
            return [ipaddress.ip_address(socket.inet_aton(host))]
        except OSError:
            raise OSError(f"unknown host {host}") from None

    return resolve


async def test_name_resolving_to_a_private_address_is_refused() -> None:
    # One public and one private answer: refused, whichever would be tried first.
    resolver = _resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]})
    async with http_client(resolver=resolver) as http:
        with pytest.raises(FetchError) as caught:
            await fetch("https://mixed.example/story", client=http)
    assert caught.value.code == "private_address"
    assert "10.0.0.7" in caught.value.detail


async def test_connects_to_the_checked_address_with_the_original_host(site: Site) -> None:
    # The name resolves once, to the site on loopback; the request goes to that address
    # while the Host header keeps the name, so a second DNS answer could not redirect it.
    calls: list[str] = []
    resolver = _resolver({"news.example": ["127.0.0.1"]}, calls)
    async with http_client(allow_private=True, resolver=resolver) as http:
        got = await fetch(f"http://news.example:{_port(site)}/page.html", client=http)
    assert "Переговори тривають" in got.text()
    assert calls == ["news.example"]
    assert got.url == f"http://news.example:{_port(site)}/page.html"


class Raw(httpx.AsyncByteStream):
    """A body as sent on the wire (httpx would decode a plain bytes body up front)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), 16 * 1024):
            yield self.data[start : start + 16 * 1024]


Route = tuple[int, dict[str, str], bytes]


def _mock(routes: dict[str, Route], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status, headers, body = routes.get(request.headers["host"], (404, {}, b""))
        return httpx.Response(status, headers=headers, stream=Raw(body))

    return httpx.MockTransport(handle)


async def test_redirect_to_a_private_address_is_refused() -> None:
    seen: list[httpx.Request] = []
    routes = {
        "public.example": (302, {"location": "http://intranet.example/"}, b""),
        "intranet.example": (200, {"content-type": "text/html"}, b"secret"),
    }
    resolver = _resolver({"public.example": ["93.184.216.34"], "intranet.example": ["10.0.0.5"]})
    async with http_client(resolver=resolver, inner=_mock(routes, seen)) as http:
        with pytest.raises(FetchError) as caught:
            await fetch("http://public.example/", client=http)
    assert caught.value.code == "private_address"
    assert [r.headers["host"] for r in seen] == ["public.example"]
    # The first hop went to the checked address, not to a fresh lookup of the name.
    assert seen[0].url.host == "93.184.216.34"


async def test_https_keeps_the_name_for_sni_and_certificate() -> None:
    seen: list[httpx.Request] = []
    routes = {"tls.example": (200, {"content-type": "text/html"}, b"<p>ok</p>")}
    resolver = _resolver({"tls.example": ["93.184.216.34"]})
    async with http_client(resolver=resolver, inner=_mock(routes, seen)) as http:
        await fetch("https://tls.example/a", client=http)
    assert seen[0].extensions["sni_hostname"] == "tls.example"
    assert seen[0].url.host == "93.184.216.34"


async def test_feed_url_on_a_private_address_is_refused_before_it_is_stored(
    strict: httpx.AsyncClient,
) -> None:
    with pytest.raises(FetchError) as caught:
        await check_destination("http://127.1:8080/rss.xml", strict)
    assert caught.value.code == "private_address"
    # A name that does not resolve today is left to the poll, not refused.
    resolver = _resolver({})
    async with http_client(resolver=resolver) as http:
        assert (await check_destination("http://gone.example/rss", http)).host == "gone.example"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com:99999/", "bad_url"),
        ("javascript:alert(1)", "bad_scheme"),
        ("data:text/html,<p>x</p>", "bad_scheme"),
        ("https://example.com/" + "a" * 2100, "bad_url"),
    ],
)
async def test_malformed_urls_refused_before_any_request(url: str, code: str) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch(url)
    assert caught.value.code == code


async def test_fetch_refuses_an_unguarded_client() -> None:
    async with httpx.AsyncClient() as plain:
        with pytest.raises(TypeError):
            await fetch("https://example.com/", client=plain)


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_gzip_bomb_decodes_in_bounded_pieces() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # ~20 KB on the wire
    assert len(bomb) < 100 * 1024
    sizes = [len(piece) async for piece in inflate(_chunks(bomb), "gzip")]
    assert max(sizes) <= PIECE
    assert sum(sizes) == 20 * 1024 * 1024


async def test_gzip_bomb_stops_at_the_byte_cap() -> None:
    bomb = gzip.compress(b"<p>" + b" " * (30 * 1024 * 1024) + b"</p>", compresslevel=9)
    seen: list[httpx.Request] = []
    routes = {
        "bomb.example": (200, {"content-type": "text/html", "content-encoding": "gzip"}, bomb)
    }
    resolver = _resolver({"bomb.example": ["93.184.216.34"]})
    async with http_client(resolver=resolver, inner=_mock(routes, seen)) as http:
        with pytest.raises(FetchError) as caught:
            await fetch("http://bomb.example/", client=http, max_bytes=1024 * 1024)
    assert caught.value.code == "too_big"


@pytest.mark.parametrize(
    ("body", "encoding"),
    [(b"\x1f\x8bnot gzip at all", "gzip"), (b"plain", "br"), (b"\x78\x9cbroken", "deflate")],
)
async def test_damaged_or_unknown_encoding_is_a_clear_error(body: bytes, encoding: str) -> None:
    seen: list[httpx.Request] = []
    routes = {
        "odd.example": (200, {"content-type": "text/html", "content-encoding": encoding}, body)
    }
    resolver = _resolver({"odd.example": ["93.184.216.34"]})
    async with http_client(resolver=resolver, inner=_mock(routes, seen)) as http:
        with pytest.raises(FetchError) as caught:
            await fetch("http://odd.example/", client=http)
    assert caught.value.code == "bad_content"


@pytest.mark.parametrize("wrap", ["zlib", "raw"])
async def test_deflate_zlib_wrapped_or_raw(wrap: str) -> None:
    data = "Переговори".encode() * 1000
    if wrap == "zlib":
        body = zlib.compress(data)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(data) + packer.flush()
    decoded = b"".join([piece async for piece in inflate(_chunks(body[:7], body[7:]), "deflate")])
    assert decoded == data


async def test_links_inside_a_feed_are_guarded_too(tmp_path: Path) -> None:
    # The feed's owner, not an admin, writes the links: they pass the same guard.
    links = ["http://127.0.0.1:8080/admin", "http://2130706433/", "http://intranet.example/x"]
    body = rss([Item(f"Entry {n}", link, f"g-{n}", "") for n, link in enumerate(links)])
    seen: list[httpx.Request] = []
    routes = {"feeds.example": (200, {"content-type": "application/rss+xml"}, body.encode())}
    resolver = _resolver({"feeds.example": ["93.184.216.34"], "intranet.example": ["10.9.8.7"]})
    db = await open_database(tmp_path / "feeds.db")
    try:
        feed = await feeds.add(db, "http://feeds.example/rss.xml")
        async with http_client(resolver=resolver, inner=_mock(routes, seen)) as http:
            result = await poll_feed(db, feed, StoryService(db), client=http)
    finally:
        await db.close()
    assert [r.headers["host"] for r in seen] == ["feeds.example"]
    assert result.published == () and result.failed_entries == len(links)
    assert all("private_address" in error for error in result.entry_errors), result.entry_errors


async def test_admin_gets_a_clear_reply_for_a_private_address(tmp_path: Path, site: Site) -> None:
    async with LocalBot(tmp_path / "bot.db") as local:  # ALLOW_PRIVATE_URLS left off
        reply = await say(
            local.sandbox, ADMIN_ID, f"/push {site.url('/page.html')}", language_code="en"
        )
        assert reply.text is not None and reply.text.startswith("This address is not allowed")
        feed = await say(local.sandbox, ADMIN_ID, "/feed_add http://127.1/rss", language_code="en")
        assert feed.text is not None and feed.text.startswith("This address is not allowed")
        assert await feeds.list_all(local.services.db) == []

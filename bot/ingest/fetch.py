"""Fetching one URL safely: http(s) only, public addresses only (bot.ingest.guard), every
redirect re-checked, size capped while streaming and while decompressing.

Every failure is a FetchError whose `code` picks the admin's reply, so handlers never
have to interpret httpx exceptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import httpx

from bot.ingest.decode import decode
from bot.ingest.guard import PrivateAddress, http_client, is_guarded, transport_of
from bot.ingest.inflate import BadEncoding, inflate

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 15.0
MAX_REDIRECTS = 5
MAX_URL_CHARS = 2048
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; topic news bot)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# Codes an admin reply is chosen by.
BAD_SCHEME = "bad_scheme"
BAD_URL = "bad_url"
NOT_FOUND = "not_found"
HTTP_ERROR = "http_error"
NOT_HTML = "not_html"
TOO_BIG = "too_big"
TOO_SLOW = "too_slow"
UNREACHABLE = "unreachable"
TOO_MANY_REDIRECTS = "too_many_redirects"
PRIVATE = "private_address"  # loopback, private network, ...: see bot.ingest.guard
BAD_CONTENT = "bad_content"  # a broken or unknown compression
# Worth trying again later; the rest will fail the same way next time.
TRANSIENT = frozenset({HTTP_ERROR, TOO_SLOW, UNREACHABLE})


class FetchError(Exception):
    def __init__(self, code: str, url: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{code}: {url}" + (f" ({detail})" if detail else ""))
        self.code = code
        self.url = url
        self.detail = detail
        self.status = status
        self.retry_after: str | None = None  # the Retry-After header of a 429 / 503

    @property
    def transient(self) -> bool:
        if self.code not in TRANSIENT:
            return False
        return self.status is None or self.status >= 500 or self.status == 429


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    not_modified: bool = False
    # Every response header (lower-case names): feed parsing needs Content-Location and
    # the full Content-Type, polling the caching headers.
    headers: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return decode(self.content, self.charset)


def check_url(url: str) -> httpx.URL:
    """The URL's form only; where it leads is checked when connecting (guard)."""
    if len(url) > MAX_URL_CHARS:
        raise FetchError(BAD_URL, url[:100] + "…", f"longer than {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError(BAD_URL, url, str(error)) from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(BAD_SCHEME, url, parsed.scheme or "no scheme")
    if not parsed.host:
        raise FetchError(BAD_URL, url, "no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(BAD_URL, url, f"port {parsed.port}")
    return parsed


async def check_destination(url: str, client: httpx.AsyncClient) -> httpx.URL:
    """check_url, then where the host leads: a private address is refused now (before a
    feed is stored, say); a name that does not resolve today is left to the fetch."""
    parsed = check_url(url)
    guard = transport_of(client)
    if guard is None:
        raise TypeError("check_destination() needs a client from guard.http_client()")
    try:
        await guard.check(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    except PrivateAddress as error:
        raise FetchError(PRIVATE, url, str(error)) from None
    except (OSError, UnicodeError, ValueError):
        pass
    return parsed


def _media_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


async def fetch(
    url: str,
    *,
    client: httpx.AsyncClient | None = None,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT_S,  # noqa: ASYNC109 - passed to httpx and asyncio.timeout
    max_redirects: int = MAX_REDIRECTS,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: Collection[str] | None = HTML_TYPES,
) -> Fetched:
    """GET `url`. `accept` lists the media types taken (None: any); `timeout` bounds the
    whole exchange, so a server dripping bytes cannot hold a poll forever. `client`
    must come from guard.http_client() (without one: public addresses only)."""
    if client is not None and not is_guarded(client):
        raise TypeError("fetch() needs a client from bot.ingest.guard.http_client()")
    own = client is None
    http = client or http_client()
    guard = transport_of(http)
    assert guard is not None
    try:
        # A slot first (bounded fetches at once), then the clock for this fetch.
        async with guard.slots, asyncio.timeout(timeout):
            return await _fetch(
                http, url, max_bytes, max_redirects, etag, last_modified, accept, timeout
            )
    except TimeoutError:
        raise FetchError(TOO_SLOW, url, f"no answer within {timeout:g} s") from None
    finally:
        if own:
            await http.aclose()


async def _fetch(
    http: httpx.AsyncClient,
    url: str,
    max_bytes: int,
    max_redirects: int,
    etag: str | None,
    last_modified: str | None,
    accept: Collection[str] | None,
    timeout_s: float,
) -> Fetched:
    current = check_url(url)
    # Only encodings bot.ingest.inflate decodes under the byte cap.
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(max_redirects + 1):
        try:
            request = http.build_request("GET", current, headers=headers, timeout=timeout_s)
            response = await http.send(request, stream=True, follow_redirects=False)
        except PrivateAddress as error:
            raise FetchError(PRIVATE, str(current), str(error)) from None
        except httpx.TimeoutException:
            raise FetchError(TOO_SLOW, str(current)) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise FetchError(BAD_URL, str(current), str(error)) from None
        except httpx.TransportError as error:
            raise FetchError(UNREACHABLE, str(current), type(error).__name__) from None
        try:
            if response.has_redirect_location:
                location = response.headers.get("location", "")
                # Each hop is checked like the first URL: no file:, ftp:, javascript: ...
                current = check_url(str(current.join(location)))
                continue
            return await _read(response, str(current), max_bytes, accept)
        except httpx.TimeoutException:
            raise FetchError(TOO_SLOW, str(current)) from None
        except httpx.TransportError as error:
            raise FetchError(UNREACHABLE, str(current), type(error).__name__) from None
        finally:
            await response.aclose()
    raise FetchError(TOO_MANY_REDIRECTS, url, f"more than {max_redirects}")


async def _read(
    response: httpx.Response, url: str, max_bytes: int, accept: Collection[str] | None
) -> Fetched:
    status = response.status_code
    etag = response.headers.get("etag")
    last_modified = response.headers.get("last-modified")
    headers = {name.lower(): value for name, value in response.headers.items()}
    if status == 304:
        return Fetched(
            url,
            status=304,
            not_modified=True,
            etag=etag,
            last_modified=last_modified,
            headers=headers,
        )
    if status in (404, 410):
        raise FetchError(NOT_FOUND, url, str(status), status)
    if status >= 400:
        error = FetchError(HTTP_ERROR, url, str(status), status)
        error.retry_after = response.headers.get("retry-after")
        raise error
    media, charset = _media_type(response.headers.get("content-type", ""))
    if accept is not None and media not in accept:
        raise FetchError(NOT_HTML, url, media or "no content type")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(TOO_BIG, url, f"{declared} bytes declared")
    chunks: list[bytes] = []
    size = 0
    # Raw bytes, decompressed here piece by piece: the cap holds for what a small gzip
    # body expands to, before it is in memory (httpx would inflate a chunk at once).
    try:
        async for chunk in inflate(response.aiter_raw(), response.headers.get("content-encoding")):
            size += len(chunk)
            if size > max_bytes:  # stop reading: the rest never reaches memory
                raise FetchError(TOO_BIG, url, f"over {max_bytes} bytes")
            chunks.append(chunk)
    except BadEncoding as error:
        raise FetchError(BAD_CONTENT, url, str(error)) from None
    return Fetched(
        url,
        b"".join(chunks),
        content_type=media,
        charset=charset,
        etag=etag,
        last_modified=last_modified,
        status=status,
        headers=headers,
    )

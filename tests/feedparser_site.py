"""feedparser's own test feeds (../shared/feeds/feedparser-tests) served on 127.0.0.1 the
way feedparser's test server serves them: each file's `Header:` lines become response
headers, Content-Type defaults to application/xml.

Every other URL — the entries' links, on whatever host — is answered by the same server
with an article page made up for that URL (tests.feed_texts), so the real polling path
fetches, extracts and stores a story for each entry. The client from `client()` sends
every host to this server.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import ipaddress
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from bot.ingest.guard import IPAddress, http_client
from tests.feed_texts import story

PREFIX = "/tests/"
_HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)


def file_headers(data: bytes) -> dict[str, str]:
    """The `Header:` lines of a test file (as feedparser's runtests reads them)."""
    found = {}
    for name, value in _HEADER.findall(data):
        found[name.decode("latin-1").strip()] = value.decode("latin-1").strip()
    return found


def article_html(url: str) -> bytes:
    """A page for `url`: its own text (a seed from the URL), no title of its own, so the
    story's title is the entry's."""
    seed = int(hashlib.sha1(url.encode()).hexdigest()[:8], 16)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in story(seed))
    return f"<!DOCTYPE html><html><body><article>{body}</article></body></html>".encode()


class FeedSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.article_hits = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: Path) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}{path.relative_to(self.root).as_posix()}"

    def start(self) -> FeedSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def client(self) -> httpx.AsyncClient:
        """A guarded client whose every host resolves to this server."""

        async def here(host: str, port: int) -> list[IPAddress]:
            return [ipaddress.ip_address("127.0.0.1")]

        return http_client(allow_private=True, resolver=here, inner=_ToPort(self.port))

    def _file(self, path: str) -> Path | None:
        if not path.startswith(PREFIX):
            return None
        candidate = (self.root / unquote(path[len(PREFIX) :])).resolve()
        if candidate.is_file() and candidate.is_relative_to(self.root):
            return candidate
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # one write per answer: no 40 ms delayed-ACK stall per request

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer()

            def _answer(self) -> None:
                path = urlsplit(self.path).path
                host = self.headers.get("Host", "")
                file = site._file(path) if host == f"127.0.0.1:{site.port}" else None
                if file is None:
                    site.article_hits += 1
                    self._send(
                        200,
                        {"Content-type": "text/html; charset=utf-8"},
                        article_html(f"{host}{self.path}"),
                    )
                    return
                data = file.read_bytes()
                headers = file_headers(data)
                status = int(headers.pop("Status", "200"))
                headers.setdefault("Content-type", "application/xml")
                self._send(status, headers, data)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


class _ToPort(httpx.AsyncBaseTransport):
    """After the guard resolved every host to 127.0.0.1: the server's port, plain HTTP
    (the Host header keeps the name the link gave)."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

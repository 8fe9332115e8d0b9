"""The process's own HTTP server: /healthz, /metrics and, in webhook mode, the webhook.

One aiohttp server per process (bot or worker). /healthz answers 200 while the
database answers, 503 otherwise; /metrics is Prometheus' text format (bot.metrics).
A webhook route checks Telegram's secret-token header before reading the body.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot import metrics
from storage.db import Database

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kB; Telegram's largest well under this


class ListenError(ValueError):
    """A --listen / HTTP_LISTEN value that is not host:port."""


def parse_listen(value: str) -> tuple[str, int]:
    """ "0.0.0.0:8443" → ("0.0.0.0", 8443); "[::1]:80" → ("::1", 80)."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ListenError(f"expected host:port, got {value!r}")
    return host, int(port)


@dataclass
class Webhook:
    """Where Telegram posts updates, and what takes them (stores, then queues)."""

    path: str
    secret: str
    accept: Callable[[dict[str, Any]], Awaitable[None]]


class HttpServer:
    def __init__(
        self,
        db: Callable[[], Database | None],
        *,
        host: str,
        port: int,
        webhook: Webhook | None = None,
    ) -> None:
        self._db = db
        self.host = host
        self.port = port
        self.webhook = webhook
        self._runner: web.AppRunner | None = None
        self.rejected = 0  # webhook posts without the right secret

    async def start(self) -> HttpServer:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._metrics)
        if self.webhook is not None:
            app.router.add_post(self.webhook.path, self._update)
        # No access log: a webhook path may be secret too.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        log.info(
            "http on %s:%s (healthz, metrics%s)",
            self.host,
            self.port,
            ", webhook" if self.webhook else "",
        )
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _health(self, request: web.Request) -> web.Response:
        db = self._db()
        if db is None:
            return web.json_response({"ok": False, "database": "not open"}, status=503)
        try:
            await db.ping()
        except Exception as error:  # any failure of the database makes the process unfit
            log.warning("health check: database fails: %s", type(error).__name__)
            return web.json_response({"ok": False, "database": type(error).__name__}, status=503)
        return web.json_response({"ok": True})

    async def _metrics(self, request: web.Request) -> web.Response:
        db = self._db()
        if db is not None:
            try:
                await metrics.refresh_outbox(db)
            except Exception as error:  # the counters are still worth serving
                log.warning("metrics: outbox not read: %s", type(error).__name__)
        body, content_type = metrics.exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    async def _update(self, request: web.Request) -> web.Response:
        assert self.webhook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook.secret.encode()):
            self.rejected += 1
            log.warning("webhook post without the right secret token from %s", request.remote)
            return web.Response(status=401, text="unauthorized")
        try:
            data = await request.json(loads=json.loads)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        # Stored before the 200: Telegram resends an update it got no 200 for.
        await self.webhook.accept(data)
        return web.Response(status=200, text="ok")

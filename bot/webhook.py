"""Webhook mode: Telegram posts each update to this process instead of the process
polling for it, so several bot processes can stand behind one load balancer.

Each post must carry X-Telegram-Bot-Api-Secret-Token equal to WEBHOOK_SECRET (checked
in bot.web before the body is read; the secret is never logged). The update goes
through the same journal as in polling mode (bot.updates.JournalQueue): stored and
claimed by this process before the 200, so an update Telegram sends again — to this
process or another — is handled once. /healthz and /metrics are served on the same
port.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from bot.services import Services
from bot.web import HttpServer, Webhook, parse_listen

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
DEFAULT_PATH = "/telegram"
MAX_CONNECTIONS = 40  # Telegram's default: posts in flight at once


class WebhookEndpoint:
    """The webhook route on this process's HTTP server, and Telegram told about it.

    `url` is the public address Telegram posts to (the load balancer's); its path is
    the route here. Without one (tests: port 0) the server's own address is used."""

    def __init__(self, application: App, *, listen: str, secret: str, url: str | None) -> None:
        self.application = application
        self.host, self.port = parse_listen(listen)
        self.secret = secret
        self.public_url = url
        self.path = (urlsplit(url).path if url else "") or DEFAULT_PATH
        self.server: HttpServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None, "not started"
        return self.public_url or f"{self.server.url}{self.path}"

    def _db(self) -> Any:
        found = self.application.bot_data.get("services")
        return found.db if isinstance(found, Services) else None

    async def start(self) -> WebhookEndpoint:
        hook = Webhook(self.path, self.secret, self.accept)
        self.server = await HttpServer(
            self._db, host=self.host, port=self.port, webhook=hook
        ).start()
        # Every process sets the same webhook; the last call wins and all are equal.
        await self.application.bot.set_webhook(
            self.url,
            secret_token=self.secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=MAX_CONNECTIONS,
        )
        log.info("webhook mode: Telegram posts to %s", self.path)
        return self

    async def accept(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)  # stored and claimed first

    async def stop(self) -> None:
        # The webhook stays set: the other processes behind it go on serving.
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()


async def run_webhook(application: App, *, url: str, listen: str, secret: str) -> None:
    """Production webhook mode: serve until SIGTERM or SIGINT, then stop cleanly."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        endpoint = await WebhookEndpoint(application, listen=listen, secret=secret, url=url).start()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopped.set)
        try:
            await stopped.wait()
        finally:
            await endpoint.stop()
    finally:
        if application.running:
            await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()

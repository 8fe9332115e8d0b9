"""The real bot against the local sandbox, in one process: for the demo, the terminal
prompt, end-to-end tests and benchmarks.

python-telegram-bot's run_polling() owns the event loop, so here the Application is
driven step by step (initialize → post_init → start → updater.start_polling), exactly
the code path production runs, only the Bot API server is the sandbox on loopback.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.app import App, build_application, delivery_worker
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.sandbox import Sandbox
from bot.services import Services
from bot.webhook import WebhookEndpoint

SANDBOX_TOKEN = "123456:SANDBOX-local-token"
ADMIN_ID = 1
POLL_TIMEOUT_S = 1
WEBHOOK_SECRET = "sandbox-webhook-secret_0123456789"


def sandbox_settings(sandbox: Sandbox, database_path: Path, **overrides: Any) -> Settings:
    settings = Settings(
        token=sandbox.token,
        admin_ids=frozenset({ADMIN_ID}),
        database_path=database_path,
        bot_api_base_url=sandbox.base_url,
        default_language="uk",
        timezone="Europe/Kyiv",
        log_level="WARNING",
        send_rate=30.0,
        feed_interval_s=600,
    )
    return replace(settings, **overrides)


class LocalBot:
    """`async with LocalBot(db_path) as lb:` — lb.sandbox acts as users, lb.services is the
    bot's wiring. Leaves the database in place so a second LocalBot can "restart"."""

    def __init__(
        self,
        database_path: Path,
        *,
        sandbox: Sandbox | None = None,
        start_delivery: bool = True,
        webhook: bool = False,
        **settings: Any,
    ) -> None:
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        self.database_path = database_path
        self._own_sandbox = sandbox is None
        self.sandbox = sandbox or Sandbox(SANDBOX_TOKEN)
        self.start_delivery = start_delivery
        # Webhook mode: the sandbox posts updates to this process (bot.webhook).
        self.webhook = webhook
        if webhook:
            settings.setdefault("webhook_secret", WEBHOOK_SECRET)
        self.overrides = settings
        self.app: App | None = None
        self.endpoint: WebhookEndpoint | None = None

    @property
    def services(self) -> Services:
        assert self.app is not None, "LocalBot is not running"
        found = self.app.bot_data["services"]
        assert isinstance(found, Services)
        return found

    @property
    def delivery(self) -> DeliveryWorker:
        assert self.app is not None, "LocalBot is not running"
        return delivery_worker(self.app)

    async def start(self) -> LocalBot:
        if self._own_sandbox:
            await self.sandbox.start()
        settings = sandbox_settings(self.sandbox, self.database_path, **self.overrides)
        self.app = build_application(
            settings, start_delivery=self.start_delivery, webhook=self.webhook
        )
        await self.app.initialize()
        if self.app.post_init:
            await self.app.post_init(self.app)
        await self.app.start()
        if self.webhook:
            self.endpoint = await WebhookEndpoint(
                self.app, listen="127.0.0.1:0", secret=settings.webhook_secret, url=None
            ).start()
            return self
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT_S)
        return self

    async def stop(self) -> None:
        if self.endpoint is not None:
            await self.endpoint.stop()
            self.endpoint = None
        if self.app is not None:
            app, self.app = self.app, None
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)
            await app.shutdown()
        if self._own_sandbox:
            await self.sandbox.stop()

    async def __aenter__(self) -> LocalBot:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def settle(self, within_s: float = 30.0) -> None:
        """Wait until every update was handled and the outbox is drained."""
        assert self.app is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        processor = self.app.update_processor
        while (
            self.sandbox.pending_updates()
            or self.app.update_queue.qsize()
            or getattr(processor, "in_flight", 0)
        ):
            if loop.time() > deadline:
                raise TimeoutError("updates not handled in time")
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)  # the handler of the last update may still run
        if not await self.delivery.idle(max(0.1, deadline - loop.time())):
            raise TimeoutError("outbox not drained in time")

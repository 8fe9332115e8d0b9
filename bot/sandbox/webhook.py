"""Webhook delivery, as Telegram does it: setWebhook, deleteWebhook, getWebhookInfo,
and every pending update POSTed as JSON to the webhook URL with the
X-Telegram-Bot-Api-Secret-Token header, up to max_connections at once. An update stays
pending until the bot answers 2xx; otherwise it is posted again after a growing delay
(Telegram retries too). While a webhook is set, getUpdates answers 409.

Unlike Telegram, the sandbox takes http:// URLs and any port, so tests need no TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any

import aiohttp

from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params
from bot.sandbox.state import State

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
POST_TIMEOUT_S = 10.0
RETRY_FIRST_S = 0.2
RETRY_MAX_S = 5.0


class WebhookPusher:
    def __init__(self, state: State) -> None:
        self.state = state
        self.url: str | None = None
        self.secret: str | None = None
        self.max_connections = 40
        self.delivered = 0  # posts answered 2xx
        self.failed_posts = 0  # posts refused or unanswered (then retried)
        self.last_error: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[int] = set()
        self._retry_at: dict[int, float] = {}
        self._attempts: dict[int, int] = {}

    @property
    def active(self) -> bool:
        return self.url is not None

    # --- Bot API methods -----------------------------------------------------------

    async def set_webhook(self, params: Params) -> bool:
        url = (params.text("url") or "").strip()
        if not url:
            await self.delete_webhook(params)
            return True
        if not re.match(r"^https?://[^/\s]+(/\S*)?$", url):
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        secret = params.text("secret_token")
        if secret is not None and not SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        connections = params.integer("max_connections", 40) or 40
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.obj("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(kind) for kind in allowed] or None
        if params.flag("drop_pending_updates"):
            self.state.updates.clear()
        self.url, self.secret, self.max_connections = url, secret, connections
        self.start()
        return True

    async def delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self.state.updates.clear()
        self.url = self.secret = None
        await self.stop()
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if self.url:
            info["max_connections"] = self.max_connections
        if self.last_error:
            info["last_error_message"] = self.last_error
        return info

    # --- delivery ------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")
        self.state.changed.notify()

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _due(self, now: float) -> list[dict[str, Any]]:
        allowed = self.state.allowed_updates
        return [
            update
            for update in self.state.updates
            if update["update_id"] not in self._in_flight
            and self._retry_at.get(update["update_id"], 0.0) <= now
            and (allowed is None or any(kind in update for kind in allowed))
        ]

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        posts: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as session:
            try:
                while self.url is not None:
                    for update in self._due(loop.time()):
                        if len(self._in_flight) >= self.max_connections:
                            break
                        self._in_flight.add(update["update_id"])
                        post = asyncio.create_task(self._post(session, update))
                        posts.add(post)
                        post.add_done_callback(posts.discard)
                    waits = [t for t in self._retry_at.values() if t > loop.time()]
                    pause = min(waits, default=loop.time() + 0.5) - loop.time()
                    await self.state.changed.wait(max(0.01, min(pause, 0.5)))
            finally:
                for post in posts:
                    post.cancel()
                self._in_flight.clear()

    async def _post(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        url, headers = self.url, {SECRET_HEADER: self.secret} if self.secret else {}
        ok = False
        try:
            assert url is not None
            timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT_S)
            async with session.post(url, json=update, headers=headers, timeout=timeout) as r:
                ok = 200 <= r.status < 300
                if not ok:
                    self.last_error = f"Wrong response from the webhook: {r.status}"
        except (aiohttp.ClientError, TimeoutError, AssertionError) as error:
            self.last_error = f"Connection failed: {type(error).__name__}"
        finally:
            self._in_flight.discard(update_id)
        loop = asyncio.get_running_loop()
        if ok:
            self.delivered += 1
            self._retry_at.pop(update_id, None)
            self._attempts.pop(update_id, None)
            self.state.updates = [u for u in self.state.updates if u["update_id"] != update_id]
        else:
            self.failed_posts += 1
            attempts = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
            delay = min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (attempts - 1))
            self._retry_at[update_id] = loop.time() + delay
        self.state.changed.notify()

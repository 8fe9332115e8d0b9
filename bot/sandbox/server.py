"""The Sandbox: an aiohttp server on loopback plus the Python control API."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, TypeVar

from aiohttp import web

from bot.sandbox import inject
from bot.sandbox import members as groups
from bot.sandbox.control import control_routes
from bot.sandbox.errors import ApiError, not_found, unauthorized
from bot.sandbox.faults import Faults
from bot.sandbox.limits import RateLimiter
from bot.sandbox.methods import WRONG_TYPE, BotApi, closing_sleep
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import Chat, SentMessage, State, chat_type_for
from bot.sandbox.webhook import WebhookPusher

T = TypeVar("T")

log = logging.getLogger(__name__)

MAX_UPLOAD = 60 * 1024 * 1024  # Telegram takes uploads up to 50 MB


class Sandbox:
    """A local stand-in for the Telegram Bot API; see the package docstring."""

    def __init__(
        self,
        token: str = "123456:SANDBOX",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: bool = True,
        global_per_s: int = 30,
        private_burst: int = 3,
        group_per_min: int = 20,
        seed: int | None = None,
        bot_username: str = "newsbot_sandbox_bot",
        bot_name: str = "Newsbot Sandbox",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.state = State()
        self.limiter = RateLimiter(
            enabled=limits,
            global_per_s=global_per_s,
            private_burst=private_burst,
            group_per_min=group_per_min,
            clock=clock,
        )
        self.faults = Faults(seed)
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self._stopping = asyncio.Event()
        self.api = BotApi(self.state, self.limiter, self.faults, self.bot_user, self._sleep)
        self.webhook = WebhookPusher(self.state)  # setWebhook: updates are posted to the bot
        self.api.handlers.update(
            setwebhook=self.webhook.set_webhook,
            deletewebhook=self.webhook.delete_webhook,
            getwebhookinfo=self.webhook.get_webhook_info,
        )
        self.api.webhook_active = lambda: self.webhook.active
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------

    async def _sleep(self, seconds: float) -> bool:
        return await closing_sleep(self._stopping)(seconds)

    async def start(self) -> Sandbox:
        if self._runner is not None:
            return self
        self._stopping = asyncio.Event()
        self.state.reset_signal()
        self.api.closing = False
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_routes(control_routes(self))
        # No access log: request paths carry the bot token.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("sandbox listening on %s", self.url)
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.api.closing = True
        await self.webhook.stop()
        self._stopping.set()
        self.state.changed.notify()  # ends pending long polls at once
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """python-telegram-bot appends the token: Bot(token, base_url=sb.base_url)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot_username(self) -> str:
        return str(self.bot_user["username"])

    # --- HTTP ------------------------------------------------------------------

    def _token_ok(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info["token"].encode(), self.token.encode())

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            if not self._token_ok(request):
                raise unauthorized()
            params = await _read_params(request)
            result = await self.api.call(method, params)
        except ApiError as exc:
            self.state.errors[str(exc.code)] += 1
            if exc.code == 429:
                self.state.too_many_requests += 1
            return web.json_response(exc.payload(), status=exc.code)
        except Exception:
            # A sandbox bug must still look like a Telegram 500, not an HTML page.
            log.exception("sandbox failed on %s", method)
            self.state.errors["500"] += 1
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return web.json_response(body, status=500)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if not self._token_ok(request):
            return web.json_response(unauthorized().payload(), status=401)
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(not_found().payload(), status=404)
        return web.Response(body=stored.content, content_type=stored.mime_type)

    # --- control: users act ----------------------------------------------------

    def inject_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        language_code: str = "uk",
        first_name: str = "User",
        username: str | None = None,
        reply_to_message_id: int | None = None,
        document: inject.DocumentInput | None = None,
        forward_origin: Mapping[str, Any] | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message from a user (commands get a bot_command entity); return the update.
        forward_origin {"chat": <channel id>} is a post forwarded from that channel."""
        return inject.inject_message(
            self.state,
            user_id,
            text,
            chat_id=chat_id,
            language_code=language_code,
            first_name=first_name,
            username=username,
            reply_to_message_id=reply_to_message_id,
            document=document,
            forward_origin=forward_origin,
            message_thread_id=message_thread_id,
        )

    def inject_content(
        self,
        user_id: int,
        content: Mapping[str, Any],
        *,
        edit_of: int | None = None,
        language_code: str = "uk",
    ) -> dict[str, Any]:
        """Queue a private message of another kind (sticker, photo, location, …) or, with
        edit_of, an edit of message edit_of; return the update."""
        return inject.inject_content(
            self.state, user_id, content, edit_of=edit_of, language_code=language_code
        )

    def inject_callback(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        """A press on a button of the bot's message; returns the callback query id."""
        return inject.inject_callback(self.state, user_id, chat_id, message_id, data)

    def inject_inline_query(self, user_id: int, query: str, offset: str = "") -> str:
        """An inline query typed by a user; returns its id."""
        return inject.inject_inline_query(self.state, user_id, query, offset)

    def register_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        language_code: str = "uk",
        first_name: str = "User",
        username: str | None = None,
    ) -> None:
        """Make a chat known so the bot may send to it (type defaults from the id's sign)."""
        chat = self.state.chat(chat_id, create=True, type=type or chat_type_for(chat_id))
        assert chat is not None
        chat.language_code, chat.first_name, chat.username = language_code, first_name, username

    def register_chats(self, chat_ids: list[int], type: str | None = None) -> int:
        """register_chat for many chats at once (benchmarks make 100,000 readers)."""
        for chat_id in chat_ids:
            self.register_chat(int(chat_id), type=type)
        return len(chat_ids)

    # --- control: groups and channels -------------------------------------------

    def create_channel(
        self,
        chat_id: int,
        title: str,
        *,
        username: str | None = None,
        owner: int | None = None,
        admins: list[int] | None = None,
    ) -> None:
        """A channel (id ≤ -10**12); the bot is not in it until add_bot."""
        groups.create_chat(
            self.state,
            chat_id,
            type="channel",
            title=title,
            username=username,
            forum=False,
            owner=owner,
            admins=list(admins or ()),
            members=[],
        )

    def create_group(
        self,
        chat_id: int,
        title: str,
        *,
        username: str | None = None,
        forum: bool = False,
        owner: int | None = None,
        admins: list[int] | None = None,
        members: list[int] | None = None,
    ) -> None:
        """A group (a supergroup when id ≤ -10**12; forum=True: with topics)."""
        groups.create_chat(
            self.state,
            chat_id,
            type=None,
            title=title,
            username=username,
            forum=forum,
            owner=owner,
            admins=list(admins or ()),
            members=list(members or ()),
        )

    def create_topic(self, chat_id: int, name: str, *, creator: int | None = None) -> int:
        """A forum topic in a forum supergroup; returns its message_thread_id."""
        return groups.create_topic(self.state, self._known(chat_id), name, creator=creator)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """Sends to the topic now fail with "message thread not found"."""
        self._known(chat_id).topics.pop(thread_id, None)

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """A user's status: creator, administrator, member, left, kicked."""
        self._known(chat_id).members[user_id] = status

    def add_bot(
        self, chat_id: int, by: int | None = None, *, status: str = "administrator"
    ) -> dict[str, Any] | None:
        """The bot joins (a channel: as an administrator); with `by`, the my_chat_member
        update Telegram sends is queued and returned."""
        chat = self._known(chat_id)
        return groups.set_bot_status(self.state, chat, self.bot_user, status, by=by)

    def remove_bot(
        self, chat_id: int, by: int | None = None, *, status: str = "kicked"
    ) -> dict[str, Any] | None:
        """The bot is removed ("kicked", or "left"); sends then get 403. Without `by`, no
        update is queued (the bot learns it from the 403)."""
        chat = self._known(chat_id)
        return groups.set_bot_status(self.state, chat, self.bot_user, status, by=by)

    def age_messages(self, chat_id: int, seconds: float) -> int:
        """Make every message in a chat `seconds` older (the 48 h rule for deleting)."""
        moved = 0
        for raw in [m for (c, _), m in self.state.raw.items() if c == chat_id]:
            raw["date"] = int(raw.get("date", 0) - seconds)
            moved += 1
        for sent in self.state.sent.get(chat_id, []):
            sent.date = int(sent.date - seconds)
        return moved

    # --- control: chats change -------------------------------------------------

    def _known(self, chat_id: int) -> Chat:
        chat = self.state.chat(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}: inject a message or register_chat first")
        return chat

    def block_chat(self, chat_id: int) -> None:
        self._known(chat_id).blocked = True

    def unblock_chat(self, chat_id: int) -> None:
        self._known(chat_id).blocked = False

    def deactivate(self, chat_id: int) -> None:
        self._known(chat_id).deactivated = True

    def migrate_group(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: the old id answers 400 with migrate_to_chat_id."""
        self._known(old_id).migrated_to = new_id
        self.state.chat(new_id, create=True, type="supergroup")

    def set_limits(
        self,
        enabled: bool = True,
        global_per_s: int = 30,
        private_burst: int | None = None,
        group_per_min: int | None = None,
    ) -> None:
        self.limiter.configure(enabled, global_per_s, private_burst, group_per_min)

    def set_faults(
        self,
        error_rate: float = 0.0,
        timeout_rate: float = 0.0,
        hang_s: float = 10.0,
        latency_s: float = 0.0,
        burst_429: int = 0,
        retry_after: int = 1,
        seed: int | None = None,
        jitter_s: float = 0.0,
    ) -> None:
        """Replace the fault settings (all off by default)."""
        self.faults.configure(
            error_rate=error_rate,
            timeout_rate=timeout_rate,
            hang_s=hang_s,
            latency_s=latency_s,
            burst_429=burst_429,
            retry_after=retry_after,
            seed=seed,
            jitter_s=jitter_s,
        )

    def refuse_photo_url(self, url: str, reason: str = WRONG_TYPE) -> None:
        """sendPhoto with this URL fails as on Telegram when it cannot use the URL:
        400 "Bad Request: <reason>" ("wrong type of the web page content" for a page
        that is no image, "failed to get HTTP URL content" for one it cannot fetch)."""
        self.state.photo_refusals[url] = reason

    # --- control: reading ------------------------------------------------------

    def messages(self, chat_id: int) -> list[SentMessage]:
        """What the bot sent to a chat, oldest first (deleted ones flagged, kept)."""
        return list(self.state.sent.get(chat_id, []))

    def message_counts(self) -> list[list[int]]:
        """[chat_id, messages received] for every chat that received any."""
        return [[chat_id, len(sent)] for chat_id, sent in self.state.sent.items()]

    def all_messages(self) -> list[SentMessage]:
        return list(self.state.sent_order)

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        return list(self.state.callback_answers)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        for answer in self.state.callback_answers:
            if answer["callback_query_id"] == query_id:
                return answer
        return None

    def inline_answers(self, query_id: str) -> dict[str, Any] | None:
        """The bot's answer to an inline query: results, next_offset, cache_time, ..."""
        return self.state.inline_answers.get(query_id)

    @property
    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """Commands set for the default scope, by language_code ("" = all languages)."""
        return {
            lang: cmds for (scope, lang), cmds in self.state.commands.items() if scope == "default"
        }

    def commands_for(
        self, language_code: str = "", scope: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        key = (
            "default"
            if not scope or scope == {"type": "default"}
            else json.dumps(dict(scope), sort_keys=True)
        )
        return list(self.state.commands.get((key, language_code), []))

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return list(self.state.updates)

    def file_content(self, file_id: str) -> bytes:
        return self.state.files[file_id].content

    def stats(self) -> dict[str, Any]:
        return {
            "sent_ok": self.state.sent_ok,
            "too_many_requests": self.state.too_many_requests,
            "rate_limited": self.state.rate_limited,
            "faults": dict(self.faults.counts),
            "methods": dict(self.state.methods),
            "errors": dict(self.state.errors),
            "chats": len(self.state.chats),
            "webhook_delivered": self.webhook.delivered,
            "webhook_failed": self.webhook.failed_posts,
            "cpu_s": time.process_time(),  # this process's CPU (benchmarks run it alone)
        }

    # --- control: waiting ------------------------------------------------------

    # A plain `timeout` argument reads best in tests, hence the noqa.
    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> T:
        """Wait until predicate() is truthy and return its value; TimeoutError if not.

        Re-checked on every sandbox change and at least every 50 ms (for
        predicates over state outside the sandbox)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            await self.state.changed.wait(min(remaining, 0.05))

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until the bot has sent `count` messages to the chat; return them all."""
        try:

            def enough() -> list[SentMessage] | None:
                sent = self.messages(chat_id)
                return sent if len(sent) >= count else None

            return await self.wait_until(enough, timeout)
        except TimeoutError:
            got = [m.plain[:80] for m in self.messages(chat_id)]
            raise TimeoutError(
                f"chat {chat_id}: expected {count} message(s) within {timeout} s, "
                f"got {len(got)}: {got}"
            ) from None


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if isinstance(body, dict):
                values.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(
                        value.file.read(), value.filename or name, value.content_type
                    )
                else:
                    values[name] = value
    return Params(values, uploads)


def message_dict(message: SentMessage) -> dict[str, Any]:
    return asdict(message)

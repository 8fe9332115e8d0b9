"""The Bot API methods the sandbox speaks. Each takes Params and returns the result
object or raises ApiError; `BotApi.call` adds latency, faults and bookkeeping."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from bot.sandbox import editing, members, validate
from bot.sandbox.errors import ApiError, bad_request, forbidden, not_found, too_many_requests
from bot.sandbox.faults import Faults
from bot.sandbox.html import Parsed
from bot.sandbox.limits import RateLimiter
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import Chat, SentMessage, State, StoredFile, now

SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots may download files up to 20 MB
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
UPDATE_KINDS = ("message", "edited_message", "callback_query", "inline_query")
# Telegram's answers when it cannot use a photo URL (Sandbox.refuse_photo_url).
WRONG_TYPE = "wrong type of the web page content"
NOT_FETCHED = "failed to get HTTP URL content"

Handler = Callable[[Params], Awaitable[Any]]


class BotApi:
    def __init__(
        self,
        state: State,
        limiter: RateLimiter,
        faults: Faults,
        bot_user: dict[str, Any],
        sleep: Callable[[float], Awaitable[bool]],
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.faults = faults
        self.bot_user = bot_user
        self.sleep = sleep  # returns False when the sandbox is stopping
        self.closing = False
        self.webhook_active: Callable[[], bool] = lambda: False  # set by the server
        self._poll_generation = 0
        self.handlers: dict[str, Handler] = {
            "getme": self.get_me,
            "getupdates": self.get_updates,
            "deletewebhook": self.ok_true,
            "getwebhookinfo": self.get_webhook_info,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "setmydescription": self.ok_true,
            "setmyshortdescription": self.ok_true,
            "sendmessage": self.send_message,
            "sendphoto": self.send_photo,
            "senddocument": self.send_document,
            "editmessagetext": partial(editing.edit_message_text, self),
            "editmessagecaption": partial(editing.edit_message_caption, self),
            "editmessagereplymarkup": partial(editing.edit_message_reply_markup, self),
            "deletemessage": partial(editing.delete_message, self),
            "sendchataction": self.send_chat_action,
            "answercallbackquery": self.answer_callback_query,
            "answerinlinequery": self.answer_inline_query,
            "getfile": self.get_file,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
        }

    async def call(self, method: str, params: Params) -> Any:
        name = method.lower()  # Telegram matches method names case-insensitively
        handler = self.handlers.get(name)
        if handler is None:
            raise not_found()
        self.state.methods[method] += 1
        latency = self.faults.latency()
        if latency > 0:
            await self.sleep(latency)
        if name in SEND_METHODS:
            decision = self.faults.decide()
            if decision.error is not None:
                raise decision.error
            if decision.hang_s > 0:
                await self.sleep(decision.hang_s)
        return await handler(params)

    # --- service methods -------------------------------------------------------

    async def ok_true(self, params: Params) -> bool:
        return True

    async def get_me(self, params: Params) -> dict[str, Any]:
        return self.bot_user

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook_active():
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset", 0) or 0
        limit = min(max(params.integer("limit", 100) or 100, 1), 100)
        timeout = max(params.number("timeout", 0.0) or 0.0, 0.0)
        allowed = params.obj("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(kind) for kind in allowed] or None
        self._confirm(offset)
        # A newer getUpdates ends an older one with 409, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self.state.changed.notify()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._pending(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.closing:
                return batch
            await self.state.changed.wait(remaining)

    def _confirm(self, offset: int) -> None:
        updates = self.state.updates
        if offset < 0:
            self.state.updates = updates[offset:]
        elif offset > 0:
            self.state.updates = [u for u in updates if u["update_id"] >= offset]

    def _pending(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.state.allowed_updates
        batch = [
            update
            for update in self.state.updates
            if allowed is None or any(kind in update for kind in allowed)
        ]
        return batch[:limit]

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not (
                1 <= len(name) <= 32
                and all(c.isascii() and (c.isalnum() or c == "_") for c in name)
                and name == name.lower()
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[self._commands_key(params)] = commands
        return True

    async def get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        return self.state.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params) -> bool:
        self.state.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.obj("scope")
        scope_key = "default" if not scope else json.dumps(scope, sort_keys=True)
        if scope_key == json.dumps({"type": "default"}):
            scope_key = "default"
        return scope_key, params.text("language_code", "") or ""

    # --- chats -----------------------------------------------------------------

    def lookup(self, params: Params) -> Chat:
        """The chat a request names by id or, for a public group or channel, @username."""
        raw = params.values.get("chat_id")
        if isinstance(raw, str) and raw.startswith("@"):
            found = self.state.by_username(raw)
        else:
            found = self.state.chat(params.chat_id())
        if found is None:
            raise bad_request("chat not found")
        return found

    def target(self, params: Params) -> Chat:
        """The chat a request addresses, or the error Telegram gives for it."""
        chat = self.lookup(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.deactivated:
            raise forbidden("user is deactivated")
        if chat.blocked:
            raise forbidden(
                "bot was blocked by the user"
                if chat.type == "private"
                else f"bot was kicked from the {chat.type} chat"
            )
        if chat.type != "private":
            if chat.bot_status == "kicked":
                raise forbidden(f"bot was kicked from the {chat.type} chat")
            if chat.bot_status == "left":
                raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    async def get_chat(self, params: Params) -> dict[str, Any]:
        chat = self.lookup(params)
        # A private group or channel the bot is not in is not visible to it.
        if chat.type != "private" and chat.bot_status in members.OUT and not chat.username:
            raise bad_request("chat not found")
        return members.full_info(chat)

    async def get_chat_member(self, params: Params) -> dict[str, Any]:
        user_id = params.integer("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        return members.get_chat_member(self.state, self.lookup(params), user_id, self.bot_user)

    async def send_chat_action(self, params: Params) -> bool:
        self.target(params)
        return True

    # --- sending ---------------------------------------------------------------

    def _reply_to(self, chat: Chat, params: Params) -> tuple[int | None, dict[str, Any] | None]:
        reply = params.obj("reply_parameters")
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            message_id = int(reply["message_id"])
            lenient = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id_or_none = params.integer("reply_to_message_id")
            if message_id_or_none is None:
                return None, None
            message_id = message_id_or_none
            lenient = params.flag("allow_sending_without_reply")
        replied = self.state.raw.get((chat.id, message_id))
        if replied is None:
            if lenient:
                return None, None
            raise bad_request("message to be replied not found")
        return message_id, replied

    def _deliver(
        self,
        chat: Chat,
        params: Params,
        parsed: Parsed,
        *,
        kind: str,
        extra: dict[str, Any],
        reply: tuple[int | None, dict[str, Any] | None],
        markup: dict[str, Any] | None,
        upload: StoredFile | None = None,
        preview: dict[str, Any] | None = None,
        photo: str | None = None,
    ) -> dict[str, Any]:
        thread_id = self._thread(chat, params)
        self.count(chat, paid=params.flag("allow_paid_broadcast"))
        message_id = self.state.new_message_id(chat)
        date = now()
        raw: dict[str, Any] = {"message_id": message_id, "chat": chat.json(), "date": date}
        if chat.type == "channel":
            raw["sender_chat"] = chat.json()  # a channel post has no "from"
        else:
            raw["from"] = self.bot_user
        if thread_id is not None:
            raw["message_thread_id"] = thread_id
            raw["is_topic_message"] = True
        text_key = "text" if kind == "text" else "caption"
        if parsed.text or kind == "text":
            raw[text_key] = parsed.text
        if parsed.entities:
            raw["entities" if kind == "text" else "caption_entities"] = parsed.entities
        raw.update(extra)
        if preview is not None:
            raw["link_preview_options"] = preview
        if markup is not None:
            raw["reply_markup"] = markup
        if reply[1] is not None:
            raw["reply_to_message"] = reply[1]
        source = params.text("text") if kind == "text" else params.text("caption")
        sent = SentMessage(
            message_id=message_id,
            chat_id=chat.id,
            text=source if kind == "text" else None,
            parse_mode=params.text("parse_mode"),
            reply_markup=markup,
            reply_to_message_id=reply[0],
            date=date,
            kind=kind,
            caption=source if kind != "text" else None,
            plain=parsed.text,
            entity_count=len(parsed.entities),
            link_preview_options=preview,
            photo=photo,
            entities=list(parsed.entities),
            disable_notification=params.flag("disable_notification"),
            file_name=upload.file_name if upload else None,
            file_id=upload.file_id if upload else None,
            file_size=len(upload.content) if upload else None,
            sent_at=time.monotonic(),
            message_thread_id=thread_id,
        )
        self.state.record_sent(sent, raw)
        return raw

    @staticmethod
    def _thread(chat: Chat, params: Params) -> int | None:
        """The forum topic a send goes to (checked before anything counts)."""
        thread_id = params.integer("message_thread_id")
        if thread_id is None:
            return None
        if not chat.is_forum or thread_id not in chat.topics:
            raise bad_request("message thread not found")
        return thread_id

    def count(self, chat: Chat, *, paid: bool = False, per_chat: bool = True) -> None:
        """Count a send or an edit in the flood limits, or refuse it with 429."""
        retry_after = self.limiter.acquire(chat.id, chat.type, paid=paid, per_chat=per_chat)
        if retry_after:
            self.state.rate_limited += 1
            raise too_many_requests(retry_after)

    async def send_message(self, params: Params) -> dict[str, Any]:
        chat = self.target(params)
        parsed = validate.message_text(params.text("text"), params.text("parse_mode"))
        markup = validate.reply_markup(params.obj("reply_markup"))
        preview = validate.link_preview(params.obj("link_preview_options", validate.LINK_PREVIEW))
        reply = self._reply_to(chat, params)
        return self._deliver(
            chat,
            params,
            parsed,
            kind="text",
            extra={},
            reply=reply,
            markup=markup,
            preview=preview,
        )

    def _file_param(self, params: Params, name: str, folder: str) -> StoredFile:
        upload = params.uploads.get(name)
        if upload is None:
            ref = params.text(name)
            if not ref:
                raise bad_request(f"there is no {name} in the request")
            if ref.startswith("attach://"):
                upload = params.uploads.get(ref.removeprefix("attach://"))
            elif ref in self.state.files:
                return self.state.files[ref]
            elif ref.startswith(("http://", "https://")):
                # Telegram fetches the URL itself; a test says which ones it fails on.
                refusal = self.state.photo_refusals.get(ref)
                if refusal is not None:
                    raise bad_request(refusal)
                upload = Upload(b"", ref.rsplit("/", 1)[-1] or "remote", "application/octet-stream")
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        return self.state.store_file(upload.content, upload.file_name, upload.mime_type, folder)

    async def send_photo(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "photo", "photos")

    async def send_document(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "document", "documents")

    async def _send_file(self, params: Params, kind: str, folder: str) -> dict[str, Any]:
        chat = self.target(params)
        parsed = validate.caption_text(
            params.text("caption"),
            params.text("parse_mode"),
            params.obj("caption_entities", "caption entities"),
        )
        markup = validate.reply_markup(params.obj("reply_markup"))
        reply = self._reply_to(chat, params)
        stored = self._file_param(params, kind, folder)
        given = None if kind in params.uploads else params.text(kind)
        described = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if kind == "photo":
            extra: dict[str, Any] = {"photo": [{**described, "width": 1280, "height": 720}]}
        else:
            extra = {
                "document": {
                    **described,
                    "file_name": stored.file_name,
                    "mime_type": stored.mime_type,
                }
            }
        return self._deliver(
            chat,
            params,
            parsed,
            kind=kind,
            extra=extra,
            reply=reply,
            markup=markup,
            upload=stored,
            photo=given if kind == "photo" else None,
        )

    # --- queries ---------------------------------------------------------------

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        query = self.state.callback_queries.get(query_id)
        if query is None or query.get("answered"):
            raise bad_request(QUERY_INVALID)
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self.state.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": params.flag("show_alert"),
                "url": params.text("url"),
                "cache_time": params.integer("cache_time"),
            }
        )
        self.state.changed.notify()
        return True

    async def answer_inline_query(self, params: Params) -> bool:
        query_id = params.text("inline_query_id") or ""
        if query_id not in self.state.inline_queries or query_id in self.state.inline_answers:
            raise bad_request(QUERY_INVALID)
        results = params.obj("results")
        if not isinstance(results, list):
            raise bad_request("can't parse results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _inline_result(result, seen)
        next_offset = params.text("next_offset", "") or ""
        if len(next_offset.encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        self.state.inline_answers[query_id] = {
            "inline_query_id": query_id,
            "results": results,
            "next_offset": next_offset,
            "cache_time": params.integer("cache_time"),
            "is_personal": params.flag("is_personal"),
            "button": params.obj("button"),
        }
        self.state.changed.notify()
        return True

    # --- files -----------------------------------------------------------------

    async def get_file(self, params: Params) -> dict[str, Any]:
        stored = self.state.files.get(params.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


def _inline_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or "type" not in result:
        raise bad_request("can't parse inline query result JSON object")
    result_id = str(result.get("id", ""))
    if not 1 <= len(result_id.encode()) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        validate.message_text(content["message_text"], content.get("parse_mode"))
    validate.reply_markup(result.get("reply_markup"))


def closing_sleep(stop: asyncio.Event) -> Callable[[float], Awaitable[bool]]:
    """A sleep that ends early when the sandbox stops; False if it did."""

    async def sleep(seconds: float) -> bool:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return True
        return False

    return sleep

"""The broadcast sender: an aiohttp transport for python-telegram-bot, and sendMessage /
sendPhoto (a story with its lead image) with a body encoded once per story variant.

httpx/httpcore's connection pool walks every connection on each request, which caps
a broadcast at a few hundred messages/s on one core; aiohttp's pool does not. Going
through Bot.send_message costs more than the send itself (building RequestParameters,
serialising the keyboard, turning the answer into a Message with its entities), so a
broadcast posts pre-encoded JSON (`prepare` once, `send_prepared` per reader) and reads
only the message id; errors raise the same exceptions PTB raises. Replies keep PTB.
"""

from __future__ import annotations

import json
import re
import warnings
from http import HTTPStatus
from typing import Any

import aiohttp
from telegram import Bot, InlineKeyboardMarkup
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float = 20.0,
        write_timeout: float = 20.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = self._write_timeout if isinstance(write_timeout, DefaultValue) else write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        # Whole request bounded by write + read: a hung send is given up only after that.
        total = None if read is None else read + (write or 0.0)
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect)
        body: aiohttp.FormData | bytes | None = None
        headers = {}
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, part in request_data.multipart_data.items():
                filename, content, mime = part
                form.add_field(name, content, filename=filename, content_type=mime)
            body = form
        elif request_data is not None:
            body = request_data.json_payload
            headers["Content-Type"] = "application/json"
        return await self._send(method, url, body, headers, timeout)

    async def post_json(self, url: str, body: bytes) -> tuple[int, bytes]:
        """POST an encoded JSON body with the default timeouts."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        return await self._send("POST", url, body, JSON_HEADERS, self._timeout)

    @property
    def _timeout(self) -> aiohttp.ClientTimeout:
        total = self._read_timeout + self._write_timeout
        return aiohttp.ClientTimeout(total=total, sock_connect=self._connect_timeout)

    async def _send(
        self,
        method: str,
        url: str,
        body: aiohttp.FormData | bytes | None,
        headers: dict[str, str],
        limits: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        assert self._session is not None
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=limits
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp: {type(error).__name__}: {error}") from error


JSON_HEADERS = {"Content-Type": "application/json"}
OK_MESSAGE_ID = re.compile(rb'\{"ok":\s*true,\s*"result":\s*\{"message_id":\s*(\d+)[,}]')


SEND_MESSAGE = "sendMessage"
SEND_PHOTO = "sendPhoto"


def prepare(
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    disable_notification: bool = False,
    paid_broadcast: bool = False,
    preview_image: str | None = None,
) -> bytes:
    """The sendMessage body for HTML `text` without its chat: encoded once, sent to many.
    `preview_image`: a large link preview of that image above the text."""
    params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if preview_image is not None:
        params["link_preview_options"] = {
            "url": preview_image,
            "prefer_large_media": True,
            "show_above_text": True,
        }
    return _encode(params, keyboard, disable_notification, paid_broadcast)


def prepare_photo(
    photo: str,
    caption: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    disable_notification: bool = False,
    paid_broadcast: bool = False,
) -> bytes:
    """The sendPhoto body: the photo by URL (Telegram fetches it), HTML `caption`."""
    params: dict[str, Any] = {"photo": photo, "caption": caption, "parse_mode": "HTML"}
    return _encode(params, keyboard, disable_notification, paid_broadcast)


def _encode(
    params: dict[str, Any],
    keyboard: InlineKeyboardMarkup | None,
    disable_notification: bool,
    paid_broadcast: bool,
) -> bytes:
    if keyboard is not None:
        params["reply_markup"] = keyboard.to_dict()
    if disable_notification:
        params["disable_notification"] = True
    if paid_broadcast:
        params["allow_paid_broadcast"] = True
    # Everything after the opening brace; send_prepared puts the chat in front.
    return json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()[1:]


def body_for(
    chat_id: int, prepared: bytes, reply_to: int | None = None, thread_id: int | None = None
) -> bytes:
    head = b'{"chat_id":%d,' % chat_id
    if thread_id:
        head += b'"message_thread_id":%d,' % thread_id
    if reply_to:
        head += (
            b'"reply_parameters":{"message_id":%d,"allow_sending_without_reply":true},' % reply_to
        )
    return head + prepared


async def send_prepared(
    bot: Bot,
    chat_id: int,
    prepared: bytes,
    *,
    reply_to: int | None = None,
    method: str = SEND_MESSAGE,
    thread_id: int | None = None,
) -> int:
    """Send a prepared message (`method`: sendMessage or sendPhoto, as prepared) to one
    chat (a forum topic: with its thread id); the message id, or PTB's exception."""
    body = body_for(chat_id, prepared, reply_to, thread_id)
    request = bot.request
    if not isinstance(request, AiohttpRequest):  # another transport: through PTB
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PTBUserWarning)  # "use Bot.send_message"
            result = await bot.do_api_request(method, api_kwargs=json.loads(body))
        return int(result["message_id"])
    status, payload = await request.post_json(f"{bot.base_url}/{method}", body)
    if 200 <= status <= 299:
        # Telegram's answer starts with the message id: read it without decoding the
        # whole message (its text and entities come back too); anything else is parsed.
        if found := OK_MESSAGE_ID.match(payload):
            return int(found[1])
        try:
            return int(json.loads(payload)["result"]["message_id"])
        except (ValueError, KeyError, TypeError) as error:
            raise NetworkError(f"unreadable answer to {method}: {error}") from error
    raise error_for(status, payload)


def error_for(status: int, payload: bytes) -> TelegramError:
    """The exception PTB's request wrapper raises for this answer (same classes, same
    messages), so the worker sorts failures the same way on either path."""
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if isinstance(data, dict):
        message = data.get("description") or message
        parameters = data.get("parameters")
        if isinstance(parameters, dict):
            if parameters.get("migrate_to_chat_id"):
                return ChatMigrated(parameters["migrate_to_chat_id"])
            if parameters.get("retry_after"):
                return RetryAfter(parameters["retry_after"])
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)

"""Everything the sandbox remembers: chats, users, updates, sent messages, files."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SUPERGROUP_BELOW = -1_000_000_000_000  # supergroup and channel ids are ≤ this


def chat_type_for(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= SUPERGROUP_BELOW else "group"


@dataclass
class SentMessage:
    """A message the bot sent. `text`/`caption` are as sent (markup included);
    `plain` is the same after entity parsing, as a user would read it."""

    message_id: int
    chat_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    date: int
    edits: list[str] = field(default_factory=list)  # earlier texts, oldest first
    kind: str = "text"  # text | photo | document
    caption: str | None = None
    plain: str = ""
    entity_count: int = 0
    link_preview_options: dict[str, Any] | None = None
    photo: str | None = None  # a sendPhoto's photo as given: URL or file_id (None: upload)
    entities: list[dict[str, Any]] = field(default_factory=list)  # text's or caption's
    disable_notification: bool = False
    file_name: str | None = None
    file_size: int | None = None
    file_id: str | None = None  # a sent photo or document: Sandbox.file_content() reads it
    sent_at: float = 0.0  # time.monotonic() when accepted, to check rates
    deleted: bool = False
    message_thread_id: int | None = None  # the forum topic it went to
    edit_times: list[float] = field(default_factory=list)  # time.monotonic() of each edit


@dataclass
class Chat:
    id: int
    type: str
    language_code: str = "uk"
    first_name: str = "User"
    username: str | None = None
    blocked: bool = False
    deactivated: bool = False
    migrated_to: int | None = None
    last_message_id: int = 0
    # Groups and channels (bot.sandbox.members): title, @username, forum topics
    # (thread id → name), members' statuses and the bot's own.
    title: str | None = None
    is_forum: bool = False
    topics: dict[int, str] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"

    def json(self) -> dict[str, Any]:
        if self.type == "private":
            data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
            if self.username:
                data["username"] = self.username
            return data
        data = {"id": self.id, "type": self.type, "title": self.title or f"Chat {self.id}"}
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str
    mime_type: str


class Signal:
    """Wakes every waiter on each change; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, seconds: float) -> None:
        # Grabs the current event before suspending, so no notify is missed.
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0.0))


class State:
    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.updates: list[dict[str, Any]] = []  # not yet confirmed by an offset
        self.next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self.sent: dict[int, list[SentMessage]] = {}
        self.sent_order: list[SentMessage] = []
        self.raw: dict[tuple[int, int], dict[str, Any]] = {}  # every message, as JSON
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.inline_queries: dict[str, dict[str, Any]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (scope, lang)
        self.methods: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.sent_ok = 0
        self.rate_limited = 0
        # Photo URLs Telegram would fail to use, and the error it gives for each.
        self.photo_refusals: dict[str, str] = {}
        self.too_many_requests = 0
        self._ids = 0
        self.changed = Signal()

    def reset_signal(self) -> None:
        """A fresh event for the running loop (tests use one loop per test)."""
        self.changed = Signal()

    def next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    def chat(self, chat_id: int, *, create: bool = False, type: str | None = None) -> Chat | None:
        chat = self.chats.get(chat_id)
        if chat is None and create:
            chat = Chat(chat_id, type or chat_type_for(chat_id))
            self.chats[chat_id] = chat
        return chat

    def new_message_id(self, chat: Chat) -> int:
        chat.last_message_id += 1
        return chat.last_message_id

    def add_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.changed.notify()
        return update

    def record_sent(self, message: SentMessage, raw: dict[str, Any]) -> None:
        self.sent.setdefault(message.chat_id, []).append(message)
        self.sent_order.append(message)
        self.raw[(message.chat_id, message.message_id)] = raw
        self.sent_ok += 1
        self.changed.notify()

    def by_username(self, name: str) -> Chat | None:
        """A public group or channel by its @username (case-insensitive, as Telegram)."""
        wanted = name.removeprefix("@").lower()
        for chat in self.chats.values():
            if chat.type != "private" and chat.username and chat.username.lower() == wanted:
                return chat
        return None

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in self.sent.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def store_file(self, content: bytes, file_name: str, mime_type: str, folder: str) -> StoredFile:
        n = len(self.files) + 1
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"SBX{folder[:3].upper()}{n:06d}",
            file_unique_id=f"u{n:06d}",
            file_path=f"{folder}/file_{n}.{suffix}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def now() -> int:
    return int(time.time())

"""Channels, groups and forum topics as destinations, for handlers.

A channel is connected from a private chat (`/connect @channel` or a forwarded post):
Telegram is asked whether the bot may post there and whether the user is an admin of
it; the user then manages its topics, watches, language and digest in /channels. In
a group, only its admins change what it receives (asked with getChatMember, for a
minute). When a group or channel removes the bot — a my_chat_member update or a 403
on delivery — it is marked blocked (its rows stop) and whoever connected it is told.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum

from telegram import Bot
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import i18n
from bot.readers import ReaderService
from bot.search.service import AddResult, WatchService
from storage import chats, destinations
from storage.chats import Chat
from storage.db import Database

log = logging.getLogger(__name__)

ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
REMOVED_STATUSES = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
ADMIN_CACHE_S = 60.0  # a group admin's answer is reused this long
ADMIN_CACHE_MAX = 10_000
MODES = ("instant", "digest")


class ConnectStatus(StrEnum):
    CONNECTED = "connected"
    NOT_FOUND = "not_found"  # no such chat, or the bot cannot see it
    PRIVATE = "private"  # a user, not a channel or group
    BOT_NOT_ADMIN = "bot_not_admin"  # the bot may not post there
    NOT_ADMIN = "not_admin"  # the user is not an admin of it


@dataclass(frozen=True, slots=True)
class ConnectResult:
    status: ConnectStatus
    chat: Chat | None = None
    title: str = ""


class DestinationService:
    def __init__(
        self,
        db: Database,
        readers: ReaderService,
        watches: WatchService,
        *,
        default_language: str,
    ) -> None:
        self.db = db
        self.readers = readers
        self.watches = watches
        self.default_language = default_language
        self._admins: dict[tuple[int, int], tuple[float, bool]] = {}

    # -- connecting ------------------------------------------------------------------

    async def connect(self, bot: Bot, user_id: int, ref: str | int) -> ConnectResult:
        """Connect a channel or group (by @username or id) for `user_id`, who must be
        its admin; the bot must be able to post there."""
        try:
            info = await bot.get_chat(ref)
        except TelegramError as error:
            log.info("connect %s: %s", ref, error)
            return ConnectResult(ConnectStatus.NOT_FOUND)
        title = info.title or info.username or str(info.id)
        if info.type == ChatType.PRIVATE:
            return ConnectResult(ConnectStatus.PRIVATE, title=title)
        try:
            me = await bot.get_chat_member(info.id, bot.id)
        except TelegramError:
            return ConnectResult(ConnectStatus.BOT_NOT_ADMIN, title=title)
        may_post = (
            me.status == ChatMemberStatus.ADMINISTRATOR
            and getattr(me, "can_post_messages", True) is not False
            if info.type == ChatType.CHANNEL
            else me.status not in REMOVED_STATUSES
        )
        if not may_post:
            return ConnectResult(ConnectStatus.BOT_NOT_ADMIN, title=title)
        if not await self._is_admin(bot, info.id, user_id, cached=False):
            return ConnectResult(ConnectStatus.NOT_ADMIN, title=title)
        chat = await destinations.connect(
            self.db,
            info.id,
            chat_type=info.type,
            title=title,
            username=info.username,
            connected_by=user_id,
        )
        return ConnectResult(ConnectStatus.CONNECTED, chat, title)

    # -- groups: who may change subscriptions -------------------------------------------

    async def may_manage(
        self, bot: Bot, chat_id: int, user_id: int | None, *, sender_chat_id: int | None = None
    ) -> bool:
        """Whether a user may change a group's subscriptions: its admins only (an
        anonymous admin writes as the group itself)."""
        if sender_chat_id == chat_id:
            return True
        if user_id is None:
            return False
        return await self._is_admin(bot, chat_id, user_id, cached=True)

    async def _is_admin(self, bot: Bot, chat_id: int, user_id: int, *, cached: bool) -> bool:
        key = (chat_id, user_id)
        now = time.monotonic()
        known = self._admins.get(key)
        if cached and known is not None and now - known[0] < ADMIN_CACHE_S:
            return known[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.info("getChatMember %s/%s: %s", chat_id, user_id, error)
            return False
        answer = member.status in ADMIN_STATUSES
        if len(self._admins) >= ADMIN_CACHE_MAX:
            self._admins.clear()
        self._admins[key] = (now, answer)
        return answer

    # -- forum topics ---------------------------------------------------------------------

    async def topic(self, chat_id: int, thread_id: int, title: str | None = None) -> int:
        """The destination id of a forum topic (made on first use)."""
        if title is None:
            found = await destinations.find_topic(self.db, chat_id, thread_id)
            if found is not None:
                return found
        return (await destinations.topic(self.db, chat_id, thread_id, title=title)).id

    # -- the bot removed or added -----------------------------------------------------------

    async def membership_changed(self, bot: Bot, chat_id: int, status: str) -> None:
        """A my_chat_member update: the bot was removed from (or added back to) a chat."""
        if status in REMOVED_STATUSES:
            before = await chats.set_status(self.db, chat_id, chats.BLOCKED)
            if before == chats.ACTIVE:
                await self.removed(bot, chat_id)
        elif await chats.get(self.db, chat_id) is not None:
            await chats.set_status(self.db, chat_id, chats.ACTIVE)

    async def removed(self, bot: Bot, chat_id: int) -> None:
        """Tell whoever connected a group or channel that it no longer gets stories."""
        chat = await chats.get(self.db, chat_id)
        if chat is None or chat.connected_by is None:
            return
        admin = await chats.get(self.db, chat.connected_by)
        locale = i18n.resolve_locale(
            admin.language if admin else None,
            admin.telegram_language if admin else None,
            self.default_language,
        )
        t = i18n.translator(locale)
        text = t.gettext(
            "The bot was removed from «{title}»: stories are no longer sent there. "
            "To deliver again, add the bot back as an admin and send /connect."
        ).format(title=chat.title or chat.username or chat.id)
        try:
            await bot.send_message(chat.connected_by, text)
        except TelegramError as error:
            log.info("could not tell %s about chat %s: %s", chat.connected_by, chat_id, error)

    # -- /channels ----------------------------------------------------------------------------

    async def of_user(self, user_id: int) -> list[Chat]:
        return await destinations.connected_by(self.db, user_id)

    async def owned(self, user_id: int, chat_id: int) -> Chat | None:
        """A destination the user connected (a forum topic: its group), else None."""
        for chat in await destinations.connected_by(self.db, user_id):
            if chat.id == chat_id:
                return chat
        return None

    async def by_username(self, user_id: int, name: str) -> Chat | None:
        wanted = name.removeprefix("@").lower()
        for chat in await destinations.connected_by(self.db, user_id):
            if chat.username and chat.username.lower() == wanted:
                return chat
        return None

    async def toggle_topic(self, chat: Chat, topic_id: str) -> bool:
        """Follow or stop following a topic; True when now following."""
        if await self.readers.unfollow(chat.id, topic_id):
            return False
        await self.readers.follow(chat.id, topic_id)
        return True

    async def set_language(self, chat: Chat, language: str) -> None:
        await self.readers.set_language(chat.id, language)

    async def set_delivery(self, chat: Chat, mode: str, digest_time: str | None) -> Chat | None:
        values: dict[str, str | None] = {"mode": mode}
        if digest_time is not None:
            values["digest_time"] = digest_time
        return await self.readers.update_settings(chat.id, **values)

    async def add_watch(self, chat: Chat, text: str) -> AddResult:
        return await self.watches.add(chat.id, text)

    async def remove_watch(self, chat: Chat, watch_id: int) -> bool:
        return await self.watches.remove(chat.id, watch_id)

    async def disconnect(self, chat: Chat) -> None:
        await destinations.disconnect(self.db, chat.id)
        await self.watches.load()  # its watches are gone from storage

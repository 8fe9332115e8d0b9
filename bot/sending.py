"""One message to one chat, and what its outcome does to the chat.

Delivery and digests both send through a ChatSender: every Telegram error is sorted
by bot.outcomes.classify, and what concerns the chat itself is applied here, once —
a pause after a 429, a blocked or gone chat marked (its pending rows stop), a
migrated group moved with its subscriptions (and the keyword matcher reloaded).
What becomes of the caller's outbox rows stays with the caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import metrics
from bot.outcomes import Blocked, Flood, Gone, Migrated, Outcome, classify
from bot.pacing import Pacer, Ticket
from bot.sender_http import SEND_MESSAGE
from bot.sender_http import send_prepared as post_prepared
from storage import chats
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: int


Result = Sent | Outcome


class PacedSender(Protocol):
    """What a digest needs to send: one HTML message at the chat's pace."""

    async def send_paced(
        self, chat_id: int, chat_type: str, text: str, *, thread_id: int | None = None
    ) -> Result: ...


class ChatSender:
    def __init__(self, db: Database, bot: Bot, pacer: Pacer) -> None:
        self.db = db
        self.bot = bot
        self.pacer = pacer
        # A group moved: the keyword matcher holds chat ids, so it is reloaded.
        self.on_chat_migrated: Callable[[], Awaitable[object]] | None = None
        # A group or channel removed the bot (403): whoever connected it is told.
        self.on_chat_removed: Callable[[int], Awaitable[object]] | None = None

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        keyboard: InlineKeyboardMarkup | None = None,
        reply_to: int | None = None,
        silent: bool = False,
        thread_id: int | None = None,
    ) -> Result:
        """Send now (the caller paced it). Telegram errors come back as outcomes."""
        try:
            message = await self.bot.send_message(
                chat_id,
                text,
                message_thread_id=thread_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to
                    else None
                ),
                disable_notification=silent,
            )
        except TelegramError as error:
            outcome = classify(error)
            await self.settle(chat_id, outcome)
            return outcome
        return Sent(message.message_id)

    async def send_prepared(
        self,
        chat_id: int,
        prepared: bytes,
        *,
        reply_to: int | None = None,
        method: str = SEND_MESSAGE,
        ticket: Ticket | None = None,
        thread_id: int | None = None,
    ) -> Result:
        """send() for a body encoded once for many chats (bot.sender_http.prepare,
        prepare_photo with method sendPhoto); the pacer's ticket is marked answered as
        soon as the answer is in."""
        if ticket is not None:
            await self.pacer.on_time(ticket)
        try:
            try:
                message_id = await post_prepared(
                    self.bot,
                    chat_id,
                    prepared,
                    reply_to=reply_to,
                    method=method,
                    thread_id=thread_id,
                )
            finally:
                if ticket is not None:
                    self.pacer.answered(ticket)
        except TelegramError as error:
            outcome = classify(error)
            await self.settle(chat_id, outcome)
            return outcome
        return Sent(message_id)

    async def send_paced(
        self, chat_id: int, chat_type: str, text: str, *, thread_id: int | None = None
    ) -> Result:
        ticket = await self.pacer.acquire(chat_id, chat_type)
        try:
            return await self.send(chat_id, text, thread_id=thread_id)
        finally:
            self.pacer.answered(ticket)

    async def settle(self, chat_id: int, outcome: Outcome) -> None:
        """Apply what an outcome means for the chat (not for any one message)."""
        if isinstance(outcome, Flood):
            metrics.TOO_MANY.inc()
            self.pacer.pause_chat(chat_id, outcome.retry_after_s)
        elif isinstance(outcome, Blocked):
            before = await chats.set_status(self.db, chat_id, chats.BLOCKED)
            if before == chats.ACTIVE and self.on_chat_removed is not None:
                await self.on_chat_removed(chat_id)
        elif isinstance(outcome, Gone):
            await chats.set_status(self.db, chat_id, chats.GONE)
        elif isinstance(outcome, Migrated):
            await chats.migrate(self.db, chat_id, outcome.new_chat_id)
            if self.on_chat_migrated is not None:
                await self.on_chat_migrated()

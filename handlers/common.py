"""What every handler needs: the services, the chat, and the reader's language."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import i18n
from bot.services import Services, services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """One incoming update, resolved: who asked, in which language, with which services."""

    services: Services
    chat_id: int
    user_id: int | None
    locale: str
    t: i18n.Translator

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    @property
    def is_admin(self) -> bool:
        return self.user_id is not None and self.user_id in self.services.settings.admin_ids


async def turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    found = services(context)
    chat = update.effective_chat
    user = update.effective_user
    chat_id = chat.id if chat else (user.id if user else 0)
    thread = forum_thread(update)
    if chat is not None and thread is not None:
        # A forum topic is a destination of its own: its subscriptions, not the group's.
        chat_id = await found.destinations.topic(chat.id, thread[0], thread[1])
    stored = await found.readers.get(chat_id)
    locale = i18n.resolve_locale(
        stored.language if stored else None,
        user.language_code if user else None,
        found.settings.default_language,
    )
    return Turn(found, chat_id, user.id if user else None, locale, i18n.translator(locale))


def forum_thread(update: Update) -> tuple[int, str | None] | None:
    """(message_thread_id, topic name when Telegram says it) of a forum topic message."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not chat.is_forum or not message.is_topic_message:
        return None
    if not message.message_thread_id:
        return None
    opened = message.reply_to_message.forum_topic_created if message.reply_to_message else None
    return message.message_thread_id, opened.name if opened else None


async def record_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update: remember the chat and re-activate it if it had
    blocked the bot (writing to us means it no longer does)."""
    chat = update.effective_chat
    if chat is None or update.my_chat_member is not None:
        return  # the bot's own membership changing is not the chat writing to us
    user = update.effective_user
    await services(context).readers.touch(
        chat.id,
        chat_type=chat.type,
        telegram_language=user.language_code if user else None,
    )


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


async def refused(tn: Turn, update: Update, what: str) -> bool:
    """True (and a polite refusal, logged) when the user is not an admin."""
    if tn.is_admin:
        return False
    log.warning("non-admin %s tried %s", tn.user_id, what)
    refusal = tn._("Sorry, only the bot's admins can do that.")
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(refusal)
    return True


def admin_only(what: str) -> Callable[[Handler], Handler]:
    """Guard a command or button handler: only admins get through (one rule for both,
    so an admin command is never one that forgot to check)."""

    def guard(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if not await refused(await turn(update, context), update, what):
                await handler(update, context)

        return guarded

    return guard


def private_only(refusal: str) -> Callable[[Handler], Handler]:
    """Guard a command about what the user owns (their channels): it works only in a
    private chat with them; elsewhere it answers `refusal` (an N_ message)."""

    def guard(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message, chat = update.effective_message, update.effective_chat
            if message is None or chat is None:
                return
            tn = await turn(update, context)
            if chat.type != "private" or tn.user_id is None:
                await message.reply_text(tn._(refusal))
                return
            await handler(update, context)

        return guarded

    return guard


async def command_turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[Turn, Message]:
    """The turn and the message of a command (or a captioned file)."""
    message = update.effective_message
    assert message is not None  # command and document handlers always have one
    return await turn(update, context), message


@contextmanager
def unchanged_is_fine() -> Iterator[None]:
    """Around an edit of a button's message: a double tap asks for what the message
    already shows, and Telegram refuses that edit ("message is not modified")."""
    try:
        yield
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def edit_html(query: Any, html: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Show this HTML and keyboard on the button's message (a double tap: unchanged)."""
    with unchanged_is_fine():
        await query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=keyboard)

"""The last line of defence: log the error, tell the user something short, never a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import i18n
from bot.services import services

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked us; nobody to tell
    user = update.effective_user
    settings = services(context).settings
    locale = i18n.resolve_locale(
        None, user.language_code if user else None, settings.default_language
    )
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            i18n.translator(locale).gettext("Something went wrong. Please try again later."),
        )
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)

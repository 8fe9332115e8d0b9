"""Answers of last resort: a button press no handler answered (forged, stale or from an
old version of the bot) gets a short "expired" alert; an unknown command in a private
chat points to /help. Registered last, so every other handler is tried first."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from handlers.common import turn


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Called by bot.updates after an update whose callback query nobody answered."""
    query = update.callback_query
    if query is None:
        return
    tn = await turn(update, context)
    await query.answer(tn._("This button has expired."), show_alert=True)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    await message.reply_text(tn._("I do not know that command. /help lists what I can do."))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    # Private chats only: in a group, commands may be meant for another bot.
    return [MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command)]

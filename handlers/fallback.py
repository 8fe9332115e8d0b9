"""Answers of last resort: a button press no handler answered (forged, stale or from an
old version of the bot) gets a short "expired" alert; an unknown command or any other
message in a private chat points to /search and /help. Registered last, so every other
handler is tried first."""

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


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, a sticker, a file without /push: say what the bot can do with words."""
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    if tn.is_admin and message.document is not None:
        await message.reply_text(tn._("To publish this file, reply /push to it."))
        return
    await message.reply_text(
        tn._("To find stories, send /search and a few words. /help lists what I can do.")
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    # Private chats only: in a group, commands and talk may be meant for someone else.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, anything_else),
    ]

"""Answers of last resort: a button press no handler answered (forged, stale or from an
old version of the bot) gets a short "expired" alert; an unknown command or any other
message in a private chat points to /help; plain text in a private chat is a search.
Registered last, so every other handler is tried first."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.tghtml import escape
from handlers.common import turn
from handlers.search import answer_search

ADMIN_STORY_CHARS = 280  # an admin's longer plain text is a story to publish, not a query


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Called by bot.updates after an update whose callback query nobody answered."""
    query = update.callback_query
    if query is None:
        return
    tn = await turn(update, context)
    await query.answer(tn._("This button has expired."), show_alert=True)


async def update_failed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Called by bot.updates for an update dropped after it failed MAX_ATTEMPTS times."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return  # a button or an inline query: too old to answer by now
    tn = await turn(update, context)
    await message.reply_text(
        tn._(
            "Sorry, I could not handle your message and had to drop it. /help lists what I can do."
        )
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    command = (message.text or "/").split(maxsplit=1)[0][:40]
    await message.reply_text(
        tn._(
            "I do not know {command}. Try /search <words>, /topics, /latest, /settings; "
            "/help lists everything."
        ).format(command=command)
    )


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, a sticker, a file without /push: say what the bot can do with words."""
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    if message.document is not None:
        if tn.is_admin:
            await message.reply_text(tn._("To publish this file, reply /push to it."))
        else:
            await message.reply_text(
                tn._(
                    "Only the bot's admins can publish files. "
                    "To find stories, send /search and a few words."
                )
            )
        return
    if message.text is None and message.caption is None:  # a sticker, a voice message, …
        await message.reply_text(
            tn._("I read only text. To find stories, send /search and a few words.")
        )
        return
    if message.text is None:  # a photo or a video with a caption
        await message.reply_text(
            tn._("To find stories, send /search and a few words. /help lists what I can do.")
        )
        return
    if message.text.startswith("/"):  # "/щось": Telegram makes no command of it
        await unknown_command(update, context)
        return
    if tn.is_admin and len(message.text) > ADMIN_STORY_CHARS:  # a pasted story, not a query
        await message.reply_text(
            tn._(
                "To publish this text, reply /push to it. "
                "To find stories, send /search and a few words."
            )
        )
        return
    # Plain words in a private chat: what else would they be but a search?
    found, keyboard = await answer_search(tn, message.text.strip(), 0, context.bot.username)
    hint = tn._("I searched the stories for your words. /help lists the commands.")
    await message.reply_text(
        f"<i>{escape(hint)}</i>\n\n{found}", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message, a command included: edits are never acted on."""
    message = update.edited_message
    if message is None:
        return
    tn = await turn(update, context)
    await message.reply_text(tn._("I do not read edits. Send the new text as a new message."))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    # Private chats only: in a group, commands and talk may be meant for someone else.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, anything_else),
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE,
            edited,
        ),
    ]

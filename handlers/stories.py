"""Buttons under a story: full text, more like this."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import callbacks
from bot.render import render_full_text
from bot.tghtml import escape
from handlers.common import pattern, turn
from storage import articles


async def story_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    if query is None or parsed is None or not parsed.arg.isdigit():
        return
    tn = await turn(update, context)
    article = await articles.get(tn.services.db, int(parsed.arg))
    if article is None:
        await query.answer(tn._("This story is no longer available."), show_alert=True)
        return
    await query.answer()
    if parsed.action == callbacks.FULL_TEXT:
        for part in render_full_text(article, tn.locale):
            await context.bot.send_message(tn.chat_id, part, parse_mode=ParseMode.HTML)
        return
    # More like this: the latest stories on the story's strongest topic.
    similar = [
        a
        for a in await articles.latest(
            tn.services.db, topic=article.topics[0] if article.topics else None, limit=6
        )
        if a.id != article.id
    ][:5]
    if not similar:
        await context.bot.send_message(tn.chat_id, tn._("No similar stories yet."))
        return
    lines = [f"<b>{escape(tn._('More like this:'))}</b>"]
    lines += [f"• {escape(a.title)} — /article_{a.id}" for a in similar]
    await context.bot.send_message(tn.chat_id, "\n".join(lines), parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(
            story_button, pattern=pattern(callbacks.FULL_TEXT, callbacks.MORE_LIKE)
        ),
    ]

"""Buttons under a story: full text, more like this."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.callbacks import FullText, MoreLike, pattern
from bot.render import render_full_text
from bot.tghtml import escape
from handlers import results
from handlers.common import turn


async def story_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    data = query.data if query else None
    parsed = FullText.unpack(data) or MoreLike.unpack(data)
    article_id = parsed.article_id if parsed else None
    if query is None or parsed is None or article_id is None:
        return  # a forged button: bot.updates answers it as expired
    tn = await turn(update, context)
    article = await tn.services.library.get(article_id)
    if article is None:
        await query.answer(tn._("This story is no longer available."), show_alert=True)
        return
    await query.answer()
    if isinstance(parsed, FullText):
        for part in render_full_text(article, tn.locale):
            await context.bot.send_message(tn.chat_id, part, parse_mode=ParseMode.HTML)
        return
    similar = await tn.services.library.more_like(article)
    if not similar:
        await context.bot.send_message(tn.chat_id, tn._("No similar stories yet."))
        return
    heading = tn._("More like this:")
    lines = [f"<b>{escape(heading)}</b>"]
    lines += results.hit_lines(tn, similar, tz=await results.reader_timezone(tn))
    await context.bot.send_message(tn.chat_id, "\n".join(lines), parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(story_button, pattern=pattern(FullText, MoreLike)),
    ]

"""Inline mode: "@bot query" in any chat offers matching stories; picking one posts it."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, ContextTypes, InlineQueryHandler

from bot.domain import Article
from bot.inputs import parse_offset
from bot.markup import markup
from bot.render.keyboard import links_only
from bot.render.text import one_line, trim
from bot.search.engine import MAX_OFFSET, Status
from handlers import results
from handlers.common import Turn, turn

PAGE_SIZE = 20  # Telegram takes up to 50; each result carries a whole story message
LATEST_MAX = 100  # an empty query pages through this many of the newest stories
CACHE_S = 30
TITLE_MAX = 200
DESCRIPTION_MAX = 200


def _offset(raw: str) -> int:
    return parse_offset(raw, high=MAX_OFFSET + PAGE_SIZE)


def _result(tn: Turn, article: Article, description: str, tz: str) -> InlineQueryResultArticle:
    rendered = results.requested_story(tn, article, tz=tz)
    return InlineQueryResultArticle(
        id=str(article.id),
        title=trim(one_line(article.title), TITLE_MAX) or f"№{article.id}",
        description=trim(one_line(description), DESCRIPTION_MAX),
        input_message_content=InputTextMessageContent(
            rendered.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=results.image_preview(rendered),
        ),
        reply_markup=markup(links_only(rendered.keyboard)),
        thumbnail_url=rendered.photo or rendered.preview,
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    inline = update.inline_query
    if inline is None:
        return
    tn = await turn(update, context)
    tz = await results.reader_timezone(tn)
    offset = _offset(inline.offset)
    text = inline.query.strip()
    found: list[tuple[Article, str]] = []
    has_more = False
    page = await tn.services.library.search(text, limit=PAGE_SIZE, offset=offset) if text else None
    if page is None or page.status is not Status.OK:
        # Nothing to search for (empty, or only filters/symbols): the newest stories.
        if offset < LATEST_MAX:
            # One entry per story, its tellings folded (as in /latest).
            newest = [
                story.article
                for story in await tn.services.library.latest_stories(limit=offset + PAGE_SIZE + 1)
            ]
            found = [(a, a.text) for a in newest[offset : offset + PAGE_SIZE]]
            has_more = len(newest) > offset + PAGE_SIZE and offset + PAGE_SIZE < LATEST_MAX
    else:
        for hit in page.hits:
            article = await tn.services.library.get(hit.article_id)
            if article is not None:
                found.append((article, hit.snippet.text))
        has_more = page.has_more
    await inline.answer(
        [_result(tn, article, description, tz) for article, description in found],
        cache_time=CACHE_S,
        is_personal=True,  # rendered in the reader's language and timezone
        next_offset=str(offset + PAGE_SIZE) if has_more else "",
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [InlineQueryHandler(inline_query)]

"""Buttons under a story: full text, more like this."""

from __future__ import annotations

from collections import Counter
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import callbacks
from bot.domain import Article
from bot.inputs import parse_id
from bot.news.codec import loads as load_analysis
from bot.news.lemmas import content
from bot.render import render_full_text
from bot.search.lemmas import lemmatize
from bot.tghtml import escape
from handlers import results
from handlers.common import pattern, turn
from storage import articles
from storage.db import Database
from storage.search import SearchHit, Status, search

SIMILAR = 5
KEY_WORDS = 4
BODY_CHARS = 5000  # without a stored analysis, key words come from the story's start


async def story_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    article_id = parse_id(parsed.arg) if parsed else None
    if query is None or parsed is None or article_id is None:
        return  # a forged button: bot.updates answers it as expired
    tn = await turn(update, context)
    article = await articles.get(tn.services.db, article_id)
    if article is None:
        await query.answer(tn._("This story is no longer available."), show_alert=True)
        return
    await query.answer()
    if parsed.action == callbacks.FULL_TEXT:
        for part in render_full_text(article, tn.locale):
            await context.bot.send_message(tn.chat_id, part, parse_mode=ParseMode.HTML)
        return
    similar = await similar_stories(tn.services.db, article)
    if not similar:
        await context.bot.send_message(tn.chat_id, tn._("No similar stories yet."))
        return
    heading = tn._("More like this:")
    lines = [f"<b>{escape(heading)}</b>"]
    lines += results.hit_lines(tn, similar, tz=await results.reader_timezone(tn))
    await context.bot.send_message(tn.chat_id, "\n".join(lines), parse_mode=ParseMode.HTML)


def key_words(article: Article) -> list[str]:
    """The story's key lemmas: content words of the title, those the body repeats most
    first; topped up with the body's most frequent words when the title has few."""
    body: list[str] = []
    if article.analysis_json:
        try:
            body = list(load_analysis(article.analysis_json).lemmas)
        except (ValueError, KeyError, TypeError):  # an old or damaged record
            body = []
    if not body:
        body = lemmatize(article.text[:BODY_CHARS], article.language)
    counts = Counter(content(body, article.language))
    title = list(
        dict.fromkeys(content(lemmatize(article.title, article.language), article.language))
    )
    title.sort(key=lambda lem: (-counts[lem], -len(lem)))
    words = title[:KEY_WORDS]
    for lem, _count in counts.most_common(KEY_WORDS * 2):
        if len(words) >= 2:
            break
        if lem not in words:
            words.append(lem)
    return words


async def similar_stories(db: Database, article: Article) -> list[SearchHit]:
    """Stories sharing the most key words: all of them first, then the two strongest,
    then any one — the search index ranks within each step."""
    words = key_words(article)
    steps = [words, words[:2], *([w] for w in words)]
    found: dict[int, SearchHit] = {}
    for step in dict.fromkeys(" ".join(s) for s in steps if s):
        page = await search(db, step, limit=SIMILAR + 1)
        if page.status is not Status.OK:
            continue
        for hit in page.hits:
            if hit.article_id != article.id and hit.article_id not in found:
                found[hit.article_id] = hit
        if len(found) >= SIMILAR:
            break
    return list(found.values())[:SIMILAR]


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(
            story_button, pattern=pattern(callbacks.FULL_TEXT, callbacks.MORE_LIKE)
        ),
    ]

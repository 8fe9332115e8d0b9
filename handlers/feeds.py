"""Admin feed commands: /feeds, /feed_add URL [topics…] [review], /feed_remove ID, and
/drafts — the review queue of review-mode feeds with Publish / Drop buttons
("pv:rp:<id>" / "pv:rd:<id>")."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.callbacks import FeedDraftAction
from bot.i18n import N_, format_datetime
from bot.ingest import review
from bot.ingest.feed_options import OptionError, parse_words
from bot.ingest.feed_service import PUBLISH, REVIEW, Feed, FeedExists
from bot.ingest.feeds import PollResult, poll_feed
from bot.ingest.fetch import FetchError, check_destination
from bot.inputs import parse_id
from bot.tghtml import escape
from handlers.admin import admin_turn
from handlers.common import Turn, admin_only, turn
from handlers.ingest import fetch_error_text

log = logging.getLogger(__name__)

REVIEW_PUBLISH, REVIEW_DROP = "rp", "rd"
DRAFTS_SHOWN = 20
TITLE_MAX = 80
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MESSAGE_MAX = 3500  # well under 4096 after escaping: long lists go in several messages

MODES = {
    PUBLISH: N_("publishes at once"),
    REVIEW: N_("holds stories for review (/drafts)"),
}


async def _send_lines(message: Message, lines: list[str]) -> None:
    """HTML lines in as few messages as fit."""
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > MESSAGE_MAX:
            await message.reply_text("\n".join(chunk), parse_mode=ParseMode.HTML)
            chunk = []
        chunk.append(line)
    if chunk:
        await message.reply_text("\n".join(chunk), parse_mode=ParseMode.HTML)


def _when(tn: Turn, ts: float | None) -> str:
    if not ts:
        return "—"
    moment = datetime.fromtimestamp(ts, UTC)
    return format_datetime(moment, tn.locale, tn.services.settings.timezone)


def _topics(tn: Turn, topics: tuple[str, ...]) -> str:
    names = tn.services.topics.names(tn.locale)
    return ", ".join(names.get(t, t) for t in topics) or tn._("from the analysis")


def feed_lines(tn: Turn, feed: Feed) -> list[str]:
    if feed.failures:
        state = tn.t.ngettext(
            "failing ({n} time in a row): {error}",
            "failing ({n} times in a row): {error}",
            feed.failures,
        ).format(n=feed.failures, error=(feed.last_error or "?")[:200])
    else:
        state = tn._("working") if feed.last_ok_at else tn._("not polled yet")
    mode = MODES.get(feed.mode)
    return [
        f"<b>#{feed.id}</b> "
        + escape(feed.title or "")
        + (" " if feed.title else "")
        + escape(feed.url),
        "  " + escape(tn._("Topics: {topics}").format(topics=_topics(tn, feed.topics))),
        "  " + escape(tn._("Mode: {mode}").format(mode=tn._(mode) if mode else feed.mode)),
        "  " + escape(tn._("State: {state}").format(state=state)),
        "  " + escape(tn._("Next poll: {when}").format(when=_when(tn, feed.next_poll_at))),
    ]


async def list_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "feeds")
    if found is None:
        return
    tn, message = found
    stored = await tn.services.feeds.list_all()
    if not stored:
        await message.reply_text(tn._("No feeds yet. Add one: /feed_add URL [topics…] [review]"))
        return
    lines = ["<b>" + escape(tn._("Feeds")) + "</b>"]
    for feed in stored:
        lines += feed_lines(tn, feed)
    await _send_lines(message, lines)


def poll_summary(tn: Turn, result: PollResult) -> str:
    if result.error:
        reason = (
            fetch_error_text(tn, FetchError(result.error, result.url, result.error_detail))
            if result.error != "bad_feed"
            else tn._("It is not an RSS or Atom feed.")
        )
        return tn._("The first poll failed: {reason} It will be retried with backoff.").format(
            reason=reason
        )
    parts = []
    if result.marked_read:
        parts.append(
            tn.t.ngettext(
                "{n} earlier entry marked as read.",
                "{n} earlier entries marked as read.",
                result.marked_read,
            ).format(n=result.marked_read)
        )
    parts.append(
        tn.t.ngettext(
            "First poll: {n} story stored.",
            "First poll: {n} stories stored.",
            len(result.published),
        ).format(n=len(result.published))
    )
    if result.backlog_left:
        parts.append(
            tn.t.ngettext(
                "{n} more entry will be read by the next polls.",
                "{n} more entries will be read by the next polls.",
                result.backlog_left,
            ).format(n=result.backlog_left)
        )
    if result.reviewed:
        parts.append(
            tn.t.ngettext(
                "{n} story waits for review: /drafts",
                "{n} stories wait for review: /drafts",
                len(result.reviewed),
            ).format(n=len(result.reviewed))
        )
    if result.failed_entries:
        parts.append(
            tn.t.ngettext(
                "{n} entry could not be read.",
                "{n} entries could not be read.",
                result.failed_entries,
            ).format(n=result.failed_entries)
        )
    return "\n".join(parts)


def option_error_text(tn: Turn, error: OptionError) -> str:
    if error.code == "bad_every":
        return tn._("Cannot read {value}: use every=15m, 2h or 1d (1 minute to 7 days).").format(
            value=error.value
        )
    if error.code == "bad_backlog":
        return tn._("Cannot read {value}: use backlog=none, all, review or a number.").format(
            value=error.value
        )
    return tn._("Unknown option {value}: use backlog=… or every=….").format(value=error.value)


async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "feed_add")
    if found is None:
        return
    tn, message = found
    args = list(context.args or [])
    if not args:
        await message.reply_text(
            tn._("Usage: /feed_add URL [topics…] [review] [backlog=none|N|all|review] [every=15m]")
        )
        return
    url = args[0]
    try:
        options = parse_words(args[1:])
    except OptionError as error:
        await message.reply_text(option_error_text(tn, error))
        return
    topics = options.topics
    unknown = [t for t in topics if t not in tn.services.topics]
    if unknown:
        known = ", ".join(t.id for t in tn.services.topics)
        await message.reply_text(
            tn._("Unknown topic: {topics}. Known topics: {known}. The feed was not added.").format(
                topics=", ".join(unknown), known=known
            )
        )
        return
    try:
        await check_destination(url, tn.services.http)
    except FetchError as error:
        await message.reply_text(fetch_error_text(tn, error))
        return
    db = tn.services.db
    interval = options.every_s or tn.services.settings.feed_interval_s
    try:
        feed = await tn.services.feeds.add(
            url,
            topics=topics,
            review=options.review,
            added_by=tn.user_id,
            interval_s=options.every_s,
            backlog=options.backlog,
        )
    except FeedExists:
        await message.reply_text(tn._("This feed is already polled: {url}").format(url=url))
        return
    # Not due for the polling job while this handler polls it: one poll, not two at once.
    await tn.services.feeds.poll_at(feed.id, time.time() + interval)

    async def first_poll() -> None:
        result = await poll_feed(
            db, feed, tn.services.stories, client=tn.services.http, interval_s=interval
        )
        await message.reply_text(
            tn._("Feed #{id} added: {url}").format(id=feed.id, url=url)
            + "\n"
            + poll_summary(tn, result),
            link_preview_options=NO_PREVIEW,
        )

    # Fetching up to a feed's worth of articles takes a while: other readers' updates
    # must not wait for it (updates are handled one at a time).
    context.application.create_task(first_poll(), update=update)


async def remove_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "feed_remove")
    if found is None:
        return
    tn, message = found
    args = context.args or []
    feed_id = parse_id(args[0]) if len(args) == 1 else None
    if feed_id is None:
        await message.reply_text(tn._("Usage: /feed_remove ID (the number from /feeds)"))
        return
    if await tn.services.feeds.remove(feed_id):
        await message.reply_text(tn._("Feed #{id} removed.").format(id=feed_id))
    else:
        await message.reply_text(tn._("No feed #{id}. See /feeds.").format(id=feed_id))


# Review drafts ------------------------------------------------------------------------


async def drafts_view(tn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    waiting = await review.pending(tn.services.db, limit=DRAFTS_SHOWN)
    if not waiting:
        return escape(tn._("No drafts waiting for review.")), None
    lines = ["<b>" + escape(tn._("Drafts waiting for review:")) + "</b>"]
    rows = []
    for item in waiting:
        title = (item.title or item.text.strip().split("\n", 1)[0])[:TITLE_MAX]
        if item.feed_id is not None:
            line = tn._("#{id} (feed #{feed}): {title}").format(
                id=item.id, feed=item.feed_id, title=title
            )
        else:
            line = tn._("#{id}: {title}").format(id=item.id, title=title)
        lines.append(escape(line))
        if item.url:
            lines.append("  " + escape(item.url))
        rows.append(
            [
                InlineKeyboardButton(
                    "✅ " + tn._("Publish #{id}").format(id=item.id),
                    callback_data=FeedDraftAction(REVIEW_PUBLISH, item.id).pack(),
                ),
                InlineKeyboardButton(
                    "🗑 " + tn._("Drop #{id}").format(id=item.id),
                    callback_data=FeedDraftAction(REVIEW_DROP, item.id).pack(),
                ),
            ]
        )
    text = "\n".join(lines)
    return text[:MESSAGE_MAX], InlineKeyboardMarkup(rows)


async def list_drafts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "drafts")
    if found is None:
        return
    tn, message = found
    text, keyboard = await drafts_view(tn)
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboard, link_preview_options=NO_PREVIEW
    )


@admin_only("a feed draft button")
async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = FeedDraftAction.unpack(query.data if query else None)
    if query is None or parsed is None or parsed.verb not in (REVIEW_PUBLISH, REVIEW_DROP):
        return  # a forged button: bot.updates answers it as expired
    verb, draft_id = parsed.verb, parsed.draft_id
    tn = await turn(update, context)
    if verb == REVIEW_PUBLISH:
        published = await review.publish(tn.services.db, tn.services.stories, draft_id)
        if published is None:
            answer = tn._("Draft #{id} is gone: published or dropped already.").format(id=draft_id)
        else:
            answer = (
                tn._("Draft #{id} published as story #{story}.").format(
                    id=draft_id, story=published.article_id
                )
                + " "
                + tn.t.ngettext(
                    "Queued for {n} reader.", "Queued for {n} readers.", published.queued
                ).format(n=published.queued)
            )
    else:
        dropped = await review.drop(tn.services.db, draft_id)
        answer = (
            tn._("Draft #{id} dropped.")
            if dropped
            else tn._("Draft #{id} is gone: published or dropped already.")
        ).format(id=draft_id)
    text, keyboard = await drafts_view(tn)
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, link_preview_options=NO_PREVIEW
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    await query.answer(answer, show_alert=True)  # last: answered means the list is current


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("feeds", list_feeds),
        CommandHandler("feed_add", add_feed),
        CommandHandler("feed_remove", remove_feed),
        CommandHandler("drafts", list_drafts),
        CallbackQueryHandler(review_button, pattern=FeedDraftAction.pattern()),
    ]

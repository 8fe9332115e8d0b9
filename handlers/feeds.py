"""Admin feed commands: /feeds, /feed_add URL [topics…] [review], /feed_remove ID, and
/drafts — the review queue of review-mode feeds with Publish / Topics / Drop buttons
(bot.callbacks.FeedDraftAction; the steps are bot.ingest.review's)."""

from __future__ import annotations

import logging
import time
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.callbacks import FeedDraftAction
from bot.i18n import N_, format_datetime
from bot.ingest.feed_options import OptionError, parse_words
from bot.ingest.feed_service import PUBLISH, REVIEW, Feed, FeedExists
from bot.ingest.feeds import PollResult
from bot.ingest.fetch import FetchError, check_destination
from bot.ingest.review import FeedDraft, ReviewStatus
from bot.inputs import parse_id
from bot.markup import markup
from bot.render.keyboard import Button, Keyboard
from bot.tghtml import escape
from handlers.common import Turn, admin_only, command_turn, turn, unchanged_is_fine
from handlers.ingest import fetch_error_text

log = logging.getLogger(__name__)

# Verbs after "fd:" (bot.callbacks.FeedDraftAction).
PUBLISH_VERB, DROP, TOPICS, TOGGLE, BACK = "rp", "rd", "rt", "rg", "rb"
VERBS = frozenset({PUBLISH_VERB, DROP, TOPICS, TOGGLE, BACK})
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


@admin_only("/feeds")
async def list_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
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


@admin_only("/feed_add")
async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
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
        result = await tn.services.feeds.poll(feed, interval_s=interval)
        await message.reply_text(
            tn._("Feed #{id} added: {url}").format(id=feed.id, url=url)
            + "\n"
            + poll_summary(tn, result),
            link_preview_options=NO_PREVIEW,
        )

    # Fetching up to a feed's worth of articles takes a while: other readers' updates
    # must not wait for it (updates are handled one at a time).
    context.application.create_task(first_poll(), update=update)


@admin_only("/feed_remove")
async def remove_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
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


def _button(label: str, verb: str, draft_id: int, topic: str = "") -> Button:
    return Button(label, FeedDraftAction(verb, draft_id, topic).pack())


async def drafts_view(tn: Turn) -> tuple[str, Keyboard | None]:
    waiting = await tn.services.drafts.open(limit=DRAFTS_SHOWN)
    if not waiting:
        return escape(tn._("No drafts waiting for review.")), None
    lines = ["<b>" + escape(tn._("Drafts waiting for review:")) + "</b>"]
    rows = []
    for item in waiting:
        lines.append(escape(_draft_line(tn, item)))
        if item.url:
            lines.append("  " + escape(item.url))
        rows.append(
            (
                _button("✅ " + tn._("Publish #{id}").format(id=item.id), PUBLISH_VERB, item.id),
                _button("🏷 " + tn._("Topics #{id}").format(id=item.id), TOPICS, item.id),
                _button("🗑 " + tn._("Drop #{id}").format(id=item.id), DROP, item.id),
            )
        )
    text = "\n".join(lines)
    return text[:MESSAGE_MAX], tuple(rows)


def _draft_line(tn: Turn, item: FeedDraft) -> str:
    title = (item.title or item.text.strip().split("\n", 1)[0])[:TITLE_MAX]
    if item.feed_id is not None:
        return tn._("#{id} (feed #{feed}): {title}").format(
            id=item.id, feed=item.feed_id, title=title
        )
    return tn._("#{id}: {title}").format(id=item.id, title=title)


def topics_view(tn: Turn, item: FeedDraft) -> tuple[str, Keyboard]:
    """One draft's topics, each a toggle; Done goes back to the list."""
    text = (
        escape(_draft_line(tn, item))
        + "\n"
        + escape(tn._("Topics: {topics}").format(topics=_topics(tn, item.topics)))
    )
    rows = []
    for topic in tn.services.topics:
        mark = "✅ " if topic.id in item.topics else "▫️ "
        with suppress(ValueError):  # a topic id too long for callback data: no button
            rows.append((_button(mark + topic.name(tn.locale), TOGGLE, item.id, topic.id),))
    rows.append((_button("⬅ " + tn._("Done"), BACK, item.id),))
    return text, tuple(rows)


@admin_only("/drafts")
async def list_drafts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    text, keyboard = await drafts_view(tn)
    await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup(keyboard),
        link_preview_options=NO_PREVIEW,
    )


def _gone(tn: Turn, draft_id: int) -> str:
    return tn._("Draft #{id} is gone: published or dropped already.").format(id=draft_id)


async def _act(tn: Turn, action: FeedDraftAction) -> tuple[str | None, FeedDraft | None]:
    """Do what the button says: the answer to show (None: a silent one) and the draft
    whose topics to show (None: show the list)."""
    review = tn.services.drafts
    draft_id = action.draft_id
    if action.verb == PUBLISH_VERB:
        result = await review.publish(draft_id)
        if result.published is None:
            return _gone(tn, draft_id), None
        queued = tn.t.ngettext(
            "Queued for {n} reader.", "Queued for {n} readers.", result.published.queued
        ).format(n=result.published.queued)
        done = tn._("Draft #{id} published as story #{story}.").format(
            id=draft_id, story=result.published.article_id
        )
        return done + " " + queued, None
    if action.verb == DROP:
        result = await review.cancel(draft_id)
        if result.status is ReviewStatus.GONE:
            return _gone(tn, draft_id), None
        return tn._("Draft #{id} dropped.").format(id=draft_id), None
    if action.verb == TOGGLE:
        result = await review.toggle_topic(draft_id, action.topic, known=tn.services.topics)
        if result.status is ReviewStatus.UNKNOWN_TOPIC:
            return tn._("This topic no longer exists."), result.draft
        if result.draft is None:
            return _gone(tn, draft_id), None
        return None, result.draft
    if action.verb == TOPICS:
        item = await review.get(draft_id)
        return (None, item) if item is not None else (_gone(tn, draft_id), None)
    return None, None  # BACK: the list


@admin_only("a feed draft button")
async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = FeedDraftAction.unpack(query.data if query else None)
    if query is None or action is None or action.verb not in VERBS:
        return  # a forged button: bot.updates answers it as expired
    tn = await turn(update, context)
    answer, item = await _act(tn, action)
    text, keyboard = topics_view(tn, item) if item is not None else await drafts_view(tn)
    with unchanged_is_fine():
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(keyboard),
            link_preview_options=NO_PREVIEW,
        )
    # Last: answered means the message is current.
    await query.answer(answer, show_alert=answer is not None)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("feeds", list_feeds),
        CommandHandler("feed_add", add_feed),
        CommandHandler("feed_remove", remove_feed),
        CommandHandler("drafts", list_drafts),
        CallbackQueryHandler(review_button, pattern=FeedDraftAction.pattern()),
    ]

"""Admin delivery view: /stats (per-story counts, subscribers per topic, a chart of
deliveries per hour) and /retry [article id] (re-queue failed rows)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.i18n import format_number
from bot.inputs import parse_id
from bot.render.text import one_line, trim
from bot.reports import Blocked
from bot.stats_chart import deliveries_chart
from handlers.common import Turn, admin_only, command_turn

CHART_DAYS = 3
RECENT_STORIES = 5
TITLE_CHARS = 70  # cut at a word, never inside one


def _seconds(tn: Turn, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return tn._("{n} s").format(n=format_number(round(seconds, 1), tn.locale))


async def report(tn: Turn) -> str:
    reports = tn.services.reports
    lines = [tn._("Recent stories:")]
    for entry in await reports.recent(limit=RECENT_STORIES):
        c = entry.counts
        title = trim(one_line(entry.title), TITLE_CHARS)
        counts = tn._(
            "waiting {waiting} · sent {sent} · failed {failed} · blocked {blocked}"
        ).format(
            waiting=c.get("pending", 0),
            sent=c.get("sent", 0),
            failed=c.get("failed", 0),
            blocked=c.get("blocked", 0),
        )
        delivered = (
            " · " + tn._("delivered in {time}").format(time=_seconds(tn, entry.seconds_to_deliver))
            if entry.seconds_to_deliver is not None
            else ""
        )
        lines.append(f"№{entry.article_id} {title}\n    {counts}{delivered}")
    if len(lines) == 1:
        lines.append(tn._("No stories yet."))
    reasons = await reports.failure_reasons()
    if reasons:
        lines += ["", tn._("Failed messages (retry with /retry [story id]):")]
        lines += [f"{n} × {reason[:120]}" for reason, n in reasons]
    blocked = await reports.blocked()
    if blocked.readers:
        lines += ["", _blocked_line(tn, blocked)]
    lines += ["", tn._("Subscribers per topic:")]
    by_topic = await reports.readers_per_topic()
    for topic_id, n in sorted(by_topic.items(), key=lambda item: -item[1]):
        topic = tn.services.topics.get(topic_id)
        lines.append(f"{topic.name(tn.locale) if topic else topic_id}: {n}")
    if not by_topic:
        lines.append(tn._("none"))
    return "\n".join(lines)


def _blocked_line(tn: Turn, blocked: Blocked) -> str:
    """What "blocked" means, and what happens to the messages held for those readers."""
    text = tn.t.ngettext(
        "{n} reader blocked the bot: Telegram refuses messages to them.",
        "{n} readers blocked the bot: Telegram refuses messages to them.",
        blocked.readers,
    ).format(n=blocked.readers)
    if blocked.held_messages:
        text += " " + tn.t.ngettext(
            "{n} message is held for them and goes out if they come back with /start "
            "within {hours} h.",
            "{n} messages are held for them and go out if they come back with /start "
            "within {hours} h.",
            blocked.held_messages,
        ).format(n=blocked.held_messages, hours=blocked.hold_hours)
    return text


@admin_only("/stats")
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    await message.reply_text(await report(tn))
    until = time.time()
    since = until - CHART_DAYS * 86400
    per_hour = await tn.services.reports.sent_per_hour(since=since)
    png = await asyncio.to_thread(
        deliveries_chart,
        per_hour,
        since=since,
        until=until,
        tz=tn.services.settings.timezone,
    )
    await message.reply_photo(
        InputFile(png, filename="deliveries.png"),
        caption=tn._("Messages delivered per hour, last {n} days").format(n=CHART_DAYS),
    )


@admin_only("/retry")
async def retry(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    args = context.args or []
    article_id = parse_id(args[0]) if len(args) == 1 else None
    if args and article_id is None:
        await message.reply_text(tn._("Usage: /retry [story id]"))
        return
    count = await tn.services.reports.retry_failed(article_id=article_id)
    text = tn.t.ngettext(
        "{n} failed message queued again.", "{n} failed messages queued again.", count
    ).format(n=count)
    blocked = await tn.services.reports.blocked(article_id=article_id)
    if blocked.held_messages:  # not failures: retrying cannot reach them
        text += "\n" + tn.t.ngettext(
            "{n} message was not retried: its reader blocked the bot. It goes out if they "
            "come back with /start within {hours} h.",
            "{n} messages were not retried: their readers blocked the bot. They go out if "
            "the readers come back with /start within {hours} h.",
            blocked.held_messages,
        ).format(n=blocked.held_messages, hours=blocked.hold_hours)
    await message.reply_text(text)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CommandHandler("stats", stats), CommandHandler("retry", retry)]

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
from bot.stats_chart import deliveries_chart
from handlers.admin import admin_turn
from handlers.common import Turn

CHART_DAYS = 3
RECENT_STORIES = 5


def _seconds(tn: Turn, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return tn._("{n} s").format(n=format_number(round(seconds, 1), tn.locale))


async def report(tn: Turn) -> str:
    reports = tn.services.reports
    lines = [tn._("Recent stories: queued / sent / failed / blocked, time to deliver")]
    for entry in await reports.recent(limit=RECENT_STORIES):
        c = entry.counts
        queued = sum(c.values())
        lines.append(
            f"#{entry.article_id} {entry.title[:60]}: {queued} / {c.get('sent', 0)} / "
            f"{c.get('failed', 0)} / {c.get('blocked', 0)}, "
            + _seconds(tn, entry.seconds_to_deliver)
            + (" " + tn._("({n} waiting)").format(n=c["pending"]) if c.get("pending") else "")
        )
    if len(lines) == 1:
        lines.append(tn._("No stories yet."))
    reasons = await reports.failure_reasons()
    if reasons:
        lines += ["", tn._("Failed messages (retry with /retry [story id]):")]
        lines += [f"{n} × {reason[:120]}" for reason, n in reasons]
    lines += ["", tn._("Subscribers per topic:")]
    by_topic = await reports.readers_per_topic()
    for topic_id, n in sorted(by_topic.items(), key=lambda item: -item[1]):
        topic = tn.services.topics.get(topic_id)
        lines.append(f"{topic.name(tn.locale) if topic else topic_id}: {n}")
    if not by_topic:
        lines.append(tn._("none"))
    return "\n".join(lines)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "stats")
    if found is None:
        return
    tn, message = found
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


async def retry(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await admin_turn(update, context, "retry")
    if found is None:
        return
    tn, message = found
    args = context.args or []
    article_id = parse_id(args[0]) if len(args) == 1 else None
    if args and article_id is None:
        await message.reply_text(tn._("Usage: /retry [story id]"))
        return
    count = await tn.services.reports.retry_failed(article_id=article_id)
    await message.reply_text(
        tn.t.ngettext(
            "{n} failed message queued again.", "{n} failed messages queued again.", count
        ).format(n=count)
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CommandHandler("stats", stats), CommandHandler("retry", retry)]

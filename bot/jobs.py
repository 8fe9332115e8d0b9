"""Background jobs on python-telegram-bot's job queue: daily digests, feed polling (and
its reports)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import i18n, metrics
from bot.config import Settings
from bot.ingest.feeds import PollResult, poll_due
from bot.services import Services

log = logging.getLogger(__name__)

FEED_CHECK_S = 60  # how often to look for feeds whose poll time has come
DIGEST_CHECK_S = 60  # digest times are whole minutes


async def schedule_jobs(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    *,
    digests: Callable[[], Awaitable[object]],
) -> None:
    """Digests (sent by `digests`, which the app wires to the delivery worker) and feed
    polls, each at most one run at a time."""
    if application.job_queue is None:  # installed without the job-queue extra
        log.warning("no job queue: feeds will not be polled")
        return

    async def send_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
        await digests()

    async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
        await poll_and_report(context, services)

    application.job_queue.run_repeating(
        send_digests,
        interval=DIGEST_CHECK_S,
        first=10,
        name="digests",
        job_kwargs={"max_instances": 1},
    )
    application.job_queue.run_repeating(
        poll_feeds, interval=FEED_CHECK_S, first=5, name="feeds", job_kwargs={"max_instances": 1}
    )


async def poll_and_report(context: Any, found: Services) -> None:
    results = await poll_due(
        found.db,
        found.stories,
        client=found.http,
        interval_s=found.settings.feed_interval_s,
    )
    for result in results:
        metrics.FEED_POLLS.inc()
        if result.error:
            metrics.FEED_ERRORS.labels(metrics.reason_label(result.error)).inc()
        if result.report or result.recovered:
            await tell_admins(context, found.settings, feed_report(result, found.settings))


def feed_report(result: PollResult, settings: Settings) -> str:
    t = i18n.translator(settings.default_language)
    if result.recovered:
        return t.gettext("Feed #{id} works again: {url}").format(id=result.feed_id, url=result.url)
    return t.gettext("Feed #{id} fails ({error}), retrying with backoff: {url}").format(
        id=result.feed_id, error=result.error or "?", url=result.url
    )


async def tell_admins(context: Any, settings: Settings, text: str) -> None:
    for admin in settings.admin_ids:
        try:
            await context.bot.send_message(admin, text)
        except TelegramError as error:
            log.warning("could not tell admin %s: %s", admin, type(error).__name__)

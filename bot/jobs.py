"""Background jobs on python-telegram-bot's job queue: daily digests, feed polling (and
its reports), each run by one process at a time (bot.cluster.JobLease), and the replay
of updates a dead process had claimed (every process)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import i18n, metrics
from bot.cluster import JobLease
from bot.config import Settings
from bot.ingest.feeds import PollResult, poll_due
from bot.services import Services

log = logging.getLogger(__name__)

JOB_LEASES = "job_leases"  # bot_data key: the JobLeases, released on shutdown


async def schedule_jobs(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    *,
    holder: str,
    digests: Callable[[], Awaitable[object]],
    rescue_updates: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Digests (sent by `digests`, which the app wires to the delivery worker) and feed
    polls every JOB_CHECK_S, each in one process at a time and at most one run at a
    time; `rescue_updates` every half lease in every process."""
    if application.job_queue is None:  # installed without the job-queue extra
        log.warning("no job queue: feeds will not be polled")
        return
    settings = services.settings
    check_s = settings.job_check_s

    def lease(name: str) -> JobLease:
        return JobLease(services.db, name, holder, check_s=check_s, grace_s=settings.lease_s)

    digest_lease, feed_lease = lease("digests"), lease("feeds")
    application.bot_data[JOB_LEASES] = (digest_lease, feed_lease)

    async def send_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
        await digest_lease.run(digests)

    async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
        await feed_lease.run(lambda: poll_and_report(context, services))

    once = {"max_instances": 1}
    first = min(5.0, check_s)
    application.job_queue.run_repeating(
        send_digests, interval=check_s, first=first * 2, name="digests", job_kwargs=once
    )
    application.job_queue.run_repeating(
        poll_feeds, interval=check_s, first=first, name="feeds", job_kwargs=once
    )
    if rescue_updates is not None:
        rescue = rescue_updates

        async def replay(context: ContextTypes.DEFAULT_TYPE) -> None:
            await rescue()

        every = settings.lease_s / 2
        application.job_queue.run_repeating(
            replay, interval=every, first=every, name="updates", job_kwargs=once
        )


async def release_jobs(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for job_lease in application.bot_data.pop(JOB_LEASES, ()):
        await job_lease.release()


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

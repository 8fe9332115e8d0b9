"""Delivery on its own: `main.py worker`, any number of them on one shared database.

`make_delivery` is the one wiring of a DeliveryWorker — for the bot process (bot.app)
and for a worker process alike: its own connection pool for broadcasts, a holder id
for its outbox claims, and the database's shared send schedule when the database is
shared by several processes. A worker serves /healthz and /metrics on HTTP_LISTEN.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Bot

from bot import i18n, news
from bot.cluster import groups_booker, new_holder, permit_taker
from bot.config import Settings
from bot.delivery import IN_FLIGHT, DeliveryWorker
from bot.pacing import GroupSlots, Pacer, SharedPermits
from bot.sender_http import AiohttpRequest
from bot.services import Services, build_services
from bot.web import HttpServer, parse_listen

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 20.0


async def make_delivery(settings: Settings, found: Services, holder: str) -> DeliveryWorker:
    # Broadcasts pace themselves (bot.pacing) on their own connection pool.
    sender = Bot(
        settings.token,
        base_url=settings.bot_api_base_url,
        base_file_url=settings.base_file_url,
        request=AiohttpRequest(
            connection_pool_size=IN_FLIGHT + 4,
            read_timeout=SEND_TIMEOUT_S,
            write_timeout=SEND_TIMEOUT_S,
        ),
    )
    await sender.initialize()
    # Processes sharing the database take their sends' permits from one budget there,
    # and a group's send books the group's row, where the replies to it book theirs.
    shared = groups = None
    if found.db.shared:
        shared = SharedPermits(permit_taker(found.db, holder), settings.send_rate)
        groups = GroupSlots(groups_booker(found.db))
    delivery = DeliveryWorker(
        found.db,
        sender,
        rate_per_s=settings.send_rate,
        default_language=settings.default_language,
        timezone=settings.timezone,
        topic_names=found.topics.names,
        paid_broadcast=settings.allow_paid_broadcast,
        holder=holder,
        lease_s=settings.lease_s,
        pacer=Pacer(settings.send_rate, shared=shared, groups=groups),
    )
    delivery.sender.on_chat_migrated = found.watches.load
    # A channel that removed the bot: its editor is told (the bot process passes its own bot).
    delivery.sender.on_chat_removed = lambda chat_id: found.destinations.removed(sender, chat_id)
    return delivery


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Deliver until SIGTERM or SIGINT (or `stop`), then finish the sends on the wire,
    record them and hand the remaining claims on."""
    i18n.preload()
    await asyncio.to_thread(news.warm_up)
    found = await build_services(settings)
    http: HttpServer | None = None
    delivery: DeliveryWorker | None = None
    try:
        delivery = await make_delivery(settings, found, new_holder("worker"))
        if settings.http_listen:
            host, port = parse_listen(settings.http_listen)
            http = await HttpServer(lambda: found.db, host=host, port=port).start()
        stopped = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopped.set)
        delivery.start()
        log.info("delivery worker %s running", delivery.holder)
        await stopped.wait()
    finally:
        if http is not None:
            await http.stop()
        if delivery is not None:
            await delivery.stop()
            await delivery.bot.shutdown()
        await found.close()

"""The composition root of the bot: the services from bot.services, plus what only a
running bot has: the python-telegram-bot Application, its handlers, the delivery
worker and the background jobs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext

from bot import i18n, news
from bot.cluster import new_holder, permit_taker, schedule_booker
from bot.config import Settings
from bot.corrections import CorrectionService
from bot.delivery import DeliveryWorker
from bot.digest import send_digests
from bot.jobs import release_jobs, schedule_jobs
from bot.replies import LocalSlots, ReplyLimiter, ReplySlots
from bot.services import Services, build_services
from bot.updates import ChatOrderedProcessor, JournalQueue, UpdateJournal
from bot.web import HttpServer, parse_listen
from bot.worker import make_delivery
from handlers import register

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
DELIVERY = "delivery"  # bot_data key of the DeliveryWorker
HTTP = "http"  # bot_data key of the HttpServer (healthz, metrics), when one runs
REPLY_RETRIES = 3

# (command, description msgid) for the menu; admins get the admin ones in their chats.
USER_COMMANDS = (
    ("start", i18n.N_("Welcome and how to use the bot")),
    ("topics", i18n.N_("Topics you can follow")),
    ("mysubs", i18n.N_("Your subscriptions")),
    ("subscribe", i18n.N_("Follow a topic")),
    ("unsubscribe", i18n.N_("Stop following a topic")),
    ("search", i18n.N_("Search past stories")),
    ("latest", i18n.N_("Latest stories")),
    ("settings", i18n.N_("Delivery: instant or daily digest, quiet hours")),
    ("language", i18n.N_("Interface language")),
    ("channels", i18n.N_("Your channels and groups")),
    ("connect", i18n.N_("Deliver stories to a channel or group you run")),
    ("help", i18n.N_("Help")),
)
ADMIN_COMMANDS = (
    ("push", i18n.N_("Publish a story: text, a URL or a file")),
    ("edit", i18n.N_("Correct a published story's title or summary")),
    ("unpublish", i18n.N_("Withdraw a published story")),
    ("feeds", i18n.N_("RSS/Atom feeds")),
    ("feed_add", i18n.N_("Poll a new feed")),
    ("feed_remove", i18n.N_("Stop polling a feed")),
    ("feeds_export", i18n.N_("The feeds as an OPML file")),
    ("feeds_import", i18n.N_("Add feeds from an OPML file (as the file's caption)")),
    ("drafts", i18n.N_("Stories waiting for review")),
    ("stats", i18n.N_("Delivery statistics")),
    ("retry", i18n.N_("Send failed messages again")),
)


def build_application(
    settings: Settings, *, start_delivery: bool = True, webhook: bool = False
) -> App:
    """The bot, ready for run_polling() or for tests to drive with initialize()/start()."""

    async def post_init(application: App) -> None:
        # Fail at start-up, not on the first story: catalogs, dictionaries, schema, index.
        i18n.preload()
        await asyncio.to_thread(news.warm_up)
        found = await build_services(settings)
        try:
            await wire(application, found)
        except BaseException:
            # An open connection's thread would keep a failed start-up from exiting.
            if application.bot_data.get("services") is not found:
                await found.close()
            raise

    async def wire(application: App, found: Services) -> None:
        journal.db = found.db
        # Broadcasts go through the delivery worker's own pool (bot.worker); the
        # application's bot, used for replies, retries a 429 through AIORateLimiter.
        # On a shared database its sends take permits where the workers take theirs.
        if found.db.shared:
            limiter.shared = ReplySlots(
                schedule_booker(found.db),
                lambda name: permit_taker(found.db, f"{holder}/replies", name),
                settings.send_rate,
                paid=settings.allow_paid_broadcast,
            )
        delivery = await make_delivery(settings, found, holder)
        if not found.db.shared:
            # One process: replies and deliveries take their slots from one pacer.
            limiter.local = LocalSlots(delivery.pacer, paid=settings.allow_paid_broadcast)
        delivery.sender.on_chat_removed = lambda chat_id: found.destinations.removed(
            application.bot, chat_id
        )
        found.queued.connect(delivery.wake)
        found.corrections = CorrectionService(found.db, delivery)
        application.bot_data["services"] = found
        application.bot_data[DELIVERY] = delivery
        await register_commands(application, settings)
        await schedule_jobs(
            application,
            found,
            holder=holder,
            rescue_updates=lambda: replay(application),
            digests=lambda: send_digests(
                found.db,
                delivery.sender,
                default_language=settings.default_language,
                timezone=settings.timezone,
            ),
        )
        if start_delivery and settings.delivery_in_process:
            delivery.start()
        if settings.http_listen:
            host, port = parse_listen(settings.http_listen)
            db = found.db
            application.bot_data[HTTP] = await HttpServer(lambda: db, host=host, port=port).start()
        # Updates a killed run had taken from Telegram but not handled: first in line.
        # One that took the process down MAX_ATTEMPTS times is dropped with an apology.
        # Polling: Telegram serves getUpdates to one process only, so whatever an earlier
        # run claimed is this one's. Webhook mode on a shared database: only the claims
        # whose lease ran out (another live process may be handling the rest).
        await replay(application, steal=not (webhook and found.db.shared))

    async def replay(application: App, *, steal: bool = False) -> None:
        # Later calls (a job): the updates of a process that died, once their lease ran out.
        for update in await journal.pending(application.bot, on_failed=apologize, steal=steal):
            # Straight onto the queue: they are stored and claimed already.
            await asyncio.Queue.put(application.update_queue, update)

    async def post_shutdown(application: App) -> None:
        await release_jobs(application)
        limiter.shared = None  # the database closes below
        limiter.local = None
        journal.db = None
        http = application.bot_data.pop(HTTP, None)
        if isinstance(http, HttpServer):
            await http.stop()
        delivery = application.bot_data.get(DELIVERY)
        if isinstance(delivery, DeliveryWorker):
            await delivery.stop()
            await delivery.bot.shutdown()
        found = application.bot_data.get("services")
        if isinstance(found, Services):
            await found.close()

    holder = new_holder("bot")
    # An update's lease outlasts any handler; a dead process's updates replay after it.
    journal = UpdateJournal(holder, lease_s=4 * settings.lease_s)
    limiter = ReplyLimiter(max_retries=REPLY_RETRIES)

    async def expire_button(update: Update) -> None:
        from handlers.fallback import expired_button

        await expired_button(update, CallbackContext.from_update(update, application))

    async def apologize(update: Update) -> None:
        from handlers.fallback import update_failed

        await update_failed(update, CallbackContext.from_update(update, application))

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.base_file_url)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # Stored before handling (at least once); chats in parallel, each in order; a
        # button no handler answered gets an "expired" alert.
        .update_queue(JournalQueue(journal))
        .concurrent_updates(
            ChatOrderedProcessor(journal, answered=limiter.answered, on_unanswered=expire_button)
        )
        .rate_limiter(limiter)
        .build()
    )
    register(application)
    return application


def delivery_worker(application: App) -> DeliveryWorker:
    found = application.bot_data[DELIVERY]
    assert isinstance(found, DeliveryWorker)
    return found


async def register_commands(application: App, settings: Settings) -> None:
    """The command menu in every interface language; admins also see /push."""
    for locale in i18n.SUPPORTED:
        t = i18n.translator(locale)
        commands = [BotCommand(name, t.gettext(text)) for name, text in USER_COMMANDS]
        code = None if locale == settings.default_language else locale
        await application.bot.set_my_commands(commands, language_code=code)
        if locale == settings.default_language:
            for admin in settings.admin_ids:
                admin_menu = commands + [
                    BotCommand(name, t.gettext(text)) for name, text in ADMIN_COMMANDS
                ]
                try:
                    await application.bot.set_my_commands(
                        admin_menu, scope=BotCommandScopeChat(admin)
                    )
                except Exception as error:  # an admin who never wrote to the bot
                    log.info("admin menu for %s not set: %s", admin, type(error).__name__)

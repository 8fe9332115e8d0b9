"""The composition root: the only place that wires settings, storage, services and
handlers into a python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot import i18n, news
from bot.config import Settings
from bot.delivery import IN_FLIGHT, DeliveryWorker
from bot.ingest.guard import http_client
from bot.jobs import schedule_jobs
from bot.search.service import WatchService
from bot.sender_http import AiohttpRequest
from bot.stories import StoryService
from bot.topics import TopicCatalog
from storage import search
from storage.db import Database

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
REPLY_RETRIES = 3
SEND_TIMEOUT_S = 20.0

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
    ("help", i18n.N_("Help")),
)
ADMIN_COMMANDS = (
    ("push", i18n.N_("Publish a story: text, a URL or a file")),
    ("feeds", i18n.N_("RSS/Atom feeds")),
    ("feed_add", i18n.N_("Poll a new feed")),
    ("feed_remove", i18n.N_("Stop polling a feed")),
    ("drafts", i18n.N_("Stories waiting for review")),
    ("stats", i18n.N_("Delivery statistics")),
    ("retry", i18n.N_("Send failed messages again")),
)


@dataclass
class Services:
    settings: Settings
    db: Database
    topics: TopicCatalog
    stories: StoryService
    delivery: DeliveryWorker
    watches: WatchService
    http: httpx.AsyncClient  # one pool for URL and feed fetching


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def build_application(settings: Settings, *, start_delivery: bool = True) -> App:
    """The bot, ready for run_polling() or for tests to drive with initialize()/start()."""
    from handlers import register  # handlers import bot.app; import here to keep one root

    async def post_init(application: App) -> None:
        # Fail at start-up, not on the first story: catalogs, dictionaries, schema, index.
        i18n.preload()
        await asyncio.to_thread(news.warm_up)
        db = await Database.open(settings.database_path)
        await search.reindex(db)
        topics = TopicCatalog.load()
        # Broadcasts pace themselves (bot.pacing) on their own connection pool; the
        # application's bot, used for replies, retries a 429 through AIORateLimiter.
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
        delivery = DeliveryWorker(
            db,
            sender,
            rate_per_s=settings.send_rate,
            default_language=settings.default_language,
            timezone=settings.timezone,
            topic_names=topics.names,
        )
        watches = WatchService(db)
        await watches.load()
        delivery.on_chat_migrated = watches.load
        stories = StoryService(db, on_queued=delivery.wake, match_watches=watches.match)
        http = http_client(allow_private=settings.allow_private_urls)
        application.bot_data["services"] = Services(
            settings, db, topics, stories, delivery, watches, http
        )
        await register_commands(application, settings)
        await schedule_jobs(application, settings)
        if start_delivery:
            delivery.start()

    async def post_shutdown(application: App) -> None:
        found = application.bot_data.get("services")
        if isinstance(found, Services):
            await found.delivery.stop()
            await found.delivery.bot.shutdown()
            await found.http.aclose()
            await found.db.close()

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.base_file_url)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(False)
        .rate_limiter(AIORateLimiter(max_retries=REPLY_RETRIES))
        .build()
    )
    register(application)
    return application


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

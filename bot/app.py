"""The composition root: the only place that wires settings, storage, services and
handlers into a python-telegram-bot Application."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot import i18n
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.stories import StoryService
from bot.topics import TopicCatalog
from storage.db import Database

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# (command, description msgid) for the menu; admins get the admin ones in their chats.
USER_COMMANDS = (
    ("start", i18n.N_("Welcome and how to use the bot")),
    ("topics", i18n.N_("Topics you can follow")),
    ("mysubs", i18n.N_("Your subscriptions")),
    ("subscribe", i18n.N_("Follow a topic")),
    ("unsubscribe", i18n.N_("Stop following a topic")),
    ("language", i18n.N_("Interface language")),
    ("help", i18n.N_("Help")),
)
ADMIN_COMMANDS = (("push", i18n.N_("Publish a story")),)


@dataclass
class Services:
    settings: Settings
    db: Database
    topics: TopicCatalog
    stories: StoryService
    delivery: DeliveryWorker


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def build_application(settings: Settings, *, start_delivery: bool = True) -> App:
    """The bot, ready for run_polling() or for tests to drive with initialize()/start()."""
    from handlers import register  # handlers import bot.app; import here to keep one root

    async def post_init(application: App) -> None:
        db = await Database.open(settings.database_path)
        topics = TopicCatalog.load()
        delivery = DeliveryWorker(
            db,
            application.bot,
            rate_per_s=settings.send_rate,
            default_language=settings.default_language,
            timezone=settings.timezone,
            topic_names=topics.names,
        )
        stories = StoryService(db, on_queued=delivery.wake)
        application.bot_data["services"] = Services(settings, db, topics, stories, delivery)
        await register_commands(application, settings)
        if start_delivery:
            delivery.start()

    async def post_shutdown(application: App) -> None:
        found = application.bot_data.get("services")
        if isinstance(found, Services):
            await found.delivery.stop()
            await found.db.close()

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.base_file_url)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(False)
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

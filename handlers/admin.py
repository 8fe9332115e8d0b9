"""Admin commands: /push a story (text after the command, or as a reply to a message)."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.stories import Draft, StoryError
from handlers.common import Turn, turn

log = logging.getLogger(__name__)


async def refuse_unless_admin(tn: Turn, message: Message, command: str) -> bool:
    if tn.is_admin:
        return False
    log.warning("non-admin %s tried /%s", tn.user_id, command)
    await message.reply_text(tn._("Sorry, only the bot's admins can do that."))
    return True


def command_body(message: Message) -> str:
    """The text after "/push" (or "/push@bot"), line breaks kept."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        first_space = min((i for i in (text.find(" "), text.find("\n")) if i >= 0), default=-1)
        return "" if first_space < 0 else text[first_space + 1 :]
    return text


TOPIC_TAGS = re.compile(r"\A\s*((?:#[\w-]+\s+)+)")


def split_topics(body: str) -> tuple[list[str], str]:
    """Leading "#topic" words are explicit topics; the rest is the story."""
    match = TOPIC_TAGS.match(body + "\n")
    if not match:
        return [], body
    return re.findall(r"#([\w-]+)", match.group(1)), body[match.end() :]


async def push(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    if await refuse_unless_admin(tn, message, "push"):
        return
    wanted_topics, text = split_topics(command_body(message))
    if not text.strip() and message.reply_to_message is not None:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    unknown = [t for t in wanted_topics if t not in tn.services.topics]
    if unknown:
        known = ", ".join(t.id for t in tn.services.topics)
        await message.reply_text(
            tn._("Unknown topic: {topics}. Known topics: {known}. Nothing was published.").format(
                topics=", ".join(unknown), known=known
            )
        )
        return
    draft = Draft(text=text, topics=tuple(wanted_topics))
    try:
        published = await tn.services.stories.publish(draft)
    except StoryError as error:
        await message.reply_text(story_error_text(tn, error.code))
        return
    names = ", ".join(
        topic.name(tn.locale) if (topic := tn.services.topics.get(t)) else t
        for t in published.topics
    ) or tn._("none")
    queued = tn.t.ngettext(
        "Queued for {n} reader.", "Queued for {n} readers.", published.queued
    ).format(n=published.queued)
    await message.reply_text(
        tn._("Published story #{id}: {title}").format(
            id=published.article_id, title=published.analysis.title[:200]
        )
        + "\n"
        + tn._("Topics: {topics}").format(topics=names)
        + "\n"
        + queued
    )


def story_error_text(tn: Turn, code: str) -> str:
    if code == "too_long":
        return tn._("The story is over 100 KB; nothing was stored. Send a shorter text.")
    return tn._(
        "Send the story after the command: /push <text>, or reply /push to a message with it."
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CommandHandler("push", push)]

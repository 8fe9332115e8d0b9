"""Admin commands: /push a story — pasted text, a URL, an attached .txt/.md/.html file or
a forwarded channel post, each shown as a preview first (handlers.ingest); pasted text
is published at once when PUSH_TEXT_IMMEDIATE is set."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.stories import Draft, StoryError
from handlers import channels, ingest
from handlers.common import Turn, admin_only, command_turn, turn

log = logging.getLogger(__name__)


def command_body(message: Message) -> str:
    """The text after "/push" (or "/push@bot"), line breaks kept."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        first_space = min((i for i in (text.find(" "), text.find("\n")) if i >= 0), default=-1)
        return "" if first_space < 0 else text[first_space + 1 :]
    return text


# One token with a scheme: a link to fetch, or (javascript:, data:, file:) to refuse.
URL_ONLY = re.compile(r"\A[a-zA-Z][a-zA-Z0-9+.-]*:\S+\Z")
MAX_TAGS = 10
PUSH_CAPTION = r"\A/push(@\w+)?(\s|\Z)"


TOPIC_TAGS = re.compile(r"\A\s*((?:#[\w-]+\s+)+)")


def split_topics(body: str) -> tuple[list[str], str]:
    """Leading "#topic" words are explicit topics; the rest is the story."""
    match = TOPIC_TAGS.match(body + "\n")
    if not match:
        return [], body
    tags = list(dict.fromkeys(re.findall(r"#([\w-]+)", match.group(1))))  # each once
    return tags, body[match.end() :]


@admin_only("/push")
async def push(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    wanted_topics, text = split_topics(command_body(message))
    unknown = [t for t in wanted_topics if t not in tn.services.topics]
    if unknown or len(wanted_topics) > MAX_TAGS:
        known = ", ".join(t.id for t in tn.services.topics)
        shown = ", ".join(t[:40] for t in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        reply = (
            tn._("Unknown topic: {topics}. Known topics: {known}. Nothing was published.")
            if unknown
            else tn._("At most {n} topics. Known topics: {known}. Nothing was published.")
        )
        await message.reply_text(reply.format(topics=shown, known=known, n=MAX_TAGS))
        return
    topics = tuple(wanted_topics)
    replied = message.reply_to_message
    if message.document is not None:
        await ingest.push_document(tn, context.bot, message, message.document, topics)
        return
    if URL_ONLY.match(text.strip()):
        await ingest.push_url(tn, message, text.strip(), topics)
        return
    if not text.strip() and replied is not None:
        if replied.document is not None:
            await ingest.push_document(tn, context.bot, message, replied.document, topics)
            return
        if ingest.channel_origin(replied) is not None:
            await ingest.push_forward(tn, message, replied, topics)
            return
        text = replied.text or replied.caption or ""
    draft = Draft(text=text, topics=topics)
    if not text.strip():
        await message.reply_text(story_error_text(tn, "empty"))
        return
    if not tn.services.settings.push_text_immediate:
        await ingest.show_preview(tn, message, draft, [])  # published on the button
        return
    try:
        published = await tn.services.stories.publish(draft)
    except StoryError as error:
        await message.reply_text(story_error_text(tn, error.code))
        return
    names = ", ".join(
        topic.name(tn.locale) if (topic := tn.services.topics.get(t)) else t
        for t in published.topics
    ) or tn._("none")
    await message.reply_text(
        "\n".join(
            [
                tn._("Published story #{id}: {title}").format(
                    id=published.article_id, title=published.analysis.title[:200]
                ),
                tn._("Topics: {topics}").format(topics=names),
                *ingest.reach_lines(tn, published),
            ]
        )
    )


def story_error_text(tn: Turn, code: str) -> str:
    if code == "too_long":
        return tn._("The story is over 100 KB; nothing was stored. Send a shorter text.")
    if code == "no_content":
        return ingest.error_text(tn, StoryError(code))
    return tn._(
        "Send the story after the command: /push <text>, or reply /push to a message with it."
    )


async def forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A channel post an admin forwarded to the bot: preview it. A reader forwarding one
    is told that only admins publish (every update gets an answer)."""
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    if not tn.is_admin:
        # A channel the reader runs is connected; any other post gets the hint.
        if await channels.connect_forwarded(tn, context.bot, message):
            return
        await message.reply_text(
            tn._(
                "Only the bot's admins can publish channel posts. "
                "To find stories, send /search and a few words."
            )
            + "\n"
            + channels.connect_usage(tn)
        )
        return
    await ingest.push_forward(tn, message, message, ())


class _ChannelForward(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return ingest.channel_origin(message) is not None


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("push", push),
        # A file with "/push [#topic]" as its caption (captions are not commands).
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(PUSH_CAPTION), push),
        MessageHandler(
            filters.ChatType.PRIVATE
            & _ChannelForward()
            & ~filters.Entity(MessageEntity.BOT_COMMAND),
            forwarded,
        ),
    ]

"""Channels, groups and forum topics: /connect, /channels and their buttons, and the
bot's own membership changes (bot.destinations does the work).

/connect @channel (or a post forwarded from the channel, or /connect as a reply to
one) connects a channel or group whose admin the user is. /channels lists what the
user connected; each destination's card has buttons for its topics, language and
delivery (instant or a daily digest), its keyword watches with remove buttons, and
Disconnect. `/channels <number or @name> <words>` adds a keyword watch to one.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)

from bot import i18n
from bot.callbacks import DestinationAction
from bot.destinations import ConnectStatus
from bot.i18n import N_
from bot.readers import Chat
from bot.render.text import one_line, trim
from bot.search.service import AddStatus
from bot.services import services
from bot.tghtml import escape
from handlers.common import Turn, command_turn, edit_html, private_only, turn
from handlers.ingest import channel_origin

CHAT_REF = re.compile(r"\A(@[A-Za-z0-9_]{4,32}|-\d{1,19})\Z")
DIGEST_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
ICONS = {"channel": "📢", "topic": "🧵"}
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
LABEL_MAX = 40

# Verbs of DestinationAction.
CARD, TOPICS, TOGGLE, LANGUAGE, MODE, UNWATCH, OFF, OFF_SURE, LIST = [
    "card",
    "top",
    "tog",
    "lang",
    "mode",
    "unw",
    "off",
    "offy",
    "list",
]
VERBS = frozenset({CARD, TOPICS, TOGGLE, LANGUAGE, MODE, UNWATCH, OFF, OFF_SURE, LIST})


def _data(verb: str, chat_id: int = 0, value: str = "") -> str:
    return DestinationAction(verb, str(chat_id), value).pack()


# /connect --------------------------------------------------------------------------


def connect_usage(tn: Turn) -> str:
    return tn._(
        "To deliver stories to a channel or group: add the bot there as an admin, then "
        "send /connect @channel here (or forward a post from the channel to me)."
    )


@private_only(N_("Send /connect to me in a private chat."))
async def connect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    ref: str | int | None = None
    body = " ".join(context.args or ())
    if CHAT_REF.match(body):
        ref = int(body) if body.startswith("-") else body
    elif not body and (origin := channel_origin(message.reply_to_message)) is not None:
        ref = origin.chat.id
    if ref is None:
        await message.reply_text(connect_usage(tn))
        return
    await connect_and_reply(tn, context.bot, message, ref)


async def connect_forwarded(tn: Turn, bot: Bot, message: Message) -> bool:
    """A reader forwarded a channel post: connect that channel if they run it. False
    (nothing said) when it cannot be connected, so the caller answers."""
    origin = channel_origin(message)
    if origin is None or tn.user_id is None:
        return False
    result = await tn.services.destinations.connect(bot, tn.user_id, origin.chat.id)
    if result.status is not ConnectStatus.CONNECTED:
        return False
    await _connected(tn, message, result.chat)
    return True


async def connect_and_reply(tn: Turn, bot: Bot, message: Message, ref: str | int) -> None:
    assert tn.user_id is not None
    result = await tn.services.destinations.connect(bot, tn.user_id, ref)
    title = result.title or str(ref)
    if result.status is ConnectStatus.CONNECTED:
        await _connected(tn, message, result.chat)
        return
    texts = {
        ConnectStatus.NOT_FOUND: tn._(
            "I cannot find {ref}. Check the @username; for a private channel, forward one "
            "of its posts to me."
        ),
        ConnectStatus.PRIVATE: tn._("{ref} is a person, not a channel or a group."),
        ConnectStatus.BOT_NOT_ADMIN: tn._(
            "The bot cannot post in «{title}». Add it there as an admin (allowed to post "
            "messages) and try again."
        ),
        ConnectStatus.NOT_ADMIN: tn._("Only an admin of «{title}» can connect it."),
    }
    await message.reply_text(texts[result.status].format(ref=str(ref)[:40], title=title[:80]))


async def _connected(tn: Turn, message: Message, chat: Chat | None) -> None:
    assert chat is not None
    text, keyboard = await card(tn, chat)
    head = escape(tn._("Connected: «{title}». Choose what it receives.").format(title=chat.title))
    await message.reply_text(
        "✅ " + head + "\n\n" + text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


# /channels ---------------------------------------------------------------------------


def name_of(chat: Chat, by_id: dict[int, Chat]) -> str:
    icon = ICONS.get(chat.type, "👥")
    title = chat.title or (f"@{chat.username}" if chat.username else str(chat.id))
    if chat.parent_id is not None and chat.parent_id in by_id:
        parent = by_id[chat.parent_id]
        title = f"{parent.title or parent.id} › {title}"
    return f"{icon} {trim(one_line(title), LABEL_MAX * 2)}"


@private_only(N_("Send /channels to me in a private chat."))
async def channels(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    assert tn.user_id is not None  # private_only
    owned = await tn.services.destinations.of_user(tn.user_id)
    body = " ".join(context.args or ())
    if body:
        await add_watch(tn, message, owned, body)
        return
    text, keyboard = listing(tn, owned)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def listing(tn: Turn, owned: list[Chat]) -> tuple[str, InlineKeyboardMarkup | None]:
    if not owned:
        none_yet = tn._("You have not connected a channel or group yet.")
        return escape(none_yet + "\n" + connect_usage(tn)), None
    by_id = {c.id: c for c in owned}
    lines = [escape(tn._("Your channels and groups (tap one to manage it):"))]
    rows = []
    for number, chat in enumerate(owned, 1):
        state = "" if chat.status == "active" else " — " + tn._("the bot was removed")
        lines.append(f"{number}. {escape(name_of(chat, by_id))}{escape(state)}")
        rows.append(
            [InlineKeyboardButton(name_of(chat, by_id), callback_data=_data(CARD, chat.id))]
        )
    lines.append("")
    lines.append(escape(tn._("Add a keyword watch to one: /channels <number> <words>")))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def card(tn: Turn, chat: Chat) -> tuple[str, InlineKeyboardMarkup]:
    """One destination: what it receives, with buttons to change it."""
    found = tn.services
    owned = await found.destinations.of_user(tn.user_id or 0)
    by_id = {c.id: c for c in owned}
    names = found.topics.names(tn.locale)
    followed = await found.readers.topics_of(chat.id)
    watches = await found.watches.of_chat(chat.id)
    language = chat.language or found.settings.default_language
    if chat.mode == "digest":
        delivery = tn._("a daily digest at {time}").format(time=chat.digest_time)
    else:
        delivery = tn._("each story at once")
    state = tn._("receiving stories") if chat.status == "active" else tn._("the bot was removed")
    lines = [
        "<b>"
        + escape(name_of(chat, by_id))
        + "</b>"
        + (f" (@{escape(chat.username)})" if chat.username else ""),
        escape(tn._("Status: {state}").format(state=state)),
        escape(
            tn._("Topics: {topics}").format(
                topics=", ".join(names.get(t, t) for t in followed) or tn._("none")
            )
        ),
        escape(
            tn._("Keyword watches: {watches}").format(
                watches="; ".join(w.query for w in watches) or tn._("none")
            )
        ),
        escape(
            tn._("Language: {language}").format(language=LANGUAGE_NAMES.get(language, language))
        ),
        escape(tn._("Delivery: {delivery}").format(delivery=delivery)),
    ]
    other = "en" if language == "uk" else "uk"
    rows = [
        [
            InlineKeyboardButton("🏷 " + tn._("Topics"), callback_data=_data(TOPICS, chat.id)),
            InlineKeyboardButton(
                "🌐 " + LANGUAGE_NAMES[other], callback_data=_data(LANGUAGE, chat.id, other)
            ),
        ],
        [
            InlineKeyboardButton(
                "🕗 " + tn._("Instant or digest"), callback_data=_data(MODE, chat.id)
            )
        ],
    ]
    for watch in watches:
        rows.append(
            [
                InlineKeyboardButton(
                    "🔕 " + trim(one_line(watch.query), LABEL_MAX),
                    callback_data=_data(UNWATCH, chat.id, str(watch.id)),
                )
            ]
        )
    if chat.parent_id is None:
        rows.append(
            [InlineKeyboardButton("🔌 " + tn._("Disconnect"), callback_data=_data(OFF, chat.id))]
        )
    rows.append([InlineKeyboardButton("⬅ " + tn._("All channels"), callback_data=_data(LIST))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def topics_view(tn: Turn, chat: Chat, followed: list[str]) -> InlineKeyboardMarkup:
    rows = []
    for topic in tn.services.topics:
        mark = "✅ " if topic.id in followed else "▫️ "
        with suppress(ValueError):  # a topic id too long for button data: no button
            rows.append(
                [
                    InlineKeyboardButton(
                        mark + topic.name(tn.locale), callback_data=_data(TOGGLE, chat.id, topic.id)
                    )
                ]
            )
    rows.append([InlineKeyboardButton("⬅ " + tn._("Done"), callback_data=_data(CARD, chat.id))])
    return InlineKeyboardMarkup(rows)


async def add_watch(tn: Turn, message: Message, owned: list[Chat], body: str) -> None:
    which, _, words = body.partition(" ")
    target: Chat | None = None
    if which.isascii() and which.isdigit() and 1 <= int(which) <= len(owned):
        target = owned[int(which) - 1]
    elif which.startswith("@"):
        target = next(
            (c for c in owned if c.username and c.username.lower() == which[1:].lower()), None
        )
    if target is None or not words.strip():
        await message.reply_text(
            tn._("Usage: /channels <number> <words> — the number from the /channels list.")
        )
        return
    result = await tn.services.destinations.add_watch(target, words.strip())
    texts = {
        AddStatus.ADDED: tn._("«{title}» now also receives stories matching: {query}"),
        AddStatus.DUPLICATE: tn._("«{title}» already watches for: {query}"),
        AddStatus.TOO_MANY: tn._("«{title}» has the most keyword watches there can be."),
        AddStatus.TOO_LONG: tn._("That is too long to watch: keep it to a few words."),
    }
    text = texts.get(result.status, tn._("No word to watch in that."))
    await message.reply_text(
        text.format(title=target.title or target.id, query=trim(result.query.text(), 200))
    )


# Buttons -----------------------------------------------------------------------------


async def destination_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = DestinationAction.unpack(query.data if query else None)
    if query is None or parsed is None or parsed.verb not in VERBS:
        return  # forged: bot.updates answers it as expired
    tn = await turn(update, context)
    service = tn.services.destinations
    if parsed.verb == LIST:
        text, keyboard = listing(tn, await service.of_user(tn.user_id or 0))
        await edit_html(query, text, keyboard)
        await query.answer()
        return
    chat_id = int(parsed.chat) if re.fullmatch(r"-?\d{1,20}", parsed.chat) else 0
    chat = await service.owned(tn.user_id or 0, chat_id)
    if chat is None:
        await query.answer(tn._("This channel is no longer connected."), show_alert=True)
        return
    verb, value = parsed.verb, parsed.value
    note = ""
    if verb in (TOPICS, TOGGLE):
        if verb == TOGGLE:
            if value not in tn.services.topics:
                await query.answer(tn._("This topic no longer exists."), show_alert=True)
                return
            await service.toggle_topic(chat, value)
        followed = await tn.services.readers.topics_of(chat.id)
        names = tn.services.topics.names(tn.locale)
        text = escape(tn._("Topics for {name}:").format(name=name_of(chat, {})))
        text += "\n" + escape(", ".join(names.get(t, t) for t in followed) or tn._("none"))
        await edit_html(query, text, topics_view(tn, chat, followed))
        await query.answer()
        return
    if verb == OFF:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "🔌 " + tn._("Yes, disconnect"), callback_data=_data(OFF_SURE, chat.id)
                    ),
                    InlineKeyboardButton("⬅ " + tn._("Back"), callback_data=_data(CARD, chat.id)),
                ]
            ]
        )
        await edit_html(
            query,
            escape(tn._("Stop delivering stories to «{title}»?").format(title=chat.title)),
            keyboard,
        )
        await query.answer()
        return
    if verb == OFF_SURE:
        await service.disconnect(chat)
        text, keyboard = listing(tn, await service.of_user(tn.user_id or 0))
        await edit_html(query, text, keyboard)
        await query.answer(tn._("Disconnected: «{title}».").format(title=chat.title))
        return
    if verb == LANGUAGE and value in i18n.SUPPORTED:
        await service.set_language(chat, value)
    elif verb == MODE:
        order = [("instant", None)] + [("digest", t) for t in DIGEST_TIMES]
        now = (chat.mode, chat.digest_time if chat.mode == "digest" else None)
        mode, at = order[(order.index(now) + 1) % len(order)] if now in order else order[0]
        await service.set_delivery(chat, mode, at)
    elif (
        verb == UNWATCH
        and value.isascii()
        and value.isdigit()
        and not await service.remove_watch(chat, int(value))
    ):
        note = tn._("That watch was removed already.")
    refreshed = await service.owned(tn.user_id or 0, chat.id) or chat
    text, keyboard = await card(tn, refreshed)
    await edit_html(query, text, keyboard)
    await query.answer(note or None)


# The bot added to or removed from a chat ----------------------------------------------


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    changed = update.my_chat_member
    if changed is None:
        return
    await services(context).destinations.membership_changed(
        context.bot, changed.chat.id, changed.new_chat_member.status
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("connect", connect),
        CommandHandler("channels", channels),
        CallbackQueryHandler(destination_button, pattern=DestinationAction.pattern()),
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]

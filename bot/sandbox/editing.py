"""Changing messages already sent: editMessageText, editMessageCaption,
editMessageReplyMarkup and deleteMessage, with Telegram's rules — the message must
exist in that chat and be the bot's own to edit; an edit that changes nothing is
"message is not modified"; a message can be deleted only within 48 hours, someone
else's in a group only by an admin; edits count in the flood limits like sends."""

from __future__ import annotations

import time
from typing import Any, Protocol

from bot.sandbox import validate
from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params
from bot.sandbox.state import Chat, SentMessage, State, now

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)
DELETE_WITHIN_S = 48 * 3600  # a message can be deleted only while younger than this


class Api(Protocol):
    state: State

    def target(self, params: Params) -> Chat: ...

    def count(self, chat: Chat, *, paid: bool = False, per_chat: bool = True) -> None: ...


def _editable(api: Api, params: Params) -> tuple[Chat, SentMessage, dict[str, Any]]:
    if "inline_message_id" in params:
        raise bad_request("sandbox: editing inline messages is not supported")
    chat = api.target(params)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    sent = api.state.find_sent(chat.id, message_id)
    if sent is None or sent.deleted:
        if (chat.id, message_id) in api.state.raw:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return chat, sent, api.state.raw[(chat.id, message_id)]


async def edit_message_text(api: Api, params: Params) -> dict[str, Any]:
    chat, sent, raw = _editable(api, params)
    if sent.kind != "text":
        raise bad_request("there is no text in the message to edit")
    parsed = validate.message_text(params.text("text"), params.text("parse_mode"))
    # Leaving reply_markup out of an edit removes the keyboard, as on Telegram.
    markup = validate.reply_markup(params.obj("reply_markup"))
    preview = validate.link_preview(params.obj("link_preview_options", validate.LINK_PREVIEW))
    if (
        raw.get("text") == parsed.text
        and raw.get("entities", []) == parsed.entities
        and raw.get("reply_markup") == markup
    ):
        raise bad_request(NOT_MODIFIED)
    # Edits count like sends: in a group's or channel's 20 a minute and overall.
    api.count(chat, per_chat=chat.type != "private")
    if sent.text is not None:
        sent.edits.append(sent.text)
    sent.edit_times.append(time.monotonic())
    sent.text = params.text("text")
    sent.parse_mode = params.text("parse_mode")
    sent.reply_markup = markup
    sent.plain = parsed.text
    sent.entity_count = len(parsed.entities)
    sent.entities = list(parsed.entities)
    sent.link_preview_options = preview
    raw["text"] = parsed.text
    raw.pop("entities", None)
    if parsed.entities:
        raw["entities"] = parsed.entities
    _set_markup(raw, markup)
    return _edited(api, raw)


async def edit_message_caption(api: Api, params: Params) -> dict[str, Any]:
    chat, sent, raw = _editable(api, params)
    if sent.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    parsed = validate.caption_text(
        params.text("caption"), params.text("parse_mode"), params.obj("caption_entities")
    )
    markup = validate.reply_markup(params.obj("reply_markup"))
    if (
        raw.get("caption", "") == parsed.text
        and raw.get("caption_entities", []) == parsed.entities
        and raw.get("reply_markup") == markup
    ):
        raise bad_request(NOT_MODIFIED)
    api.count(chat, per_chat=chat.type != "private")
    sent.edits.append(sent.caption or "")
    sent.edit_times.append(time.monotonic())
    sent.caption = params.text("caption")
    sent.parse_mode = params.text("parse_mode")
    sent.reply_markup = markup
    sent.plain = parsed.text
    sent.entity_count = len(parsed.entities)
    sent.entities = list(parsed.entities)
    raw["caption"] = parsed.text
    raw.pop("caption_entities", None)
    if parsed.entities:
        raw["caption_entities"] = parsed.entities
    _set_markup(raw, markup)
    return _edited(api, raw)


async def edit_message_reply_markup(api: Api, params: Params) -> dict[str, Any]:
    _chat, sent, raw = _editable(api, params)
    markup = validate.reply_markup(params.obj("reply_markup"))
    if raw.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    sent.reply_markup = markup
    _set_markup(raw, markup)
    return _edited(api, raw)


def _set_markup(raw: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        raw.pop("reply_markup", None)
    else:
        raw["reply_markup"] = markup


def _edited(api: Api, raw: dict[str, Any]) -> dict[str, Any]:
    raw["edit_date"] = now()
    api.state.changed.notify()
    return raw


async def delete_message(api: Api, params: Params) -> bool:
    chat = api.target(params)
    message_id = params.integer("message_id")
    raw = None if message_id is None else api.state.raw.get((chat.id, message_id))
    if message_id is None or raw is None:
        raise bad_request("message to delete not found")
    sent = api.state.find_sent(chat.id, message_id)
    # Telegram: only within 48 h; someone else's message in a group only as an admin.
    too_old = time.time() - float(raw.get("date", 0)) >= DELETE_WITHIN_S
    foreign = sent is None and chat.type != "private" and chat.bot_status != "administrator"
    if too_old or foreign or "forum_topic_created" in raw:
        raise bad_request("message can't be deleted")
    del api.state.raw[(chat.id, message_id)]
    if sent is not None:
        sent.deleted = True
    api.state.changed.notify()
    return True

"""Updates from users: messages, commands, documents, button presses, inline queries."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from bot.sandbox.html import utf16_len
from bot.sandbox.params import Upload
from bot.sandbox.state import State, now

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?")

DocumentInput = Upload | Mapping[str, Any] | tuple[bytes, str, str]


def as_upload(document: DocumentInput) -> Upload:
    """Accept an Upload, (bytes, file_name, mime_type), or a dict (HTTP control:
    "content" text or "content_b64")."""
    if isinstance(document, Upload):
        return document
    if isinstance(document, tuple):
        content, file_name, mime_type = document
        return Upload(bytes(content), file_name, mime_type)
    raw = document.get("content")
    if raw is None and "content_b64" in document:
        raw = base64.b64decode(document["content_b64"])
    if isinstance(raw, str):
        raw = raw.encode()
    if not isinstance(raw, bytes | bytearray):
        raise ValueError("document needs content (bytes or text) or content_b64")
    return Upload(
        bytes(raw),
        str(document.get("file_name", "document.bin")),
        str(document.get("mime_type", "application/octet-stream")),
    )


def user_json(
    user_id: int, first_name: str, username: str | None, language_code: str | None
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def command_entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def inject_message(
    state: State,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    language_code: str = "uk",
    first_name: str = "User",
    username: str | None = None,
    reply_to_message_id: int | None = None,
    document: DocumentInput | None = None,
    forward_origin: Mapping[str, Any] | None = None,
    message_thread_id: int | None = None,
) -> dict[str, Any]:
    target = user_id if chat_id is None else chat_id
    chat = state.chat(target, create=True)
    assert chat is not None
    if message_thread_id is not None and message_thread_id not in chat.topics:
        raise ValueError(f"chat {target} has no forum topic {message_thread_id}")
    if chat.type == "private":
        chat.first_name, chat.username, chat.language_code = first_name, username, language_code
    user = user_json(user_id, first_name, username, language_code)
    state.users[user_id] = user
    message: dict[str, Any] = {
        "message_id": state.new_message_id(chat),
        "date": now(),
        "chat": chat.json(),
        "from": user,
    }
    if message_thread_id is not None:
        message["message_thread_id"] = message_thread_id
        message["is_topic_message"] = True
    entities = command_entities(text)
    if document is not None:
        upload = as_upload(document)
        stored = state.store_file(upload.content, upload.file_name, upload.mime_type, "documents")
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }
        if text:
            message["caption"] = text
            if entities:
                message["caption_entities"] = entities
    else:
        message["text"] = text
        if entities:
            message["entities"] = entities
    if reply_to_message_id is None and message_thread_id is not None:
        reply_to_message_id = message_thread_id  # in a topic, Telegram replies to its start
    if reply_to_message_id is not None:
        replied = state.raw.get((target, reply_to_message_id))
        if replied is None:
            raise ValueError(f"no message {reply_to_message_id} in chat {target} to reply to")
        message["reply_to_message"] = replied
    if forward_origin is not None:
        origin = dict(forward_origin)
        origin.setdefault("date", now())
        origin.setdefault("type", "channel")
        if isinstance(origin.get("chat"), int):  # a channel the sandbox knows, by id
            known = state.chat(origin["chat"])
            if known is None:
                raise ValueError(f"unknown channel {origin['chat']}")
            origin["chat"] = known.json()
            origin.setdefault("message_id", known.last_message_id or 1)
        message["forward_origin"] = origin
    state.raw[(target, message["message_id"])] = message
    return state.add_update("message", message)


def inject_callback(state: State, user_id: int, chat_id: int, message_id: int, data: str) -> str:
    message = state.raw.get((chat_id, message_id))
    if state.find_sent(chat_id, message_id) is None or message is None:
        raise ValueError(f"the bot sent no message {message_id} to chat {chat_id}")
    user = state.users.get(user_id) or user_json(user_id, "User", None, "uk")
    query_id = state.next_id("cbq")
    query = {
        "id": query_id,
        "from": user,
        "message": message,
        "chat_instance": f"ci{chat_id}",
        "data": data,
    }
    state.callback_queries[query_id] = query
    state.add_update("callback_query", query)
    return query_id


def inject_inline_query(
    state: State, user_id: int, query: str, offset: str = "", *, language_code: str = "uk"
) -> str:
    user = state.users.get(user_id) or user_json(user_id, "User", None, language_code)
    state.users[user_id] = user
    query_id = state.next_id("iq")
    inline = {"id": query_id, "from": user, "query": query, "offset": offset, "chat_type": "sender"}
    state.inline_queries[query_id] = inline
    state.add_update("inline_query", inline)
    return query_id


def inject_content(
    state: State,
    user_id: int,
    content: Mapping[str, Any],
    *,
    edit_of: int | None = None,
    language_code: str = "uk",
) -> dict[str, Any]:
    """A private message that is not text (a sticker, a photo, a location, …): `content`
    holds its Bot API fields. With edit_of, an edited_message update for that message_id."""
    chat = state.chat(user_id, create=True)
    assert chat is not None
    user = state.users.get(user_id) or user_json(user_id, "User", None, language_code)
    state.users[user_id] = user
    message: dict[str, Any] = {
        "message_id": state.new_message_id(chat) if edit_of is None else edit_of,
        "date": now(),
        "chat": chat.json(),
        "from": user,
        **content,
    }
    if edit_of is not None:
        message["edit_date"] = now()
        return state.add_update("edited_message", message)
    state.raw[(user_id, message["message_id"])] = message
    return state.add_update("message", message)

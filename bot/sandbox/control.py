"""The control API over HTTP: the Python control methods as JSON under /control/.

POST /control/<operation> with a JSON object of keyword arguments (GET with query
parameters works for the reading operations). Answers {"ok": true, "result": ...}
or {"ok": false, "error": "..."} with status 400.
"""

from __future__ import annotations

import inspect
from dataclasses import asdict, is_dataclass
from typing import Any

from aiohttp import web

OPERATIONS = (
    "inject_message",
    "inject_callback",
    "inject_inline_query",
    "register_chat",
    "register_chats",
    "block_chat",
    "unblock_chat",
    "deactivate",
    "migrate_group",
    "create_channel",
    "create_group",
    "create_topic",
    "delete_topic",
    "set_member",
    "add_bot",
    "remove_bot",
    "age_messages",
    "set_limits",
    "set_faults",
    "refuse_photo_url",
    "messages",
    "message_counts",
    "all_messages",
    "callback_answer",
    "inline_answers",
    "commands_for",
    "pending_updates",
    "stats",
    "wait_for_messages",
)
PROPERTIES = ("callback_answers", "commands")
# Query-string values are text; these arguments are numbers.
_INT_ARGS = frozenset(
    {
        "user_id",
        "chat_id",
        "message_id",
        "old_id",
        "new_id",
        "count",
        "reply_to_message_id",
        "message_thread_id",
        "thread_id",
        "owner",
        "by",
        "creator",
    }
)


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def control_routes(sandbox: object) -> list[web.RouteDef]:
    """Routes calling the sandbox's control methods by name (OPERATIONS, PROPERTIES)."""

    async def handle(request: web.Request) -> web.Response:
        name = request.match_info["operation"]
        if name not in OPERATIONS and name not in PROPERTIES:
            return _error(f"unknown operation {name!r}", 404)
        kwargs: dict[str, Any] = {
            key: int(value) if key in _INT_ARGS else value for key, value in request.query.items()
        }
        if request.method == "POST" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return _error("body must be a JSON object")
            if not isinstance(body, dict):
                return _error("body must be a JSON object")
            kwargs.update(body)
        try:
            if name in PROPERTIES:
                result = getattr(sandbox, name)
            else:
                result = getattr(sandbox, name)(**kwargs)
                if inspect.isawaitable(result):
                    result = await result
        except (TypeError, ValueError, KeyError, TimeoutError) as exc:
            return _error(f"{type(exc).__name__}: {exc}")
        return web.json_response({"ok": True, "result": _jsonable(result)})

    return [web.route("*", "/control/{operation}", handle)]


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)

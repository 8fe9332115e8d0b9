"""Inline-button callback data: one place builds and parses it (≤ 64 bytes, ASCII).

Format: "<action>:<arg>" where arg is a topic id, an article id or a watch id.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64

SUBSCRIBE = "sub"  # arg: topic id (from /topics; message updates in place)
UNSUBSCRIBE = "unsub"  # arg: topic id
FULL_TEXT = "full"  # arg: article id
MORE_LIKE = "more"  # arg: article id
UNWATCH = "unw"  # arg: keyword watch id
LANGUAGE = "lang"  # arg: locale
SEARCH_PAGE = "sp"  # arg: "<page>:<query key>"
SETTINGS = "set"  # arg: setting-specific
PREVIEW = "pv"  # arg: "<verb>:<draft id>" (publish / topics / cancel)


@dataclass(frozen=True, slots=True)
class Callback:
    action: str
    arg: str


def make(action: str, arg: str | int) -> str:
    data = f"{action}:{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    if not data or ":" not in data:
        return None
    action, _, arg = data.partition(":")
    return Callback(action, arg)

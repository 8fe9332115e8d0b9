"""Inline-button callback data, typed: one small dataclass per button kind.

Each kind has its own prefix; `pack()` writes "<prefix>:<field>:<field>…" (≤ 64
bytes, Telegram's limit), `unpack(data)` reads it back — or None for data of another
kind, forged, or out of range (numbers are bounded like every user input) — and
`pattern()` is the handler's filter. Button data is written only here.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Self

from bot.inputs import MAX_ID, parse_number

MAX_BYTES = 64


@dataclass(frozen=True, slots=True)
class CallbackData:
    PREFIX: ClassVar[str] = ""

    def pack(self) -> str:
        values = [str(getattr(self, f.name)) for f in fields(self)]
        while values and values[-1] == "":  # optional trailing fields left out
            values.pop()
        data = ":".join([self.PREFIX, *values])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        prefix, colon, rest = (data or "").partition(":")
        if prefix != cls.PREFIX or not colon:
            return None
        slots = fields(cls)
        parts = rest.split(":", len(slots) - 1)
        required = sum(1 for f in slots if f.default is MISSING)
        if len(parts) < required:
            return None
        values: dict[str, Any] = {}
        for slot, raw in zip(slots, parts, strict=False):
            if slot.type in ("int", int):
                number = parse_number(raw, low=0, high=MAX_ID)
                if number is None:
                    return None
                values[slot.name] = number
            elif not raw:
                return None
            else:
                values[slot.name] = raw
        return cls(**values)

    @classmethod
    def pattern(cls) -> str:
        return rf"^{re.escape(cls.PREFIX)}:"


@dataclass(frozen=True, slots=True)
class Follow(CallbackData):
    PREFIX: ClassVar[str] = "sub"  # from /topics (the list updates in place)
    topic: str


@dataclass(frozen=True, slots=True)
class Unfollow(CallbackData):
    PREFIX: ClassVar[str] = "unsub"
    topic: str


@dataclass(frozen=True, slots=True)
class FullText(CallbackData):
    PREFIX: ClassVar[str] = "full"
    article_id: int


@dataclass(frozen=True, slots=True)
class MoreLike(CallbackData):
    PREFIX: ClassVar[str] = "more"
    article_id: int


@dataclass(frozen=True, slots=True)
class Unwatch(CallbackData):
    PREFIX: ClassVar[str] = "unw"  # a keyword watch
    watch_id: int


@dataclass(frozen=True, slots=True)
class WatchInstead(CallbackData):
    """Under "«війна» names the topic …": watch the words instead of following it."""

    PREFIX: ClassVar[str] = "kw"
    key: str  # storage.search_keys: the words typed


@dataclass(frozen=True, slots=True)
class Language(CallbackData):
    PREFIX: ClassVar[str] = "lang"
    locale: str


@dataclass(frozen=True, slots=True)
class ResultsPage(CallbackData):
    PREFIX: ClassVar[str] = "sp"
    page: int
    key: str  # storage.search_keys: the query itself would not fit


@dataclass(frozen=True, slots=True)
class Setting(CallbackData):
    PREFIX: ClassVar[str] = "set"
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class PreviewAction(CallbackData):
    """Publish / topics / toggle a topic / back / cancel on a /push preview (admins)."""

    PREFIX: ClassVar[str] = "pv"
    verb: str
    preview_id: int
    topic: str = ""


@dataclass(frozen=True, slots=True)
class FeedDraftAction(CallbackData):
    """Publish / topics / toggle a topic / back / drop on a review-mode feed's draft (admins)."""

    PREFIX: ClassVar[str] = "fd"
    verb: str
    draft_id: int
    topic: str = ""


@dataclass(frozen=True, slots=True)
class DestinationAction(CallbackData):
    """A button on a /channels card; `chat` is the destination's id as text (negative)."""

    PREFIX: ClassVar[str] = "dst"
    verb: str
    chat: str = ""
    value: str = ""


def pattern(*kinds: type[CallbackData]) -> str:
    """One handler for several kinds."""
    return "|".join(kind.pattern() for kind in kinds)


KINDS: tuple[type[CallbackData], ...] = (
    Follow,
    Unfollow,
    FullText,
    MoreLike,
    Unwatch,
    WatchInstead,
    Language,
    ResultsPage,
    Setting,
    PreviewAction,
    FeedDraftAction,
    DestinationAction,
)

"""Domain values shared by storage, services, rendering and handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Article:
    """A stored story. `analysis_json` is bot.news.Analysis serialised by bot.news.codec."""

    id: int
    title: str
    text: str
    url: str | None
    source: str | None
    published: datetime | None
    language: str
    topics: tuple[str, ...]
    created_at: datetime
    analysis_json: str | None = None


class ReasonKind(StrEnum):
    TOPIC = "topic"
    KEYWORD = "keyword"
    REQUESTED = "requested"  # /article, search result, inline pick: no "why" line


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a reader got a story: a topic they follow or a keyword watch that matched."""

    kind: ReasonKind
    value: str = ""  # topic id, or the watch query / matched terms
    watch_id: int | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    names: dict[str, str]  # locale -> name

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.id

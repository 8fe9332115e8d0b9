"""Domain values shared by text understanding, storage, services, rendering and
handlers. Imports nothing from the project: every layer may depend on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# What bot.news.analyze() finds in a story; frozen: analysis results never change.


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote and who said it (speaker in the nominative, full name if known;
    role: the speaker's post as the text states it, '' when it states none)."""

    text: str
    speaker: str
    role: str = ""

    @property
    def attribution(self) -> str:
        """What a reader sees under the quote: 'Нед Прайс, речник Держдепартаменту США'."""
        return f"{self.speaker}, {self.role}" if self.speaker and self.role else self.speaker


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A topic the story belongs to, with the terms that made it match (for "why")."""

    topic_id: str
    score: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    language: str  # "uk" | "ru" | "en"
    title: str
    paragraphs: tuple[str, ...]
    summary: tuple[str, ...]
    quotes: tuple[Quote, ...]
    topic_matches: tuple[TopicMatch, ...]
    fingerprint: tuple[int, ...]  # MinHash signature over lemma shingles
    lemmas: tuple[str, ...] = ()  # lemmatized body, for the search index
    url: str | None = None
    published: datetime | None = None
    word_count: int = 0
    # Lemmas of names and numbers (capitalised words inside sentences, digits): the
    # paraphrase signal of same_story(), which survives re-wording.
    entities: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic ids, strongest first."""
        return tuple(m.topic_id for m in self.topic_matches)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Article:
    """A stored story. `analysis` is None when the story has none or its stored form
    could not be read (storage logs that once, where it decodes)."""

    id: int
    title: str
    text: str
    url: str | None
    source: str | None
    published: datetime | None
    language: str
    topics: tuple[str, ...]
    created_at: datetime
    analysis: Analysis | None = field(default=None, compare=False)
    followup_of: int | None = None  # a later telling of story `followup_of`
    news: tuple[str, ...] = ()  # what this telling added: new quotes and sentences
    image: str | None = None  # lead image URL: shown as a photo or a large link preview


@dataclass(frozen=True, slots=True)
class Story:
    """A story as lists show it: its newest telling and how many tellings it has had."""

    article: Article
    tellings: int


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

"""Publishing a story: analyse, find the earlier same story, store, queue deliveries.

Every ingest path (admin /push, URL, file, feed poll, CLI) ends here, so the rules
about topics, follow-ups and keyword watches live in one place.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot import news
from bot.domain import Analysis
from bot.inputs import has_content, strip_surrogates
from bot.search.index import new_article
from storage import articles
from storage.articles import Followup, NewArticle, WatchRecipient
from storage.db import Database
from storage.seen import Key

DEDUPE_WINDOW_S = 72 * 3600
MAX_TEXT_BYTES = 100_000


class StoryError(ValueError):
    """The story cannot be published (empty, too long). `code` picks the reply."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    topics: tuple[str, ...] = ()  # explicit topics override the analysis
    image: str | None = None  # lead image: absolute http(s) URL (bot.ingest.images)


@dataclass(frozen=True, slots=True)
class Published:
    article_id: int
    queued: int
    topics: tuple[str, ...]
    analysis: Analysis
    followup_of: int | None = None  # a later telling of this story
    adds_something: bool = True  # False: the same as `followup_of`, sent to nobody again
    watchers: int = 0  # keyword watches it matched


WatchMatcher = Callable[[Analysis], list[WatchRecipient]]


class StoryService:
    def __init__(
        self,
        db: Database,
        *,
        on_queued: Callable[[], None] = lambda: None,
        match_watches: WatchMatcher | None = None,
    ) -> None:
        self.db = db
        self.on_queued = on_queued
        self.match_watches = match_watches

    @staticmethod
    def check(draft: Draft) -> None:
        if not draft.text.strip():
            raise StoryError("empty")
        if len(draft.text.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
            raise StoryError("too_long")
        if not has_content(draft.text):  # 😀, "...", "1", zero-width spaces
            raise StoryError("no_content")

    async def analyze(self, draft: Draft) -> Analysis:
        # ~10 ms of CPU: off the event loop so polling and sending keep going.
        return await asyncio.to_thread(analyze_draft, draft)

    async def publish(
        self, draft: Draft, analysis: Analysis | None = None, *, deliver: bool = True
    ) -> Published:
        """Store the story; with `deliver` (the default) queue it for its readers."""
        draft = without_surrogates(draft)
        analysis = analysis or await self.analyze(draft)
        topics = draft.topics or analysis.topics
        followup = await self._followup(analysis) if deliver else None
        watchers = self.match_watches(analysis) if self.match_watches and deliver else []
        article_id, queued = await articles.publish(
            self.db,
            article_to_store(draft, analysis),
            watchers=watchers,
            followup=followup,
            deliver=deliver,
        )
        if queued:
            self.on_queued()
        return Published(
            article_id,
            queued,
            tuple(topics),
            analysis,
            followup.article_id if followup else None,
            followup.adds_something if followup else True,
            len(watchers),
        )

    async def store_many(self, items: Sequence[tuple[Draft, Analysis, Sequence[Key]]]) -> list[int]:
        """Store analysed stories without alerting anyone (a backfill), one transaction
        for the batch, each with the keys it was taken in by. Their article ids."""
        return await articles.store_many(
            self.db,
            [
                (article_to_store(without_surrogates(draft), analysis), keys)
                for draft, analysis, keys in items
            ],
        )

    async def _followup(self, analysis: Analysis) -> Followup | None:
        """The first telling of this story within the window, and whether this one adds
        anything to every telling since (so a repeat of an update is not sent again)."""
        recent = await articles.recent_analyses(
            self.db, created_after=time.time() - DEDUPE_WINDOW_S, language=analysis.language
        )
        earlier = [
            (article_id, old) for article_id, old in recent if news.same_story(analysis, old)
        ]
        if not earlier:
            return None
        first_id = min(article_id for article_id, _ in earlier)
        told = [previous for _, previous in earlier]
        added = news_in(analysis, told)
        return Followup(first_id, bool(added), added)


def analyze_draft(draft: Draft) -> Analysis:
    """The checks and the analysis of one story (StoryError when it cannot be stored);
    pure CPU work, run in a thread or, for a bulk import, in worker processes."""
    draft = without_surrogates(draft)
    StoryService.check(draft)
    analysis = news.analyze(draft.text, title=draft.title, url=draft.url, published=draft.published)
    if not has_content(analysis.text):  # nothing left once the clean-up ran
        raise StoryError("no_content")
    return analysis


def without_surrogates(draft: Draft) -> Draft:
    """Lone surrogates (a feed's JSON, a user's message) cannot be stored as UTF-8."""
    return replace(
        draft,
        text=strip_surrogates(draft.text),
        title=strip_surrogates(draft.title) if draft.title else draft.title,
        url=strip_surrogates(draft.url) if draft.url else draft.url,
        source=strip_surrogates(draft.source) if draft.source else draft.source,
        image=strip_surrogates(draft.image) if draft.image else draft.image,
    )


def article_to_store(draft: Draft, analysis: Analysis) -> NewArticle:
    """What storage keeps of an analysed story, with its search document."""
    return new_article(
        title=analysis.title,
        text=analysis.text,
        language=analysis.language,
        topics=tuple(draft.topics or analysis.topics),
        url=draft.url,
        source=draft.source,
        published=draft.published,
        analysis=analysis,
        image=draft.image,
    )


def adds_to(new: Analysis, told: list[Analysis]) -> bool:
    """A follow-up is worth sending when it brings a new quote or a new sentence."""
    return bool(news_in(new, told))


def news_in(new: Analysis, told: list[Analysis]) -> tuple[str, ...]:
    """The quotes and summary sentences of `new` that no earlier telling had: what an
    update marks as new."""
    old_quotes = {q.text for old in told for q in old.quotes}
    quotes = [q.text for q in new.quotes if q.text not in old_quotes]
    sentences = [s for s in new.summary if all(s not in old.text for old in told)]
    return tuple(dict.fromkeys([*quotes, *sentences]))

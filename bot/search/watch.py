"""Matching a new story against every keyword watch, in memory.

Each watch's query is lemmatized once (per language it can be read in) and filed
under one "anchor" lemma — its longest content lemma. A story then visits only
the watches anchored on a lemma it contains and checks each fully: all words,
phrases in order, no excluded term, and the topic:/lang:/source: filters. Date
filters do not apply to watches. One chat gets at most one recipient per story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.news.lemmas import stopwords
from bot.news.model import Analysis
from bot.search.lemmas import LANGUAGES, RAW, lemmatize
from bot.search.query import Query, parse
from bot.search.terms import Lemmas, Reading, readings
from storage.articles import WatchRecipient
from storage.watches import Watch


@dataclass(frozen=True, slots=True)
class _Entry:
    watch: Watch
    query: Query
    reading: Reading


class _Story:
    """A story's lemmas, with positions built only when a phrase needs them."""

    def __init__(self, lemmas: Sequence[str]) -> None:
        self.lemmas = lemmas
        self.set = frozenset(lemmas)
        self._positions: dict[str, list[int]] | None = None

    def has(self, group: Lemmas) -> bool:
        if len(group) == 1:
            return group[0] in self.set
        if not all(lem in self.set for lem in group):
            return False
        if self._positions is None:
            self._positions = defaultdict(list)
            for i, lem in enumerate(self.lemmas):
                self._positions[lem].append(i)
        n = len(group)
        return any(
            tuple(self.lemmas[i : i + n]) == group for i in self._positions.get(group[0], ())
        )


def anchor(reading: Reading) -> str:
    """The lemma a watch is filed under: a content word, the longest (rarest, roughly)."""
    stop = stopwords(reading.language)
    return max(
        (lem for group in reading.required for lem in group),
        key=lambda lem: (lem not in stop, len(lem)),
    )


def story_lemmas(analysis: Analysis) -> list[str]:
    """The story's lemmas the way the search index sees it (title, then text)."""
    return lemmatize(analysis.title, analysis.language) + lemmatize(
        analysis.text, analysis.language
    )


class WatchMatcher:
    """All watches, indexed by anchor lemma per language. Pure: no I/O."""

    def __init__(self, watches: Iterable[Watch] = ()) -> None:
        self._by_anchor: dict[str, dict[str, list[_Entry]]] = defaultdict(lambda: defaultdict(list))
        self._anchors: dict[int, list[tuple[str, str]]] = {}
        self._watches: dict[int, Watch] = {}
        for watch in watches:
            self.add(watch)

    def __len__(self) -> int:
        return len(self._watches)

    def add(self, watch: Watch) -> bool:
        """File a watch; False if its query has nothing to match (no word or phrase)."""
        self.remove(watch.id)
        query = parse(watch.query)
        found = readings(query)
        if not found:
            return False
        self._watches[watch.id] = watch
        self._anchors[watch.id] = []
        for reading in found:
            key = anchor(reading)
            self._by_anchor[reading.language][key].append(_Entry(watch, query, reading))
            self._anchors[watch.id].append((reading.language, key))
        return True

    def remove(self, watch_id: int) -> None:
        self._watches.pop(watch_id, None)
        for language, key in self._anchors.pop(watch_id, ()):
            entries = self._by_anchor[language][key]
            entries[:] = [e for e in entries if e.watch.id != watch_id]
            if not entries:
                del self._by_anchor[language][key]

    def remove_chat(self, chat_id: int) -> None:
        for watch in [w for w in self._watches.values() if w.chat_id == chat_id]:
            self.remove(watch.id)

    def match(self, analysis: Analysis, *, source: str | None = None) -> list[WatchRecipient]:
        """Chats whose watch matches the story, each with the terms that matched.
        `source` (outlet name) serves source: filters; without it the URL host does."""
        # A story in another language is read as written: watches with a RAW reading
        # (no lang: filter) see it too.
        keys = [analysis.language] if analysis.language in LANGUAGES else [analysis.language, RAW]
        indexes = [self._by_anchor[k] for k in keys if k in self._by_anchor]
        if not indexes:
            return []
        story = _Story(story_lemmas(analysis))
        where = " ".join(
            part for part in (source, urlsplit(analysis.url).netloc if analysis.url else "") if part
        ).casefold()
        topics = set(analysis.topics)
        best: dict[int, list[_Entry]] = {}
        seen: set[int] = set()
        for lem in story.set:
            for entry in (e for index in indexes for e in index.get(lem, ())):
                if entry.watch.id in seen or not _fits(entry, story, topics, where):
                    continue
                seen.add(entry.watch.id)
                best.setdefault(entry.watch.chat_id, []).append(entry)
        out = []
        for chat_id, entries in best.items():
            entries.sort(key=lambda e: e.watch.id)
            terms: list[str] = []
            for e in entries:
                terms += [t for t in e.query.terms if t not in terms]
            out.append(WatchRecipient(chat_id, entries[0].watch.id, ", ".join(terms)))
        out.sort(key=lambda r: r.watch_id)
        return out


def _fits(entry: _Entry, story: _Story, topics: set[str], where: str) -> bool:
    query, reading = entry.query, entry.reading
    if query.topic and query.topic not in topics:
        return False
    if query.source and query.source.casefold() not in where:
        return False
    if not all(story.has(group) for group in reading.required):
        return False
    return not any(story.has(group) for group in reading.excluded)

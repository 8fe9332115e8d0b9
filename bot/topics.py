"""The topic catalog the bot offers: ids and names (bot.news reads them from its
topics.toml), and what readers type to mean a topic.

`find` takes an id, a name or a synonym in any language and inflection ("війни" names
"Війна в Україні"); `closest` ranks topics by the words they share with what was typed
(names, synonyms, related words and people — across scripts for names), then by
spelling for typos, so "безпека" or "Ned Price" point to the security talks, never to
"energy" because the letters happen to look alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from bot.domain import Topic
from bot.news import TopicInfo, load_topics, morph
from bot.news.lemmas import content
from bot.news.names import name_key
from bot.search.lemmas import LANGUAGES, RAW, lemmatize, query_languages

TYPO_CUTOFF = 0.75  # spelling likeness for "did you mean" (0.4 matched "ned price" ~ "energy")


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    namings: frozenset[tuple[str, ...]]  # content lemmas of a name or a synonym
    words: frozenset[str]  # content lemmas of names, synonyms and related words
    keys: frozenset[str]  # their spelling-tolerant keys: Прайс ~ Price


def _content_lemmas(text: str, language: str) -> tuple[str, ...]:
    return tuple(content(lemmatize(text, language), language))


def _query_syntax(text: str) -> bool:
    return any(c in text for c in '"«»“”:') or any(w.startswith("-") for w in text.split())


class TopicCatalog:
    def __init__(self, topics: list[Topic], infos: list[TopicInfo] | None = None) -> None:
        self._topics = {t.id: t for t in topics}
        self._infos = {i.id: i for i in infos or []}

    @classmethod
    def load(cls) -> TopicCatalog:
        infos = load_topics()
        return cls([Topic(id=info.id, names=info.names) for info in infos], infos)

    def __iter__(self) -> Iterator[Topic]:
        return iter(self._topics.values())

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._topics

    def get(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def names(self, locale: str) -> dict[str, str]:
        return {t.id: t.name(locale) for t in self}

    @cached_property
    def _vocabularies(self) -> dict[str, _Vocabulary]:
        """Lemmatized once, on first use (every language: a synonym may be typed in any)."""
        out = {}
        for topic in self:
            info = self._infos.get(topic.id)
            naming = [*topic.names.values(), *(info.synonyms if info else ())]
            related = list(info.related) if info else []
            namings: set[tuple[str, ...]] = set()
            words: set[str] = set()
            for language in LANGUAGES:
                for phrase in naming:
                    lemmas = _content_lemmas(phrase, language)
                    if lemmas:
                        namings.add(lemmas)
                        words.update(lemmas)
                for phrase in related:
                    words.update(_content_lemmas(phrase, language))
            keys = {name_key(w) for w in words if len(w) > 3}
            out[topic.id] = _Vocabulary(frozenset(namings), frozenset(words), frozenset(keys))
        return out

    def _readings(self, text: str) -> list[tuple[str, ...]]:
        """The content lemmas of what was typed, in each language it may be in."""
        out = []
        for language in query_languages(text):
            if language == RAW:
                continue
            lemmas = _content_lemmas(text, language)
            if lemmas and lemmas not in out:
                out.append(lemmas)
            if len(lemmas) == 1:  # one word: every dictionary reading ("війни": війна, not війнути)
                for parse in morph.parses(text.strip(), language):
                    other = (str(parse.normal_form),)
                    if other not in out:
                        out.append(other)
        return out

    def find(self, text: str) -> Topic | None:
        """A topic by id or by its name in any language, case-insensitive."""
        wanted = text.strip().lower()
        for topic in self:
            if wanted == topic.id or wanted in (n.lower() for n in topic.names.values()):
                return topic
        return None

    def named_by(self, text: str) -> Topic | None:
        """The topic a name or synonym names, in any inflection ("війни", "the war");
        None when the words name no topic or more than one."""
        found = self.find(text)
        if found is not None or _query_syntax(text):
            return found  # "exact phrases", -excluded words, filters: a keyword watch
        readings = self._readings(text)
        named = [
            self._topics[topic_id]
            for topic_id, vocabulary in self._vocabularies.items()
            if any(reading in vocabulary.namings for reading in readings)
        ]
        return named[0] if len(named) == 1 else None

    def closest(self, text: str, n: int = 3) -> list[Topic]:
        """Topics that what the user typed points to (for "did you mean"), best first."""
        readings = self._readings(text)
        scores: dict[str, int] = {}
        for topic_id, vocabulary in self._vocabularies.items():
            best = 0
            for reading in readings:
                shared = sum(
                    1 for w in reading if w in vocabulary.words or name_key(w) in vocabulary.keys
                )
                best = max(best, shared)
            if best:
                scores[topic_id] = best
        found = [self._topics[t] for t in sorted(scores, key=lambda t: -scores[t])]
        wanted = text.strip().lower()
        keys: dict[str, Topic] = {}
        for topic in self:
            keys[topic.id] = topic
            for name in topic.names.values():
                keys[name.lower()] = topic
        for key in difflib.get_close_matches(wanted, list(keys), n=n * 2, cutoff=TYPO_CUTOFF):
            if keys[key] not in found:
                found.append(keys[key])
        return found[:n]

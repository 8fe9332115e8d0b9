"""The topic catalog the bot offers: ids and names (bot.news reads them from its topics.toml)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bot.domain import Topic
from bot.news import load_topics


class TopicCatalog:
    def __init__(self, topics: list[Topic]) -> None:
        self._topics = {t.id: t for t in topics}

    @classmethod
    def load(cls) -> TopicCatalog:
        return cls([Topic(id=info.id, names=info.names) for info in load_topics()])

    def __iter__(self) -> Iterator[Topic]:
        return iter(self._topics.values())

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._topics

    def get(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def names(self, locale: str) -> dict[str, str]:
        return {t.id: t.name(locale) for t in self}

    def find(self, text: str) -> Topic | None:
        """A topic by id or by its name in any language, case-insensitive."""
        wanted = text.strip().lower()
        for topic in self:
            if wanted == topic.id or wanted in (n.lower() for n in topic.names.values()):
                return topic
        return None

    def closest(self, text: str, n: int = 3) -> list[Topic]:
        """Topics whose id or name looks like what the user typed (for "did you mean")."""
        wanted = text.strip().lower()
        keys: dict[str, Topic] = {}
        for topic in self:
            keys[topic.id] = topic
            for name in topic.names.values():
                keys[name.lower()] = topic
        found: list[Topic] = []
        for key in difflib.get_close_matches(wanted, list(keys), n=n * 2, cutoff=0.4):
            if keys[key] not in found:
                found.append(keys[key])
        for key, topic in keys.items():  # a word of the name ("nato" in "NATO summit")
            if wanted and wanted in key and topic not in found:
                found.append(topic)
        return found[:n]

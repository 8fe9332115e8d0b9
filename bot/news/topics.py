"""Topics from rules in data/topics.toml.

A topic has groups of terms (`[[topic.all]]`: at least one term of every group must
occur, and all groups must meet within `window` consecutive sentences at least
once), optional boosters (`[[topic.any]]`), exclusions (`[topic.exclude]`, which
subtract from the score) and a minimum score. Terms are words or phrases written
in natural text per language; they are lemmatized once when the rules load, so
"гарантії безпеки" matches "гарантій безпеки" and "РФ" matches "Кремль".

Score of a group = Σ over its matched terms of min(occurrences, 3) × weight, plus
one for each term also in the title. Topic score = Σ groups − exclusions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.news.data_files import load
from bot.news.lemmas import lemmatize_text
from bot.news.model import TopicMatch

LANGUAGES = ("uk", "ru", "en")
_CAP = 3  # a term repeated ten times is not ten times the evidence
_GAP = 1  # words allowed between the words of a phrase ("гарантій нашої безпеки")
TITLE = 0  # sentence index of the title; body sentences start at 1


@dataclass(frozen=True, slots=True)
class Term:
    label: str  # as written in the rules (shown to readers as the reason)
    lemmas: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Group:
    terms: tuple[Term, ...]
    minimum: float = 0.0


@dataclass(frozen=True, slots=True)
class Rule:
    topic_id: str
    required: tuple[Group, ...]
    boosters: tuple[Group, ...]
    exclude: Group | None
    min_score: float
    window: int


@dataclass(frozen=True, slots=True)
class TopicInfo:
    id: str
    names: dict[str, str]  # locale -> name


def load_topics() -> list[TopicInfo]:
    """Topic ids and names, in file order. Cheap: reads TOML, no morphology."""
    out = []
    for entry in load("topics").get("topic", []):
        names = {k[5:]: str(v) for k, v in entry.items() if k.startswith("name_")}
        out.append(TopicInfo(id=str(entry["id"]), names=names))
    return out


def _terms(entry: dict[str, Any], language: str) -> tuple[Term, ...]:
    weight = float(entry.get("weight", 1.0))
    seen: set[tuple[str, ...]] = set()
    out = []
    for label in entry.get(language, []):
        lemmas = tuple(lemmatize_text(str(label), language))
        if lemmas and lemmas not in seen:
            seen.add(lemmas)
            out.append(Term(str(label), lemmas, weight))
    return tuple(out)


def _group(entry: dict[str, Any], language: str) -> Group:
    return Group(_terms(entry, language), float(entry.get("min", 0.0)))


@cache
def rules(language: str) -> tuple[Rule, ...]:
    """Rules with terms lemmatized for one language (once per process)."""
    out = []
    for entry in load("topics").get("topic", []):
        required = tuple(_group(g, language) for g in entry.get("all", []))
        if not required:
            continue  # a topic without rules only matches when chosen explicitly
        exclude = entry.get("exclude")
        out.append(
            Rule(
                topic_id=str(entry["id"]),
                required=required,
                boosters=tuple(_group(g, language) for g in entry.get("any", [])),
                exclude=_group(exclude, language) if exclude else None,
                min_score=float(entry.get("min_score", 1.0)),
                window=int(entry.get("window", 3)),
            )
        )
    return tuple(out)


class _Index:
    """Where each lemma occurs: lemma -> [(sentence, position)]."""

    def __init__(self, sentences: Sequence[Sequence[str]]) -> None:
        self.sentences = sentences
        self.where: dict[str, list[tuple[int, int]]] = {}
        for s, lemmas in enumerate(sentences):
            for p, lemma in enumerate(lemmas):
                self.where.setdefault(lemma, []).append((s, p))

    def find(self, term: Term) -> list[int]:
        """Sentence index of every occurrence of the term."""
        first = self.where.get(term.lemmas[0])
        if not first:
            return []
        if len(term.lemmas) == 1:
            return [s for s, _ in first]
        return [s for s, p in first if self._phrase_at(term.lemmas, s, p)]

    def _phrase_at(self, parts: tuple[str, ...], s: int, p: int) -> bool:
        words = self.sentences[s]
        for part in parts[1:]:
            end = min(len(words), p + 2 + _GAP)
            for q in range(p + 1, end):
                if words[q] == part:
                    p = q
                    break
            else:
                return False
        return True


@dataclass
class _Hits:
    score: float = 0.0
    sentences: set[int] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)


def _score(group: Group, index: _Index) -> _Hits:
    hits = _Hits()
    for term in group.terms:
        found = index.find(term)
        if not found:
            continue
        body = [s for s in found if s != TITLE]
        hits.score += term.weight * (min(len(body), _CAP) + (1 if TITLE in found else 0))
        hits.sentences.update(found)
        hits.labels.append(term.label)
    return hits


def _meet(groups: Sequence[set[int]], window: int) -> bool:
    """Some window of `window` consecutive sentences holds every group."""
    rarest = min(groups, key=len)
    for s in rarest:
        lo = s - window + 1
        for start in range(lo, s + 1):
            if all(any(start <= t < start + window for t in g) for g in groups):
                return True
    return False


def match_topics(sentences: Sequence[Sequence[str]], language: str) -> tuple[TopicMatch, ...]:
    """Topics of a story, strongest first. sentences[0] is the title's lemmas."""
    if language not in LANGUAGES:
        return ()  # rules are written per language: none applies to another one
    index = _Index(sentences)
    found: list[TopicMatch] = []
    for rule in rules(language):
        required = [_score(g, index) for g in rule.required]
        pairs = zip(required, rule.required, strict=True)
        if any(not h.sentences or h.score < g.minimum for h, g in pairs):
            continue
        if not _meet([h.sentences for h in required], rule.window):
            continue
        boosts = [_score(g, index) for g in rule.boosters]
        score = sum(h.score for h in required) + sum(h.score for h in boosts)
        if rule.exclude is not None:
            score -= _score(rule.exclude, index).score
        if score < rule.min_score:
            continue
        labels = [label for h in (*required, *boosts) for label in h.labels]
        found.append(TopicMatch(rule.topic_id, round(score, 2), tuple(dict.fromkeys(labels))))
    found.sort(key=lambda m: -m.score)
    return tuple(found)

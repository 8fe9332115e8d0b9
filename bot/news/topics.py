"""Topics from rules in data/topics.toml.

A topic is a subject: rules say what a story is about, never when it happened (a
story's date groups tellings of one event, it never decides a topic).

A rule has named groups of terms (`[[topic.all]]`): at least one term of every group
must occur. Groups that meet within `window` consecutive sentences count fully;
groups spread over a longer text still count, less `apart` points, so a live blog
whose actors and subject are paragraphs apart matches while a passing mention
(one line in a story about something else) stays below `min_score`.

- Terms are words or phrases written per language (uk, ru, en), lemmatized once
  when the rules load ("гарантії безпеки" matches "гарантій безпеки"). Between the
  words of a phrase up to `_GAP` words may stand ("ракет средней и меньшей
  дальности"); " … " in a term allows up to `_WIDE` ("guarantees … NATO … expand").
- `names` (any script) match people by a spelling-tolerant key (bot.news.names):
  "Riabkov", "Rjabkow" and "Рябков" are one entry.
- `[[topic.carry]]` terms stand for groups by themselves: the NATO–Russia Council
  is both sides, New START is a US–Russia treaty; the OSCE is the western side only
  in a sentence about the subject (`with`).
- A group with `per = N` must fill one sentence in N: an essay of a hundred
  sentences that names the subject once is not about it.
- `[[topic.pair]]`: an encounter word in one sentence with a term of each `with`
  group ("Putin received Witkoff in the Kremlin", "talks in Geneva were frank")
  stands for the group `for` (the subject), unless the sentence names a third party
  to the talks (`[topic.third]`: "Trump wants Putin to meet Zelensky") or a forum of
  many (`[topic.forum]`: "Blinken and Lavrov will attend the OSCE meeting").
- Acronyms listed in `case` that are also ordinary words match only in capitals
  ("New START", not "a new start").
- `[[topic.any]]` boosters add, `[[topic.exclude]]` groups subtract (each its weight).
- `[topic.focus]`: the two sides must be the story's main actors. Of the sentences that
  name the two sides together, a `[topic.third]` party, a `rival` subject (the minerals
  deal, sanctions, strikes and casualties), or the first side with a `party` (Ukraine)
  without the second side, the two sides' share (a rival's sentence is the rival's,
  whoever it names) —
  the title and the lead weighing more — must reach `min`: a story about Zelensky's
  visit or the US–Ukraine minerals deal that names the Trump–Putin call in one line is
  about the other party, however often Trump is named.

Score of a group = Σ over its matched terms of min(occurrences, 3) × weight, plus
one weight for each term also in the title. Topic score = Σ groups + boosters −
exclusions (− `apart` when the groups never meet in one window).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from bot.news.data_files import load
from bot.news.lemmas import lemmatize_text, word_lemma
from bot.news.model import TopicMatch
from bot.news.names import ENDINGS, name_key

LANGUAGES = ("uk", "ru", "en")
_CAP = 3  # a term repeated ten times is not ten times the evidence
_GAP = 2  # words allowed between the words of a phrase ("гарантій нашої безпеки")
_WIDE = 6  # words allowed at " … " in a phrase
_ELLIPSIS = ("…", "...")
TITLE = 0  # sentence index of the title; body sentences start at 1
_THIRD_SHARE = 0.5  # of a story's sentences naming a third party: a story about it …
_THIRD_RATIO = 3  # … when it names it more than this many times as often as the two sides meet


@dataclass(frozen=True, slots=True)
class Term:
    label: str  # as written in the rules (shown to readers as the reason)
    lemmas: tuple[str, ...]  # for a name: its one spelling-tolerant key
    weight: float = 1.0
    gaps: tuple[int, ...] = ()  # words allowed before each lemma after the first
    name: bool = False
    written: tuple[str, ...] = ()  # words that must stand as written (START, not 'start')


@dataclass(frozen=True, slots=True)
class Group:
    terms: tuple[Term, ...]
    minimum: float = 0.0
    name: str = ""
    per: int = 0  # the group must fill one sentence in every `per` (a long text's focus)


@dataclass(frozen=True, slots=True)
class Pair:
    terms: tuple[Term, ...]
    stands_for: str
    sides: tuple[str, ...]
    unless: tuple[Term, ...] = ()  # a third party named in the sentence: not these sides' talks


@dataclass(frozen=True, slots=True)
class Carry:
    terms: tuple[Term, ...]
    stands_for: tuple[str, ...]
    within: str = ""  # counts only in a sentence where this group is named too


@dataclass(frozen=True, slots=True)
class Focus:
    sides: tuple[str, str]  # the groups of the two sides ("us", "russia")
    party: tuple[Term, ...] = ()  # another party the first side deals with (Ukraine)
    rival: tuple[Term, ...] = ()  # another main subject (the minerals deal), in any sentence
    context: tuple[Term, ...] = ()  # the second side as the war's party, not at the table
    minimum: float = 0.0
    title: float = 1.0  # weight of the title's sentence
    lead: int = 0  # body sentences after the title that weigh `lead_weight`
    lead_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Rule:
    topic_id: str
    required: tuple[Group, ...]
    boosters: tuple[Group, ...]
    exclude: tuple[Group, ...]
    min_score: float
    window: int
    apart: float = 0.0
    pairs: tuple[Pair, ...] = ()
    carries: tuple[Carry, ...] = ()
    third: tuple[Term, ...] = ()
    forum: tuple[Term, ...] = ()  # a meeting of many ("the OSCE ministerial"): no encounter of two
    apart_from_third: frozenset[str] = frozenset()  # groups a third party's sentence does not feed
    focus: Focus | None = None


@dataclass(frozen=True, slots=True)
class TopicInfo:
    id: str
    names: dict[str, str]  # locale -> name
    synonyms: tuple[str, ...] = ()  # other names, any language: typing one follows it
    related: tuple[str, ...] = ()  # words and people that point to it: suggested


def load_topics() -> list[TopicInfo]:
    """Topic ids and names, in file order. Cheap: reads TOML, no morphology."""
    out = []
    for entry in load("topics").get("topic", []):
        names = {k[5:]: str(v) for k, v in entry.items() if k.startswith("name_")}
        out.append(
            TopicInfo(
                id=str(entry["id"]),
                names=names,
                synonyms=tuple(str(v) for v in entry.get("synonyms", [])),
                related=tuple(str(v) for v in entry.get("related", [])),
            )
        )
    return out


def _phrase(label: str, language: str, weight: float) -> Term | None:
    lemmas: list[str] = []
    gaps: list[int] = []
    wide = False
    for chunk in label.replace("...", "…").split("…"):
        parts = lemmatize_text(chunk, language)
        for i, lemma in enumerate(parts):
            if lemmas:
                gaps.append(_WIDE if wide and i == 0 else _GAP)
            lemmas.append(lemma)
        wide = True
    if not lemmas:
        return None
    return Term(label, tuple(lemmas), weight, tuple(gaps))


@cache
def _case_words() -> frozenset[str]:
    """Acronyms that are also ordinary words ("START", "start"): they match only in
    capitals."""
    return frozenset(str(w) for w in load("topics").get("case", []))


def _terms(entry: dict[str, Any], language: str) -> tuple[Term, ...]:
    weight = float(entry.get("weight", 1.0))
    seen: set[tuple[str, ...]] = set()
    out = []
    case = _case_words()
    for label in entry.get(language, []):
        term = _phrase(str(label), language, weight)
        if term is not None and term.lemmas not in seen:
            seen.add(term.lemmas)
            written = tuple(w for w in str(label).split() if w in case)
            out.append(replace(term, written=written) if written else term)
    for label in entry.get("names", []):
        key = name_key(str(label))
        if key and (key,) not in seen:
            seen.add((key,))
            out.append(Term(str(label), (key,), weight, name=True))
    return tuple(out)


def _group(entry: dict[str, Any], language: str) -> Group:
    return Group(
        _terms(entry, language),
        float(entry.get("min", 0.0)),
        str(entry.get("name", "")),
        int(entry.get("per", 0)),
    )


def _listed(value: Any) -> list[dict[str, Any]]:
    """A rule part written once ([topic.x]) or several times ([[topic.x]])."""
    if value is None:
        return []
    return [value] if isinstance(value, dict) else list(value)


def _focus(entry: dict[str, Any] | None, language: str) -> Focus | None:
    if not entry:
        return None
    first, second = (str(s) for s in entry["sides"])
    return Focus(
        (first, second),
        _terms(entry, language),
        _terms(entry.get("rival", {}), language),
        _terms(entry.get("context", {}), language),
        float(entry.get("min", 0.0)),
        float(entry.get("title", 1.0)),
        int(entry.get("lead", 0)),
        float(entry.get("lead_weight", 1.0)),
    )


@cache
def rules(language: str) -> tuple[Rule, ...]:
    """Rules with terms lemmatized for one language (once per process)."""
    out = []
    for entry in load("topics").get("topic", []):
        required = tuple(_group(g, language) for g in entry.get("all", []))
        if not required:
            continue  # a topic without rules only matches when chosen explicitly
        third = _terms(entry.get("third", {}), language)
        pairs = tuple(
            Pair(_terms(p, language), str(p["for"]), tuple(str(s) for s in p["with"]), third)
            for p in _listed(entry.get("pair"))
        )
        carries = tuple(
            Carry(_terms(c, language), tuple(str(s) for s in c["for"]), str(c.get("with", "")))
            for c in _listed(entry.get("carry"))
        )
        out.append(
            Rule(
                focus=_focus(entry.get("focus"), language),
                topic_id=str(entry["id"]),
                required=required,
                boosters=tuple(_group(g, language) for g in entry.get("any", [])),
                exclude=tuple(_group(g, language) for g in _listed(entry.get("exclude"))),
                min_score=float(entry.get("min_score", 1.0)),
                window=int(entry.get("window", 3)),
                apart=float(entry.get("apart", 0.0)),
                pairs=pairs,
                carries=carries,
                third=third,
                forum=_terms(entry.get("forum", {}), language),
                apart_from_third=frozenset(
                    str(g.get("name")) for g in entry.get("all", []) if g.get("not_third")
                ),
            )
        )
    return tuple(out)


def _rule_terms(rule: Rule) -> Iterable[Term]:
    """Every term of a rule, in whatever part of it."""
    for group in (*rule.required, *rule.boosters, *rule.exclude):
        yield from group.terms
    for pair in rule.pairs:
        yield from pair.terms
    for carry in rule.carries:
        yield from carry.terms
    yield from rule.third
    yield from rule.forum
    if rule.focus:
        yield from (*rule.focus.party, *rule.focus.rival, *rule.focus.context)


@cache
def _first_lemmas(language: str) -> frozenset[str]:
    """The first lemma of every word term (names are found by key, not by lemma)."""
    return frozenset(
        term.lemmas[0] for rule in rules(language) for term in _rule_terms(rule) if not term.name
    )


@cache
def _name_keys(language: str) -> frozenset[str]:
    """Every key a rule's name looks up (the name with each case ending)."""
    return frozenset(
        key
        for rule in rules(language)
        for term in _rule_terms(rule)
        if term.name
        for key in _inflected(term.lemmas[0])
    )


@lru_cache(maxsize=50_000)
def _surface_keys(word: str, language: str) -> tuple[str, ...]:
    """Name keys of a capitalised word as written and of its lemma (Зеленським →
    зеленський), those a rule's name looks up: most capitalised words are no listed
    name, and the index then holds nothing for them."""
    listed = _name_keys(language)
    keys = (name_key(word), name_key(word_lemma(word, language)))
    return tuple(key for key in keys if key in listed)


@lru_cache(maxsize=10_000)
def _inflected(key: str) -> tuple[str, ...]:
    """A name's key with each case ending a lemmatizer may leave on it."""
    return tuple(key + end for end in ENDINGS)


class _Index:
    """Where each lemma occurs: lemma -> [(sentence, position)]; names by key."""

    def __init__(
        self,
        sentences: Sequence[Sequence[str]],
        words: Sequence[Sequence[str]] = (),
        language: str = "uk",
    ) -> None:
        self.sentences = sentences
        self.words = words
        self.language = language
        # Only the lemmas a term starts with are ever looked up: most sentences hold
        # none of them, and a set intersection (in C) tells without a loop per word.
        wanted = _first_lemmas(language)
        self.where: dict[str, list[tuple[int, int]]] = {}
        for s, lemmas in enumerate(sentences):
            found = wanted.intersection(lemmas)
            if found:
                for p, lemma in enumerate(lemmas):
                    if lemma in found:
                        self.where.setdefault(lemma, []).append((s, p))
        self._keys: dict[str, set[int]] | None = None
        self._written: dict[int, set[str]] = {}

    def _as_written(self, s: int) -> set[str]:
        """The words of a sentence as written, and the parts of hyphenated ones."""
        found = self._written.get(s)
        if found is None:
            found = self._written[s] = {p for w in self.words[s] for p in (w, *w.split("-"))}
        return found

    def _by_key(self) -> dict[str, set[int]]:
        """Sentences by name key of the capitalised words as written (a lemmatizer may
        take a foreign surname for an inflected noun: Рябков → рябок); of the lemmas
        when the words are not given."""
        if self._keys is None:
            keys: dict[str, set[int]] = {}
            if self.words:
                for s, surface in enumerate(self.words):
                    for word in surface:
                        if word[:1].isupper():
                            for key in _surface_keys(word, self.language):
                                keys.setdefault(key, set()).add(s)
            else:
                for s, lemmas in enumerate(self.sentences):
                    for lemma in lemmas:
                        keys.setdefault(name_key(lemma), set()).add(s)
            self._keys = keys
        return self._keys

    def find(self, term: Term) -> list[int]:
        """Sentence index of every occurrence of the term."""
        if term.name:
            keys = self._by_key()
            return sorted({s for key in _inflected(term.lemmas[0]) for s in keys.get(key, ())})
        first = self.where.get(term.lemmas[0])
        if not first:
            return []
        if len(term.lemmas) == 1:
            found = [s for s, _ in first]
        else:
            found = [s for s, p in first if self._phrase_at(term, s, p)]
        if term.written and self.words:
            found = [s for s in found if all(w in self._as_written(s) for w in term.written)]
        return found

    def _phrase_at(self, term: Term, s: int, p: int) -> bool:
        words = self.sentences[s]
        for part, gap in zip(term.lemmas[1:], term.gaps, strict=True):
            end = min(len(words), p + 2 + gap)
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

    def add(self, weight: float, found: Collection[int], label: str) -> None:
        if not found:  # most terms of a rule are not in a given story
            return
        where = set(found)
        in_title = 1 if TITLE in where else 0
        self.score += weight * (min(len(where) - in_title, _CAP) + in_title)
        self.sentences |= where
        self.labels.append(label)


def _score(terms: Iterable[Term], index: _Index, hits: _Hits | None = None) -> _Hits:
    hits = hits if hits is not None else _Hits()
    for term in terms:
        hits.add(term.weight, index.find(term), term.label)
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


def _required(rule: Rule, index: _Index) -> tuple[list[_Hits], float]:
    """The required groups' hits, and the two sides' share of the story (_focus_share)."""
    third = {s for term in rule.third for s in index.find(term)}
    hits: dict[str, _Hits] = {}
    for i, g in enumerate(rule.required):
        hits[g.name or str(i)] = h = _Hits()
        for term in g.terms:
            found = index.find(term)
            if g.name in rule.apart_from_third:
                found = [s for s in found if s not in third]
            h.add(term.weight, found, term.label)
    # Encounters need the sides named: an institution standing for a side (the OSCE)
    # meeting Russia is not the two sides meeting.
    named = {name: set(h.sentences) for name, h in hits.items()}
    for carry in rule.carries:
        for term in carry.terms:
            found = index.find(term)
            if carry.within:
                found = [s for s in found if s in named[carry.within]]
            for name in carry.stands_for:
                hits[name].add(term.weight, found, term.label)
    share = 1.0
    if rule.focus and all(hits[name].sentences for name in rule.focus.sides):
        share = _focus_share(rule, hits, third, index)  # only when both sides are named
    encounters: dict[str, list[tuple[float, list[int], str]]] = {}
    # a third party or a forum of many ("the OSCE meeting"): not an encounter of two
    apart = third | {s for term in rule.forum for s in index.find(term)}
    for pair in rule.pairs:
        sides = [named[name] for name in pair.sides]
        others = apart if pair.unless else set()
        for term in pair.terms:
            found = [s for s in index.find(term) if s not in others and all(s in g for g in sides)]
            encounters.setdefault(pair.stands_for, []).append((term.weight, found, term.label))
    for name, found_terms in encounters.items():
        met = {s for _, found, _ in found_terms for s in found}
        if not hits[name].sentences and _about_third(third, met, len(index.sentences)):
            continue  # the two sides' call in passing, in a story about a third party's talks
        for weight, found, label in found_terms:
            hits[name].add(weight, found, label)
    return list(hits.values()), share


def _focus_share(rule: Rule, hits: dict[str, _Hits], third: set[int], index: _Index) -> float:
    """Weighted share of the two sides among the story's actor pairings: sentences naming
    both sides, against sentences naming a third party, a rival subject, or the first side
    with another party and not the second side (a Trump–Zelensky meeting, a US–Ukraine
    deal). The second side named only as the war's party ("the war of Russia against
    Ukraine") is not at the table."""
    focus = rule.focus
    assert focus is not None
    first, second = (hits[name].sentences for name in focus.sides)
    context = Counter(s for term in focus.context for s in index.find(term))
    if context:
        group = next(g for g in rule.required if g.name == focus.sides[1])
        own = Counter(s for term in group.terms for s in index.find(term))
        second = {s for s in second if not context[s] or own[s] > context[s]}
    party = {s for term in focus.party for s in index.find(term)}
    rival = {s for term in focus.rival for s in index.find(term)}
    theirs = third | rival | ((first & party) - second)
    ours = (first & second) - rival  # a rival subject's sentence is that subject's

    def weight(s: int) -> float:
        if s == TITLE:
            return focus.title
        return focus.lead_weight if s <= focus.lead else 1.0

    mine = sum(weight(s) for s in ours)
    other = sum(weight(s) for s in theirs)
    return mine / (mine + other) if mine + other else 1.0


def _about_third(third: set[int], met: set[int], sentences: int) -> bool:
    """A story about a third party's meeting ('Trump met Zelensky …'): the third party is
    named in half its sentences or more and in more than _THIRD_RATIO times as many as the two
    sides' encounter, which is then a passing mention, not the subject."""
    return len(third) >= _THIRD_SHARE * sentences and len(third) > _THIRD_RATIO * len(met)


def match_topics(
    sentences: Sequence[Sequence[str]],
    language: str,
    *,
    words: Sequence[Sequence[str]] = (),
) -> tuple[TopicMatch, ...]:
    """Topics of a story, strongest first. sentences[0] is the title's lemmas; `words`,
    when given, the surface words of the same sentences (for names)."""
    if language not in LANGUAGES:
        return ()  # rules are written per language: none applies to another one
    index = _Index(sentences, words, language)
    found: list[TopicMatch] = []
    for rule in rules(language):
        required, share = _required(rule, index)
        if rule.focus and share < rule.focus.minimum:
            continue  # the two sides are not the story's main actors
        pairs = zip(required, rule.required, strict=True)
        if any(not h.sentences or h.score < g.minimum for h, g in pairs):
            continue
        if any(
            g.per and len(h.sentences) * g.per < len(sentences)
            for h, g in zip(required, rule.required, strict=True)
        ):
            continue  # a long text that names the subject in passing
        score = sum(h.score for h in required)
        if not _meet([h.sentences for h in required], rule.window):
            if not rule.apart:
                continue
            score -= rule.apart
        boosts = [_score(g.terms, index) for g in rule.boosters]
        score += sum(h.score for h in boosts)
        score -= sum(_score(g.terms, index).score for g in rule.exclude)
        if score < rule.min_score:
            continue
        labels = [label for h in (*required, *boosts) for label in h.labels]
        found.append(TopicMatch(rule.topic_id, round(score, 2), tuple(dict.fromkeys(labels))))
    found.sort(key=lambda m: -m.score)
    return tuple(found)

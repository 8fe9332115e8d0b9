"""Extractive summary: 2–3 whole sentences of the story, in their original order.

Score = centrality (TextRank over content-lemma overlap) + closeness to the title
+ a lead bonus (news puts the point first). Then pick greedily, skipping sentences
too close to one already picked (no near-duplicate pair), background lines
("Нагадаємо…", "Раніше…") and sentences that are not prose (headings, fragments,
questions to the reader). Openers that lean on the sentence before ("За його
словами, …", "Він …", "Це …") are penalised like background lines: used only when
nothing standalone is left.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

_BACKGROUND = re.compile(
    r"^\W*(?:нагадаємо|нагадуємо|раніше|як повідомлялося|як відомо|як ми писали|"
    r"як писав|до слова|довідка|тим часом|водночас|також|крім того|"
    r"напомним|ранее|как сообщалось|как известно|как мы писали|к слову|справка|"
    r"тем временем|между тем|кроме того|"
    r"earlier|previously|as reported|recall that|meanwhile|in other news|background)\b",
    re.IGNORECASE,
)
# Openers whose meaning hangs on the sentence before ("За його словами, …", "Він …",
# "Це …"): out of context in a summary, so they lose to a standalone sentence.
_ANAPHORIC = re.compile(
    r"^\W*(?:(?:за|на)\s+(?:його|її|їхніми|їхню|їх)\s+(?:словами|думку|даними)|"
    r"він|вона|вони|воно|це|цей|ця|ці|цим|цими|такий|таке|така|такі|тому|при цьому|"
    r"по\s+(?:его|ее|её|их)\s+(?:словам|мнению|данным)|он|она|они|оно|это|этот|эта|эти|"
    r"этим|поэтому|при этом|"
    r"according to (?:him|her|them)|he|she|they|this|these|those|that)\b",
    re.IGNORECASE,
)
_PROSE_END = tuple('.!…"»”')
_MIN_WORDS, _MAX_WORDS = 6, 60
_NEAR_DUPLICATE = 0.5  # Jaccard of content lemmas above which two sentences repeat
_DAMPING, _ROUNDS = 0.85, 20
_MAX_CANDIDATES = 40  # news puts the point early; caps the quadratic graph
_MAX_CHARS = 700  # three long sentences make a wall of text in a chat message


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    lemmas: frozenset[str]  # content lemmas


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """TextRank overlap, normalised by length so long sentences do not win by size."""
    common = len(a & b)
    if not common or len(a) < 2 or len(b) < 2:
        return 0.0
    return common / (math.log(len(a)) + math.log(len(b)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _centrality(items: Sequence[Candidate]) -> list[float]:
    """PageRank over the sentence-similarity graph, scaled so the top sentence is 1."""
    n = len(items)
    links: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            w = _similarity(items[i].lemmas, items[j].lemmas)
            if w:
                links[i].append((j, w))
                links[j].append((i, w))
    totals = [sum(w for _, w in row) or 1.0 for row in links]
    # Incoming share of each neighbour, computed once for all rounds.
    inbound = [[(j, w / totals[j]) for j, w in row] for row in links]
    rank = [1.0 / n] * n
    base = (1 - _DAMPING) / n
    for _ in range(_ROUNDS):
        rank = [base + _DAMPING * sum(share * rank[j] for j, share in row) for row in inbound]
    top = max(rank) or 1.0
    return [r / top for r in rank]


def _is_prose(sentence: str) -> bool:
    words = len(sentence.split())
    return _MIN_WORDS <= words <= _MAX_WORDS and sentence.rstrip().endswith(_PROSE_END)


def summarize(
    sentences: Sequence[Candidate], title_lemmas: frozenset[str], limit: int = 3
) -> tuple[str, ...]:
    """Up to `limit` sentences (2 for short stories), original order."""
    usable = [i for i, s in enumerate(sentences) if _is_prose(s.text) and s.lemmas]
    if not usable:
        usable = [i for i, s in enumerate(sentences) if s.lemmas]
    if not usable:
        return ()
    usable = usable[:_MAX_CANDIDATES]
    items = [sentences[i] for i in usable]
    central = _centrality(items) if len(items) > 1 else [1.0]
    scores: dict[int, float] = {}
    for rank, (index, item) in enumerate(zip(usable, items, strict=True)):
        title = len(item.lemmas & title_lemmas) / (len(title_lemmas) or 1)
        lead = 1.0 / (1.0 + 0.35 * rank)
        score = central[rank] + 1.2 * title + 0.6 * lead
        if _BACKGROUND.match(item.text):
            score *= 0.3  # background is the last resort, not forbidden
        elif _ANAPHORIC.match(item.text):
            score *= 0.4  # needs the sentence before it: only when nothing standalone is left
        scores[index] = score
    want = min(limit if len(usable) >= 8 else 2, len(usable))
    picked: list[int] = []
    for index in sorted(scores, key=lambda i: -scores[i]):
        if len(picked) == want:
            break
        lemmas = sentences[index].lemmas
        if any(_jaccard(lemmas, sentences[p].lemmas) > _NEAR_DUPLICATE for p in picked):
            continue
        size = sum(len(sentences[p].text) for p in picked) + len(sentences[index].text)
        if picked and size > _MAX_CHARS and len(picked) >= 2:
            continue
        picked.append(index)
    return tuple(sentences[i].text for i in sorted(picked))

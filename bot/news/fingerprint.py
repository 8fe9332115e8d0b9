"""Near-duplicate detection: is this the same story as one we already have?

Two signals, because edits and re-writes differ:
- a MinHash sketch (bottom-k variant: the k smallest 64-bit hashes of the story's
  3-lemma shingles) estimates shingle Jaccard; edited copies (sentences dropped,
  reordered, a word changed) keep most shingles;
- a paraphrase keeps few shingles but the same facts: names, numbers, rare words.
  We compare the sets of content lemmas and of "key" tokens (capitalised names
  and numbers), plus the titles.
Bottom-k needs one hash per shingle instead of k, which keeps it under a
millisecond in pure Python. blake2b, not hash(): the sketch is stored and must
be the same in every process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import blake2b

from bot.news.lemmas import content, lemmatize_text
from bot.news.model import Analysis

SIZE = 64
SHINGLE = 3
_EDITED = 0.45  # shingle Jaccard from which a story is an edited copy
_WORDS_PARAPHRASE = 0.35  # content-lemma Jaccard for a re-write ...
_KEYS_PARAPHRASE = 0.5  # ... when names and numbers also agree
_TITLE_PARAPHRASE = 0.5
_CONTAINED = 0.85  # share of the shorter story's content lemmas found in the longer
_CONTAINED_MIN_WORDS = 15


def _hash(text: str) -> int:
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "little")


def shingles(lemmas: Sequence[str], size: int = SHINGLE) -> set[str]:
    if len(lemmas) < size:
        return {" ".join(lemmas)} if lemmas else set()
    if size == 3:  # the sketch's size: three words joined without a slice per shingle
        triples = zip(lemmas, lemmas[1:], lemmas[2:], strict=False)
        return {f"{a} {b} {c}" for a, b, c in triples}
    return {" ".join(lemmas[i : i + size]) for i in range(len(lemmas) - size + 1)}


def sketch(lemmas: Sequence[str]) -> tuple[int, ...]:
    """Bottom-k MinHash signature, ascending (_hash of each shingle, written inline)."""
    number = int.from_bytes
    hashes = {
        number(blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingles(lemmas)
    }
    return tuple(sorted(hashes)[:SIZE])


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard of the shingle sets behind two bottom-k sketches."""
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[: min(SIZE, len(sa | sb))]
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def _jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the other (a short re-write keeps the facts)."""
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0


def _words(analysis: Analysis) -> set[str]:
    return set(content(analysis.lemmas, analysis.language))


def _title(analysis: Analysis) -> set[str]:
    return set(content(lemmatize_text(analysis.title, analysis.language), analysis.language))


def same_story(a: Analysis, b: Analysis) -> bool:
    """True for edited copies and re-writes of one story; false for other stories,
    even on the same topic (they share vocabulary, not names, numbers and wording)."""
    if resemblance(a.fingerprint, b.fingerprint) >= _EDITED:
        return True
    if a.language != b.language:
        return False  # lemmas of different languages never compare
    words_a, words_b = _words(a), _words(b)
    words = _jaccard(words_a, words_b)
    keys = _overlap(set(a.entities), set(b.entities)) if a.entities and b.entities else 0.0
    if words >= _WORDS_PARAPHRASE and keys >= _KEYS_PARAPHRASE:
        return True
    title = _jaccard(_title(a), _title(b))
    if (
        min(len(words_a), len(words_b)) >= _CONTAINED_MIN_WORDS
        and _overlap(words_a, words_b) >= _CONTAINED
        and title >= _TITLE_PARAPHRASE
    ):
        return True  # the story grew: a new paragraph or quote under the same headline
    return title >= _TITLE_PARAPHRASE and words >= _WORDS_PARAPHRASE * 0.7 and keys >= 0.4


def entities(tokens: Iterable[tuple[str, str, bool]]) -> tuple[str, ...]:
    """Key tokens: lemmas of capitalised words not opening a sentence, and numbers.
    Input: (surface, lemma, sentence_start) per token that can be one (capitalised or a
    number: analyze() passes no others, and most words are neither)."""
    out: dict[str, None] = {}
    for surface, lemma, first in tokens:
        if surface[0].isdigit() or (surface[0].isupper() and not first and len(lemma) > 1):
            out[lemma] = None
    return tuple(out)

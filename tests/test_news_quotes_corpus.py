"""Quote precision/recall on hand-annotated real press texts (tests/fixtures/quotes_annotated.json).

Precision: of the quotes shown, the share that are annotated key quotes with the right
speaker; a key quote shown without a name counts neither way (as in issue 18's speaker
precision), an unnamed quote that is no key quote counts against it. Recall: annotated
quotes found with the right speaker.

The fixture stores only record ids, offsets, 30-character prefixes and speakers; the texts
are read from ../shared through tests/shared_data.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.news.model import Quote
from bot.news.quotes import extract_quotes
from tests.shared_data import corpus_records

FIXTURE = Path(__file__).parent / "fixtures" / "quotes_annotated.json"
MIN_PRECISION = 0.9
MIN_RECALL = 0.6


@dataclass(frozen=True)
class Annotated:
    start: int
    prefix: str
    speaker: str


def _same_speaker(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _located(text: str, quote: Quote) -> tuple[int, int]:
    """Where the predicted quote's first words sit in the record text (-1 if nowhere)."""
    head = quote.text[:25]
    at = text.find(head)
    return at, at + len(head)


def _overlaps(span: tuple[int, int], gold: Annotated) -> bool:
    start, end = span
    return start >= 0 and (start <= gold.start < end or gold.start <= start < gold.start + 30)


def _evaluate() -> tuple[float, float, list[str]]:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    texts = {str(r["id"]): str(r["text"]) for r in corpus_records()}
    predicted = correct = gold_total = gold_found = 0
    report: list[str] = []
    for record in fixture["records"]:
        text = texts[record["id"]]
        gold = [Annotated(**q) for q in record["quotes"]]
        for item in gold:
            assert text[item.start : item.start + len(item.prefix)] == item.prefix, record["id"]
        quotes = extract_quotes(text.split("\n"), "uk")
        found: set[int] = set()
        for quote in quotes:
            span = _located(text, quote)
            hits = [i for i, g in enumerate(gold) if _overlaps(span, g)]
            if not quote.speaker and hits:
                continue  # a key quote shown without a name: no wrong name, not found either
            predicted += 1
            good = [i for i in hits if _same_speaker(gold[i].speaker, quote.speaker)]
            if good:
                correct += 1
                found.update(good)
            else:
                want = gold[hits[0]].speaker if hits else "no key quote"
                report.append(f"WRONG {record['id']} {quote.speaker!r} (want {want!r}): {span[0]}")
        gold_total += len(gold)
        gold_found += len(found)
        report.extend(
            f"MISSED {record['id']} {g.speaker!r}: {g.prefix!r}"
            for i, g in enumerate(gold)
            if i not in found
        )
    precision = correct / predicted if predicted else 1.0
    recall = gold_found / gold_total if gold_total else 1.0
    return precision, recall, report


def test_fixture_is_big_enough() -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    quotes = sum(len(r["quotes"]) for r in fixture["records"])
    empty = sum(1 for r in fixture["records"] if not r["quotes"])
    assert quotes >= 40
    assert empty >= 10


def test_precision_and_recall_on_annotated_corpus() -> None:
    precision, recall, report = _evaluate()
    print("\n".join(report))
    print(f"quotes precision={precision:.3f} recall={recall:.3f}")
    assert precision >= MIN_PRECISION, report
    assert recall >= MIN_RECALL, report

"""The line cleaner drops page furniture only: on the corpus (plain article texts, no
page around them) it drops no line at all; join prompts go only when they name a place."""

from __future__ import annotations

from collections import Counter

from bot.news.clean import clean_lines
from tests.shared_data import corpus_records


def test_no_corpus_line_is_dropped() -> None:
    dropped, total = [], 0
    for record in corpus_records():
        lines = [line for line in str(record["text"]).split("\n") if line.strip()]
        total += len(lines)
        kept = Counter(line.strip() for line in clean_lines(lines))
        for line in lines:
            if kept[line.strip()]:
                kept[line.strip()] -= 1
            else:
                dropped.append(f"{record.get('id')}: {line.strip()[:80]}")
    assert total > 5000
    assert dropped == []


def test_join_prompts_need_a_place() -> None:
    lines = [
        "Приєднуйтеся!",
        "Приєднуйтесь до нашого Telegram-каналу",
        "Join us on Facebook",
        "Присоединяйтесь к нашему сообществу",
        "Підпишіться на нас",
    ]
    assert clean_lines(lines) == ["Приєднуйтеся!"]

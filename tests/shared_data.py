"""Access to ../shared (seed story, corpus). Never copy these texts into the repo.

Absent ../shared: tests that need it skip with a reason; under CI (CI=true) they fail.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("NEWSBOT_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)
SEED = SHARED / "seeds" / "000_9d9a64b9954dc14a.txt"
CORPUS = SHARED / "corpus" / "bruk_press_uk.jsonl"


def require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"{path} is absent: tests that read ../shared need it beside the repository"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def seed_text() -> str:
    return require(SEED).read_text(encoding="utf-8")


def seed_parts() -> tuple[str, list[str]]:
    """The seed story's title and its paragraphs (non-blank lines, stripped)."""
    lines = [line.strip() for line in seed_text().splitlines() if line.strip()]
    return lines[0], lines[1:]


def corpus_records() -> Iterator[dict[str, object]]:
    with require(CORPUS).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)

"""Every message the test suite renders or sends is also parsed by Telegram's own parser.

An autouse fixture (imported by tests/conftest.py) adds observers to the sandbox's HTML
validation and to bot.tghtml's check: each body is run through tdlib's parse_html
(../shared/tools/tdparse). A test fails when Telegram would answer differently from the
sandbox (accept/refuse, error text, text, entities), or would refuse or read differently
markup that bot.tghtml accepted. Without ../shared nothing is checked, except under
CI=true, where a test that sends HTML fails.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bot import tghtml
from bot.sandbox import validate
from bot.sandbox.html import HtmlError, Parsed, bot_api_entity
from tests.tdparse_oracle import TDPARSE, oracle

CHECKED: Counter[str] = Counter()  # bodies checked per kind, for the summary line
_lock = threading.Lock()


def _reference(source: str) -> dict[str, Any] | None:
    if not (TDPARSE / "tdparse").exists():
        return None
    with _lock:
        result: dict[str, Any] = oracle().parse(source)
        return result


def _lossy(value: Any) -> str:
    # The oracle decodes its output as UTF-8 with "replace": lone surrogates become U+FFFD.
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class _Checks:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def _absent(self) -> None:
        if os.environ.get("CI", "").lower() == "true":
            self.problems.append(f"{TDPARSE} is absent: HTML bodies cannot be checked")

    def sandbox(self, source: str, verdict: Parsed | HtmlError) -> None:
        ref = _reference(source)
        if ref is None:
            return self._absent()
        CHECKED["sandbox"] += 1
        if isinstance(verdict, HtmlError):
            mine: dict[str, Any] = {"ok": False, "error": str(verdict)}
        else:
            mine = {"ok": True, "text": verdict.text, "entities": verdict.entities}
            if ref["ok"]:
                ref["entities"] = [bot_api_entity(*entity) for entity in ref["entities"]]
        if _lossy(mine) != _lossy(ref):
            self.problems.append(f"sandbox and Telegram differ on {source!r}: {mine} vs {ref}")

    def rendered(self, source: str, text: str, entities: list[tghtml.Entity]) -> None:
        ref = _reference(source)
        if ref is None:
            return self._absent()
        CHECKED["rendered"] += 1
        if not ref["ok"]:
            self.problems.append(f"Telegram refuses {source!r}: {ref['error']}")
        elif _lossy(ref["text"]) != _lossy(text) or len(entities) < len(ref["entities"]):
            self.problems.append(f"Telegram reads {source!r} as {ref}, bot.tghtml as {text!r}")


@pytest.fixture(autouse=True)
def telegram_parses_every_message() -> Iterator[None]:
    checks = _Checks()
    validate.html_observers.append(checks.sandbox)
    tghtml.accepted_observers.append(checks.rendered)
    try:
        yield
    finally:
        validate.html_observers.remove(checks.sandbox)
        tghtml.accepted_observers.remove(checks.rendered)
    if checks.problems:
        pytest.fail(f"{len(checks.problems)} messages:\n" + "\n".join(checks.problems[:5]))


def summary_line() -> str:
    return (
        f"tdparse: {CHECKED['sandbox']} sandbox HTML bodies and {CHECKED['rendered']} "
        "bot.tghtml-checked messages also parsed by Telegram's parser"
    )

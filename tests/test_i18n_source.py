"""gettext calls inside f-strings are invisible to pybabel's extractor (Python 3.11), so
their text would silently stay English: keep every translatable call outside them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GETTEXT = {"_", "gettext", "ngettext", "N_"}


def calls_in_fstrings(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                func = inner.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in GETTEXT:
                    lines.append(inner.lineno)
    return lines


def test_detector_sees_a_call_inside_an_fstring() -> None:
    assert calls_in_fstrings("x = f\"<b>{tn._('Hi')}</b>\"") == [1]
    assert calls_in_fstrings("h = tn._('Hi')\nx = f'<b>{h}</b>'") == []


def test_no_gettext_call_inside_an_fstring() -> None:
    files = [
        ROOT / "main.py",
        *[p for d in ("bot", "handlers", "storage") for p in (ROOT / d).rglob("*.py")],
    ]
    found = {
        str(path.relative_to(ROOT)): lines
        for path in files
        if (lines := calls_in_fstrings(path.read_text(encoding="utf-8")))
    }
    assert found == {}

"""The catalogs are complete: every msgid extracted from the source is translated in uk
and en, and every translation keeps the msgid's placeholders. When this fails after
adding strings, run the pybabel commands in bot/i18n.py's docstring and translate."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, SUPPORTED, compile_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "handlers", "storage", "main.py")
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def _extracted() -> dict[str, tuple[str, ...]]:
    """msgid -> (msgid, msgid_plural?) for every string the source marks for translation."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        # babel leaves parse_mapping_cfg unannotated
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: dict[str, tuple[str, ...]] = {}
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            results: Iterable[tuple[object, ...]] = (
                (r[1], r[2]) for r in extract_from_dir(path, method_map, options_map)
            )
        elif path.is_file():
            results = ((r[1], r[2]) for r in extract_from_file("python", path))
        else:
            continue
        for _lineno, message in results:
            ids = message if isinstance(message, tuple) else (message,)
            ids = tuple(i for i in ids if isinstance(i, str))
            if ids and ids[0]:
                found[ids[0]] = ids
    return found


def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Named str.format fields, and the %-style conversions in order."""
    names: set[str] = set()
    try:
        for _literal, field, _spec, _conv in string.Formatter().parse(text):
            if field is not None:
                names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    except ValueError:
        names.add("<unbalanced braces>")
    percent = tuple(m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%")
    return frozenset(names), percent


def test_source_has_strings_to_translate() -> None:
    assert "Full text" in _extracted()  # guards the extraction itself


def test_placeholder_helper_sees_both_styles() -> None:
    assert placeholders("{n} of {total!r:>3}")[0] == {"n", "total"}
    assert placeholders("%(name)s and %d%%")[1] == ("%(name)s", "%d")


@pytest.mark.parametrize("locale", SUPPORTED)
def test_catalog_translates_every_source_string(locale: str) -> None:
    catalog = _catalog(locale)
    problems = []
    for msgid, ids in sorted(_extracted().items()):
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        strings = _strings(entry.string)
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            problems.append(f"needs {catalog.num_plurals} plural forms: {msgid!r}")
        if not all(strings):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, f"{locale}: run pybabel extract/update and translate:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("locale", SUPPORTED)
def test_translations_keep_placeholders(locale: str) -> None:
    problems = []
    for entry in _catalog(locale):
        if not entry.id:
            continue
        ids = tuple(entry.id) if isinstance(entry.id, (tuple, list)) else (entry.id,)
        expected = placeholders(ids[-1])
        if len(ids) > 1 and placeholders(ids[0]) != expected:
            problems.append(f"msgid and msgid_plural differ: {ids[0]!r}")
        strings = _strings(entry.string)
        for text in strings:
            if text and placeholders(text) != expected:
                problems.append(f"{ids[0]!r} -> {text!r}")
    assert not problems, f"{locale}: placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", SUPPORTED)
def test_catalog_compiles(locale: str) -> None:
    po = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    assert compile_po(po).startswith(b"\xde\x12\x04\x95")  # the .mo magic number

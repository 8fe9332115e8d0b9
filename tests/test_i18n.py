"""bot.i18n: locale resolution, plural forms, babel formatting, start-up compilation."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot import i18n
from bot.i18n import (
    N_,
    format_date,
    format_datetime,
    format_number,
    resolve_locale,
    translator,
)

# 22:30 UTC on the 24th is already the 25th in Kyiv
LATE_EVENING = datetime(2022, 1, 24, 22, 30, tzinfo=UTC)


def _norm(text: str) -> str:
    """babel separates "р." with a narrow no-break space; compare words, not spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.parametrize(
    ("chosen", "telegram", "default", "expected"),
    [
        ("en", "uk", "uk", "en"),  # their /language choice wins
        (None, "en-GB", "uk", "en"),  # Telegram's language_code prefix
        (None, "EN_us", "uk", "en"),
        (None, "uk", "en", "uk"),
        (None, "de", "uk", "uk"),  # unsupported falls back to the default
        ("fr", "en", "uk", "en"),  # an unsupported choice falls through to Telegram's
        (None, None, "en", "en"),
        (None, "", "zz", "uk"),  # an unsupported default still yields a supported locale
    ],
)
def test_resolve_locale(
    chosen: str | None, telegram: str | None, default: str, expected: str
) -> None:
    assert resolve_locale(chosen, telegram, default) == expected


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "стаття"), (3, "статті"), (5, "статей"), (11, "статей"), (21, "стаття"), (22, "статті")],
)
def test_ukrainian_plural_forms(n: int, word: str) -> None:
    text = translator("uk").ngettext("Your digest: {n} story", "Your digest: {n} stories", n)
    assert text.format(n=n) == f"Ваш дайджест: {n} {word}"


@pytest.mark.parametrize(("n", "word"), [(1, "story"), (5, "stories"), (0, "stories")])
def test_english_plural_forms(n: int, word: str) -> None:
    text = translator("en").ngettext("Your digest: {n} story", "Your digest: {n} stories", n)
    assert text.format(n=n) == f"Your digest: {n} {word}"


def test_translator_translates_and_is_cached() -> None:
    assert translator("uk").gettext("Full text") == "Повний текст"
    assert translator("en").gettext("Full text") == "Full text"
    assert translator("uk") is translator("uk")


def test_preload_loads_every_supported_catalog() -> None:
    translator.cache_clear()
    i18n.preload()
    assert translator.cache_info().currsize == len(i18n.SUPPORTED)
    assert translator("uk").gettext("Full text") == "Повний текст"


def test_unknown_msgid_and_locale_fall_back_to_the_msgid() -> None:
    assert translator("uk").gettext("No such string here") == "No such string here"
    assert translator("de").ngettext("{n} story", "{n} stories", 2) == "{n} stories"


def test_marker_returns_the_string_unchanged() -> None:
    assert N_("Full text") == "Full text"
    assert translator("uk").gettext(N_("Full text")) == "Повний текст"


def test_dates_in_the_readers_language_and_timezone() -> None:
    assert _norm(format_date(LATE_EVENING, "uk", "Europe/Kyiv")) == "25 січня 2022 р."
    assert format_date(LATE_EVENING, "en", "UTC") == "January 24, 2022"
    naive = LATE_EVENING.replace(tzinfo=None)  # naive datetimes are UTC
    assert format_date(naive, "en", "America/New_York") == "January 24, 2022"
    assert _norm(format_datetime(LATE_EVENING, "uk", "Europe/Kyiv")).endswith("00:30")
    assert _norm(format_datetime(LATE_EVENING, "en", "UTC")) == "Jan 24, 2022, 10:30 PM"


def test_numbers_by_locale() -> None:
    assert _norm(format_number(12345.5, "uk")) == "12 345,5"
    assert format_number(12345.5, "en") == "12,345.5"


def _write_catalog(base: Path, text: str) -> Path:
    folder = base / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="uk")
    catalog.add("Full text", text)
    po = folder / "messages.po"
    with po.open("wb") as fp:
        write_po(fp, catalog)
    return po


def test_catalog_compiled_on_first_use_and_recompiled_when_po_is_newer(tmp_path: Path) -> None:
    po = _write_catalog(tmp_path, "Перший")
    mo = po.with_suffix(".mo")
    assert i18n._load_catalog(tmp_path, "uk").gettext("Full text") == "Перший"
    assert mo.exists()
    assert i18n._load_catalog(tmp_path, "uk").gettext("Full text") == "Перший"  # from .mo

    catalog = Catalog(locale="uk")
    catalog.add("Full text", "Другий")
    with po.open("wb") as fp:
        write_po(fp, catalog)
    later = mo.stat().st_mtime + 10
    os.utime(po, (later, later))
    assert i18n._load_catalog(tmp_path, "uk").gettext("Full text") == "Другий"


def test_read_only_folder_compiles_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = _write_catalog(tmp_path, "У пам'яті")

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)  # the module bot.i18n calls
    assert i18n._load_catalog(tmp_path, "uk").gettext("Full text") == "У пам'яті"
    assert not po.with_suffix(".mo").exists()


def test_missing_catalog_gives_msgids(tmp_path: Path) -> None:
    assert i18n._load_catalog(tmp_path, "uk").gettext("Full text") == "Full text"

"""Interface languages: gettext catalogs, the reader's locale, babel formatting.

Source strings are English msgids; catalogs live in bot/locales/<locale>/LC_MESSAGES/
messages.po. Compiled .mo files are not committed: `translator()` compiles a .po at
first use when its .mo is missing or older (in memory if the folder is read-only).

Usage in handlers::

    t = translator(locale)
    _ = t.gettext
    await message.reply_text(_("Done."))
    t.ngettext("{n} story", "{n} stories", n).format(n=n)

Strings defined at module level are marked with `N_("...")` and translated where used
(`t.gettext(CONSTANT)`). Placeholders are str.format-style names: `{topic}`, `{n}`.

Catalog workflow (run from the repository root)::

    # 1. collect msgids from the source into the template
    pybabel extract -F babel.cfg -o bot/locales/messages.pot --project newsbot \\
        --no-location --sort-output --no-wrap bot handlers storage main.py
    # 2. merge the template into every catalog (new msgids appear untranslated)
    pybabel update -i bot/locales/messages.pot -d bot/locales -D messages \\
        --no-fuzzy-matching --no-wrap
    # 3. translate the new entries in bot/locales/{uk,en}/LC_MESSAGES/messages.po
    # 4. optional: compile now (the bot also compiles at start-up when needed)
    pybabel compile -d bot/locales -D messages --statistics
    # a new interface language: init, then add it to SUPPORTED
    pybabel init -i bot/locales/messages.pot -d bot/locales -D messages -l de

tests/test_i18n_catalogs.py fails while any extracted msgid lacks a translation.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import tempfile
import threading
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

SUPPORTED: tuple[str, ...] = ("uk", "en")
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

log = logging.getLogger(__name__)
_compile_lock = threading.Lock()


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later with gettext()."""
    return message


def resolve_locale(chosen: str | None, telegram_code: str | None, default: str) -> str:
    """The reader's /language choice, else Telegram's language_code ("en-GB" -> "en"),
    else the default; anything unsupported falls through to the next source."""
    for candidate in (chosen, telegram_code):
        if candidate:
            prefix = candidate.replace("_", "-").split("-", 1)[0].lower()
            if prefix in SUPPORTED:
                return prefix
    return default if default in SUPPORTED else SUPPORTED[0]


class Translator:
    """gettext/ngettext for one locale; msgids are returned when a catalog lacks them."""

    def __init__(self, locale: str, catalog: _gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)


@cache
def translator(locale: str) -> Translator:
    """The cached Translator for a locale (unsupported locales get the English msgids)."""
    if locale not in SUPPORTED:
        return Translator(locale, _gettext.NullTranslations())
    return Translator(locale, _load_catalog(LOCALES_DIR, locale))


def preload() -> None:
    """Compile and load every catalog now (call once at start-up, e.g. in post_init),
    so a broken .po fails the start rather than the first reply."""
    for locale in SUPPORTED:
        translator(locale)


def _load_catalog(base: Path, locale: str) -> _gettext.NullTranslations:
    folder = base / locale / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po_path.exists():
        if mo_path.exists():
            with mo_path.open("rb") as fp:
                return _gettext.GNUTranslations(fp)
        log.warning("no catalog for %s at %s: using msgids", locale, po_path)
        return _gettext.NullTranslations()
    with _compile_lock:
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            with mo_path.open("rb") as fp:
                return _gettext.GNUTranslations(fp)
        data = compile_po(po_path)
        _write_atomically(mo_path, data)
    return _gettext.GNUTranslations(io.BytesIO(data))


def compile_po(po_path: Path) -> bytes:
    """Compile a .po file to .mo bytes (fuzzy entries excluded, as pybabel compile does)."""
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=po_path.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    """Cache the compiled catalog on disk; a read-only package folder is fine."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".mo")
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("catalog %s kept in memory: %s", path, exc)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)  # naive means UTC


def format_date(dt: datetime | date, locale: str, tz: str | tzinfo = "UTC") -> str:
    """A long date in the reader's language and timezone: "24 січня 2022 р." /
    "January 24, 2022"."""
    if isinstance(dt, datetime):
        dt = _aware(dt).astimezone(_zone(tz)).date()
    return _babel_date(dt, format="long", locale=locale)


def format_datetime(dt: datetime, locale: str, tz: str | tzinfo = "UTC") -> str:
    """Date and time without seconds in the reader's timezone: "24 січ. 2022 р., 17:30" /
    "Jan 24, 2022, 5:30 PM" (the locale's own way of joining date and time)."""
    local = _aware(dt).astimezone(_zone(tz))
    joiner = str(get_datetime_format("medium", locale=locale))
    return joiner.replace("{0}", _babel_time(local, format="short", locale=locale)).replace(
        "{1}", _babel_date(local, format="medium", locale=locale)
    )


def format_number(value: int | float, locale: str) -> str:
    """A number with the locale's grouping and decimal signs ("12 345" / "12,345")."""
    return format_decimal(value, locale=locale)

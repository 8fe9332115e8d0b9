"""The search query language, parsed without raising on any input.

    ракета "гарантія безпеки" -Іран topic:nato lang:uk source:reuters
    from:2025-01-01 to:2025-02-01

Words and "phrases" are required, -word / -"phrase" are excluded, key:value pairs
filter. Typographic quotes («» “” „) count as quotes; an unclosed quote runs to the
end. Anything the parser cannot use is dropped with a Note saying why, so a reply
can explain it. Words keep their surface form here; bot.search.terms lemmatizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.news.language import language_codes
from bot.search.lemmas import TOKEN

MAX_INPUT = 1000  # characters read; more is cut (a note says so)
MAX_TERMS = 12  # words + phrases + exclusions kept
MAX_PHRASE_WORDS = 8
MAX_WORD = 60  # longer "words" are noise (base64, URLs glued together): dropped

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "″": '"'})
# Control and format characters (incl. our snippet sentinels) become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
# key:"quoted value" | -"quoted phrase" | bare token
_PART = re.compile(r'([^\s:"]+):"([^"]*)(?:"|$)|([-–—−]?)"([^"]*)(?:"|$)|(\S+)')
MINUS = "-–—−"  # phones turn "-" into dashes

FILTER_KEYS = {
    "topic": "topic",
    "тема": "topic",
    "lang": "language",
    "language": "language",
    "мова": "language",
    "source": "source",
    "джерело": "source",
    "from": "since",
    "since": "since",
    "від": "since",
    "to": "until",
    "until": "until",
    "до": "until",
}
_LANGUAGE_NAMES = {"ua": "uk", "укр": "uk", "рус": "ru", "eng": "en"}


class NoteKind(StrEnum):
    BAD_DATE = "bad_date"  # value: what was given
    BAD_LANGUAGE = "bad_language"
    EMPTY_FILTER = "empty_filter"  # value: the key
    TRUNCATED = "truncated"  # value: how many characters/terms were kept
    ONLY_EXCLUSIONS = "only_exclusions"


@dataclass(frozen=True, slots=True)
class Note:
    kind: NoteKind
    value: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()  # each: surface words joined by one space
    excluded: tuple[str, ...] = ()  # words or phrases
    topic: str | None = None
    language: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    notes: tuple[Note, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no word and no phrase (filters alone do not search)."""
        return not self.words and not self.phrases

    @property
    def terms(self) -> tuple[str, ...]:
        """The required words and phrases as typed, for "matched: …" lines."""
        return self.words + self.phrases

    def text(self) -> str:
        """A canonical spelling that parses back to the same query (watches store it)."""
        parts = list(self.words)
        parts += [f'"{p}"' for p in self.phrases]
        parts += [f'-"{e}"' if " " in e else f"-{e}" for e in self.excluded]
        for key, value in (
            ("topic", self.topic),
            ("lang", self.language),
            ("source", self.source),
            ("from", self.since.isoformat() if self.since else None),
            ("to", self.until.isoformat() if self.until else None),
        ):
            if value:
                parts.append(f'{key}:"{value}"' if " " in value else f"{key}:{value}")
        return " ".join(parts)


def _words(text: str) -> list[str]:
    return TOKEN.findall(text)


def _date(value: str, *, end: bool) -> date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY; a partial date means its first (or last) day."""
    match = re.fullmatch(r"(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?", value)
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    try:
        if match.group(3):
            return date(year, month, int(match.group(3)))
        if not end:
            return date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    except ValueError:
        return None


def parse(raw: str) -> Query:
    """Parse any string into a Query. Never raises."""
    notes: list[Note] = []
    if not isinstance(raw, str):  # defensive: handlers pass message text
        raw = ""
    if len(raw) > MAX_INPUT:
        raw = raw[:MAX_INPUT]
        notes.append(Note(NoteKind.TRUNCATED, str(MAX_INPUT)))
    text = _CONTROL.sub(" ", raw.translate(_QUOTES))
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    filters: dict[str, str] = {}
    dropped = False

    def add(target: list[str], items: list[str]) -> None:
        nonlocal dropped
        items = [item for item in items if len(item) <= MAX_WORD]
        if not items:
            return
        value = " ".join(items[:MAX_PHRASE_WORDS])
        if len(words) + len(phrases) + len(excluded) >= MAX_TERMS:
            dropped = True
        elif value not in target:
            target.append(value)

    for match in _PART.finditer(text):
        key, keyed, minus, quoted, bare = match.groups()
        if keyed is not None:
            name = FILTER_KEYS.get(key.lower())
            if name is not None:
                filters[name] = keyed.strip()
                continue
            add(words, _words(key)[:1])  # not a filter: plain words and a phrase
            minus, quoted = "", keyed
        if quoted is not None:
            items = _words(quoted)
            if minus:
                add(excluded, items)
            elif len(items) == 1:
                add(words, items)
            else:
                add(phrases, items)
            continue
        key, sep, value = bare.partition(":")
        name = FILTER_KEYS.get(key.lower()) if sep else None
        if name is not None:
            filters[name] = value.strip()
            continue
        if bare[0] in MINUS and len(bare) > 1:
            for word in _words(bare[1:]):
                add(excluded, [word])
            continue
        for word in _words(bare):
            add(words, [word])
    if dropped:
        notes.append(Note(NoteKind.TRUNCATED, str(MAX_TERMS)))
    return _with_filters(words, phrases, excluded, filters, notes)


def _with_filters(
    words: list[str],
    phrases: list[str],
    excluded: list[str],
    filters: dict[str, str],
    notes: list[Note],
) -> Query:
    values: dict[str, object] = {}
    for name, value in filters.items():
        if not value:
            notes.append(Note(NoteKind.EMPTY_FILTER, name))
        elif name == "topic":
            values["topic"] = value.lower()[:64]
        elif name == "source":
            values["source"] = value[:100]
        elif name == "language":
            code = _LANGUAGE_NAMES.get(value.lower(), value.lower())
            if code in language_codes():
                values["language"] = code
            else:
                notes.append(Note(NoteKind.BAD_LANGUAGE, value[:20]))
        else:
            day = _date(value, end=name == "until")
            if day is None:
                notes.append(Note(NoteKind.BAD_DATE, value[:20]))
            else:
                values[name] = day
    if excluded and not words and not phrases:
        notes.append(Note(NoteKind.ONLY_EXCLUSIONS))
    return Query(
        words=tuple(words),
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        notes=tuple(notes),
        **values,  # type: ignore[arg-type]
    )

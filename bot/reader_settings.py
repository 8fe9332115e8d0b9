"""What a reader may type after /settings, checked: any IANA time zone (with the closest
names for a near miss), any digest time HH:MM, any quiet-hours range. Pure: no I/O.

`/settings Europe/Warsaw`, `/settings digest 07:30`, `/settings quiet 23:00-07:00`,
`/settings quiet off`, `/settings instant`.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from enum import Enum

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]?([0-5]\d)$")
_RANGE = re.compile(r"^(\S+?)\s*[-–—]\s*(\S+)$")
ZONE_WORDS = ("tz", "zone", "timezone", "пояс")
DIGEST_WORDS = ("digest", "дайджест")
QUIET_WORDS = ("quiet", "тиша", "тиші")
INSTANT_WORDS = ("instant", "одразу", "миттєво")
OFF_WORDS = ("off", "no", "none", "вимк", "ні")


class Problem(Enum):
    UNKNOWN_ZONE = "unknown_zone"
    BAD_TIME = "bad_time"
    BAD_RANGE = "bad_range"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Parsed:
    """Either `changes` (chat columns → values) or a `problem`, with `suggestions` for a
    time zone that was nearly right."""

    changes: dict[str, str | None] = field(default_factory=dict)
    problem: Problem | None = None
    value: str = ""
    suggestions: tuple[str, ...] = ()


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone name, by its lower-cased form."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def zone(text: str) -> str | None:
    """The canonical name of an IANA time zone, typed in any case, spaces for _; a city
    alone ("warsaw") when only one zone is named after it."""
    wanted = text.strip().replace(" ", "_").lower()
    names = _zones()
    if wanted in names:
        return names[wanted]
    by_city = [
        name for key, name in names.items() if "/" in key and key.rsplit("/", 1)[1] == wanted
    ]
    return by_city[0] if len(by_city) == 1 else None


def closest_zones(text: str, n: int = 3) -> tuple[str, ...]:
    """Zone names that look like what was typed: the city alone ("warsaw") or a typo."""
    wanted = text.strip().replace(" ", "_").lower()
    if not wanted:
        return ()
    names = _zones()
    by_city = [name for key, name in names.items() if key.rsplit("/", 1)[-1] == wanted]
    close = difflib.get_close_matches(wanted, list(names), n=n, cutoff=0.6)
    cities = {key.rsplit("/", 1)[-1]: key for key in names}
    close_city = difflib.get_close_matches(wanted, list(cities), n=n, cutoff=0.75)
    found: list[str] = []
    for name in [*by_city, *(names[k] for k in close), *(names[cities[c]] for c in close_city)]:
        if name not in found:
            found.append(name)
    return tuple(found[:n])


def clock(text: str) -> str | None:
    """ "7:30", "07:30", "0730", "7.30" → "07:30"; None for anything else."""
    found = _TIME.match(text.strip())
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else None


def parse(text: str) -> Parsed:
    """The settings a /settings argument asks for, or why it cannot be used."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return Parsed(problem=Problem.UNKNOWN)
    head = words[0].lower()
    rest = words[1].strip() if len(words) > 1 else ""
    if head in INSTANT_WORDS and not rest:
        return Parsed({"mode": "instant"})
    if head in DIGEST_WORDS:
        if not rest:
            return Parsed({"mode": "digest"})
        at = clock(rest)
        if at is None:
            return Parsed(problem=Problem.BAD_TIME, value=rest)
        return Parsed({"mode": "digest", "digest_time": at})
    if head in QUIET_WORDS:
        return _quiet(rest)
    if head in ZONE_WORDS:
        return _zone(rest)
    at = clock(text)
    if at is not None:  # "/settings 07:30": the digest time
        return Parsed({"mode": "digest", "digest_time": at})
    found = _RANGE.match(text.strip())
    if found and all(clock(part) for part in found.groups()):  # "/settings 23:00-07:00"
        return _quiet(text)
    return _zone(text)


def _quiet(text: str) -> Parsed:
    if text.lower() in OFF_WORDS:
        return Parsed({"quiet_start": None, "quiet_end": None})
    found = _RANGE.match(text.strip())
    start, end = (clock(found.group(1)), clock(found.group(2))) if found else (None, None)
    if start is None or end is None or start == end:
        return Parsed(problem=Problem.BAD_RANGE, value=text)
    return Parsed({"quiet_start": start, "quiet_end": end})


def _zone(text: str) -> Parsed:
    name = zone(text)
    if name is not None:
        return Parsed({"timezone": name})
    suggestions = closest_zones(text)
    if not suggestions and "/" not in text:  # not meant as a zone: show what can be typed
        return Parsed(problem=Problem.UNKNOWN, value=text)
    return Parsed(problem=Problem.UNKNOWN_ZONE, value=text, suggestions=suggestions)

"""When to poll a feed next: its own interval, never sooner than the publisher asks
(Cache-Control max-age, RSS <ttl>, Retry-After on 429/503)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

MAX_HINT_S = 24 * 3600.0  # a publisher's hint longer than a day is not followed
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)


def max_age_s(headers: Mapping[str, str]) -> float | None:
    """Cache-Control max-age (no-store / no-cache mean no hint)."""
    value = headers.get("cache-control", "")
    found = _MAX_AGE.search(value)
    return min(float(found.group(1)), MAX_HINT_S) if found else None


def retry_after_s(value: str | None, *, now: float) -> float | None:
    """Retry-After: seconds, or an HTTP date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_HINT_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(when.timestamp() - now, 0.0), MAX_HINT_S)


def next_interval(
    interval_s: float, headers: Mapping[str, str], ttl_s: float | None = None
) -> float:
    """The feed's interval, raised to the publisher's hints (capped at a day)."""
    hints = [h for h in (max_age_s(headers), ttl_s) if h]
    return max([interval_s, *(min(h, MAX_HINT_S) for h in hints)])

"""The options of `/feed_add URL …` and `main.py feed add`: topics, review, how a new
feed's backlog is handled (backlog=none|N|all|review) and its poll interval (every=15m)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storage import feeds

DEFAULT_BACKLOG = "3"  # a new feed publishes its newest few; the rest count as read
MIN_EVERY_S = 60.0  # the polling job looks once a minute
MAX_EVERY_S = 7 * 24 * 3600.0
MAX_BACKLOG = 1000
_EVERY = re.compile(r"^(\d{1,6})([smhd]?)$")
_UNIT_S = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}
BACKLOG_WORDS = (feeds.BACKLOG_NONE, feeds.BACKLOG_ALL, feeds.BACKLOG_REVIEW)


class OptionError(ValueError):
    """A bad option; `code` picks the reply, `value` is what was given."""

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = value


@dataclass(frozen=True, slots=True)
class FeedOptions:
    topics: tuple[str, ...] = ()
    review: bool = False
    backlog: str = DEFAULT_BACKLOG
    every_s: float | None = None  # None: the FEED_INTERVAL_S setting


def parse_every(value: str) -> float:
    """ "15m", "2h", "1d", "90s", "30" (minutes) → seconds, within a minute and a week."""
    found = _EVERY.match(value.strip().lower())
    if not found:
        raise OptionError("bad_every", value)
    seconds = float(int(found.group(1)) * _UNIT_S[found.group(2)])
    if not MIN_EVERY_S <= seconds <= MAX_EVERY_S:
        raise OptionError("bad_every", value)
    return seconds


def parse_backlog(value: str) -> str:
    word = value.strip().lower()
    if word in BACKLOG_WORDS:
        return word
    if word.isdigit() and int(word) <= MAX_BACKLOG:
        return str(int(word))
    raise OptionError("bad_backlog", value)


def parse_words(words: Sequence[str]) -> FeedOptions:
    """Words after the URL: `#topic` or `topic`, `review`, `backlog=…`, `every=…`."""
    topics: list[str] = []
    review = False
    backlog = DEFAULT_BACKLOG
    every: float | None = None
    for word in words:
        name, eq, value = word.partition("=")
        if eq and name.lower() == "backlog":
            backlog = parse_backlog(value)
        elif eq and name.lower() == "every":
            every = parse_every(value)
        elif eq:
            raise OptionError("bad_option", word)
        elif word.lower() == "review":
            review = True
        elif word.lstrip("#"):
            topics.append(word.lstrip("#"))
    return FeedOptions(tuple(dict.fromkeys(topics)), review, backlog, every)

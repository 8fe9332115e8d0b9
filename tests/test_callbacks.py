"""Typed callback data: each button kind packs, unpacks and filters only its own data."""

from __future__ import annotations

import re

import pytest

from bot import callbacks
from bot.callbacks import (
    KINDS,
    FeedDraftAction,
    Follow,
    FullText,
    PreviewAction,
    ResultsPage,
    Setting,
    Unfollow,
    Unwatch,
)

EXAMPLES: list[callbacks.CallbackData] = [
    Follow("us-russia-security"),
    Unfollow("nato"),
    FullText(42),
    callbacks.MoreLike(42),
    Unwatch(7),
    callbacks.Language("en"),
    ResultsPage(0, "k3y"),
    Setting("q", "22000700"),
    Setting("d", "08:00"),  # the last field keeps its colons
    PreviewAction("tog", 12, "nato"),
    PreviewAction("pub", 12),
    FeedDraftAction("rp", 3),
    FeedDraftAction("rg", 3, "energy"),
]


def test_prefixes_are_distinct() -> None:
    prefixes = [kind.PREFIX for kind in KINDS]
    assert len(set(prefixes)) == len(prefixes)


@pytest.mark.parametrize("button", EXAMPLES, ids=lambda b: b.pack())
def test_round_trip_and_only_its_own_pattern(button: callbacks.CallbackData) -> None:
    data = button.pack()
    assert len(data.encode()) <= callbacks.MAX_BYTES
    assert type(button).unpack(data) == button
    for kind in KINDS:
        matches = re.match(kind.pattern(), data) is not None
        assert matches == (kind is type(button)), kind
        if kind is not type(button):
            assert kind.unpack(data) is None


def test_wire_format_of_sent_buttons_is_kept() -> None:
    # Buttons under messages already sent keep working after an upgrade.
    assert FullText(42).pack() == "full:42"
    assert Unfollow("nato").pack() == "unsub:nato"
    assert ResultsPage(2, "abc").pack() == "sp:2:abc"
    assert PreviewAction("pub", 5).pack() == "pv:pub:5"
    assert FeedDraftAction("rp", 3).pack() == "fd:rp:3"  # a topic is added only to toggles


@pytest.mark.parametrize(
    "data",
    ["", "full", "full:", "full:x", "full:²", "full:-1", "full:" + "9" * 30, "sp:1", "sub:"],
)
def test_forged_data_unpacks_to_none(data: str) -> None:
    assert all(kind.unpack(data) is None for kind in KINDS)


def test_too_long_data_is_refused_when_packed() -> None:
    with pytest.raises(ValueError):
        Follow("x" * 70).pack()

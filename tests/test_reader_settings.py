"""Typed /settings (issue 14): any IANA time zone, any HH:MM digest time, any quiet-hours
range — the pure parser, then the bot over the sandbox."""

from __future__ import annotations

import pytest

from bot import reader_settings
from bot.harness import LocalBot
from bot.reader_settings import Problem
from tests.e2e import buttons, say

READER = 4201
LOCAL_LIMITS = False


@pytest.mark.parametrize(
    ("typed", "changes"),
    [
        ("Europe/Warsaw", {"timezone": "Europe/Warsaw"}),
        ("europe/warsaw", {"timezone": "Europe/Warsaw"}),
        ("America/New York", {"timezone": "America/New_York"}),
        ("Asia/Kathmandu", {"timezone": "Asia/Kathmandu"}),
        ("tz UTC", {"timezone": "UTC"}),
        ("Warsaw", {"timezone": "Europe/Warsaw"}),  # the only zone named after the city
        ("digest 07:30", {"mode": "digest", "digest_time": "07:30"}),
        ("digest 7.05", {"mode": "digest", "digest_time": "07:05"}),
        ("06:45", {"mode": "digest", "digest_time": "06:45"}),
        ("quiet 23:00-07:00", {"quiet_start": "23:00", "quiet_end": "07:00"}),
        ("quiet 1:15 – 6:40", {"quiet_start": "01:15", "quiet_end": "06:40"}),
        ("22:30-06:00", {"quiet_start": "22:30", "quiet_end": "06:00"}),
        ("quiet off", {"quiet_start": None, "quiet_end": None}),
        ("instant", {"mode": "instant"}),
    ],
)
def test_typed_settings_are_read(typed: str, changes: dict[str, str | None]) -> None:
    parsed = reader_settings.parse(typed)
    assert parsed.problem is None and parsed.changes == changes


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("digest 25:00", Problem.BAD_TIME),
        ("digest soon", Problem.BAD_TIME),
        ("quiet 23:00", Problem.BAD_RANGE),
        ("quiet 07:00-07:00", Problem.BAD_RANGE),
        ("Mars/Olympus_Mons", Problem.UNKNOWN_ZONE),
        ("please", Problem.UNKNOWN),
    ],
)
def test_bad_settings_say_why(typed: str, problem: Problem) -> None:
    parsed = reader_settings.parse(typed)
    assert parsed.problem is problem and not parsed.changes


def test_a_near_miss_of_a_zone_gets_suggestions() -> None:
    assert reader_settings.parse("Europe/Warsw").suggestions[0] == "Europe/Warsaw"
    assert "Europe/Kyiv" in reader_settings.parse("Kiyv").suggestions
    for name in reader_settings.parse("Amerika/Chicago").suggestions:
        assert reader_settings.zone(name) == name  # every suggestion is a real zone


async def test_any_time_zone_by_text_over_the_sandbox(local: LocalBot) -> None:
    sb = local.sandbox
    reply = await say(sb, READER, "/settings America/Argentina/Buenos_Aires", language_code="en")
    assert "Saved." in reply.plain and "America/Argentina/Buenos_Aires" in reply.plain
    chat = await local.services.readers.get(READER)
    assert chat is not None and chat.timezone == "America/Argentina/Buenos_Aires"
    # the reader's own zone is among the buttons, ticked
    labels = [b["text"] for b in buttons(reply)]
    assert "✓ Buenos Aires" in labels

    miss = await say(sb, READER, "/settings Europe/Warsw", language_code="en")
    assert "I do not know the time zone" in miss.plain
    [first, *_] = buttons(miss)
    assert first["text"] == "Europe/Warsaw" and ":" not in first["text"]
    sb.inject_callback(READER, READER, miss.message_id, first["callback_data"])
    await local.settle()
    chat = await local.services.readers.get(READER)
    assert chat is not None and chat.timezone == "Europe/Warsaw"
    assert sb.callback_answers[-1].get("text") == "Saved."

    uk = await say(sb, READER + 1, "/settings Європа/Київ", language_code="uk")
    assert "Не знаю часового поясу" in uk.plain


async def test_any_digest_time_and_quiet_hours_over_the_sandbox(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, READER, "/settings digest 07:30", language_code="en")
    await say(sb, READER, "/settings quiet 23:15-06:45", language_code="en")
    chat = await local.services.readers.get(READER)
    assert chat is not None
    assert (chat.mode, chat.digest_time) == ("digest", "07:30")
    assert (chat.quiet_start, chat.quiet_end) == ("23:15", "06:45")
    bad = await say(sb, READER, "/settings digest 31:00", language_code="en")
    assert "is not a time" in bad.plain
    chat = await local.services.readers.get(READER)
    assert chat is not None and chat.digest_time == "07:30"  # unchanged
    await say(sb, READER, "/settings instant", language_code="en")
    await say(sb, READER, "/settings quiet off", language_code="en")
    chat = await local.services.readers.get(READER)
    assert chat is not None and chat.mode == "instant" and chat.quiet_start is None

"""/stats that reads at a glance, and readers who come back (issue 14): titles cut at a
word, labelled counts, blocked readers counted and explained, the stories held for a
reader who blocked the bot sent when they return with /start within 48 h, /retry saying
what it cannot retry; the chart's grid at whole numbers — over the sandbox."""

from __future__ import annotations

import re

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.stats_chart import deliveries_chart, ticks
from tests.e2e import STORY, say, stories

# These tests push text as set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}

LOCAL_LIMITS = False
LONG_TITLE = (
    "США і Росія домовилися продовжити консультації щодо гарантій безпеки та контролю над "
    "озброєннями в Європі наступного місяця"
)


async def test_stats_labels_blocked_readers_and_held_stories(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 901, "/subscribe us-russia-security", language_code="en")
    await say(sb, 902, "/subscribe us-russia-security", language_code="en")
    sb.block_chat(902)
    body = STORY.split("\n", 1)[1]
    await say(sb, ADMIN_ID, f"/push {LONG_TITLE}\n{body}", language_code="en")
    await local.settle()
    assert len(stories(sb, 901)) == 1 and stories(sb, 902) == []

    report = await say(sb, ADMIN_ID, "/stats", language_code="en")
    text = report.plain
    assert "waiting 0 · sent 1 · failed 0 · blocked 1" in text
    assert "1 reader blocked the bot" in text and "1 message is held" in text
    assert "within 48 h" in text
    [title] = re.findall(r"№1 (.+)", text)
    assert title.endswith("…") and len(title) < len(LONG_TITLE)
    kept = title.rstrip("…").rstrip()
    assert LONG_TITLE.startswith(kept) and LONG_TITLE[len(kept)] == " "  # cut at a word

    await sb.wait_until(lambda: sb.stats()["methods"].get("sendPhoto", 0) == 1)  # the chart
    retried = await say(sb, ADMIN_ID, "/retry", language_code="en")
    assert "0 failed messages queued again" in retried.plain
    assert "1 message was not retried: its reader blocked the bot" in retried.plain

    sb.unblock_chat(902)
    await say(sb, 902, "/start", language_code="en")
    await local.settle()
    [held] = stories(sb, 902)  # the story sent while they had blocked the bot
    assert "консультації" in held.plain
    report = await say(sb, ADMIN_ID, "/stats", language_code="en")
    assert "waiting 0 · sent 2 · failed 0 · blocked 0" in report.plain
    assert "blocked the bot" not in report.plain


async def test_stories_older_than_48_hours_are_not_held(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 911, "/subscribe us-russia-security", language_code="en")
    sb.block_chat(911)
    await say(sb, ADMIN_ID, f"/push {STORY}", language_code="en")
    await local.settle()
    async with local.services.db.transaction() as conn:  # the story was queued 49 h ago
        await conn.execute("UPDATE outbox SET created_at = created_at - 49 * 3600")
    sb.unblock_chat(911)
    await say(sb, 911, "/start", language_code="en")
    await local.settle()
    assert stories(sb, 911) == []


@pytest.mark.parametrize(
    ("peak", "expected"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (99, [0, 20, 40, 60, 80, 100]),
    ],
)
def test_chart_grid_is_whole_numbers(peak: int, expected: list[int]) -> None:
    assert ticks(peak) == expected


def test_every_peak_gets_distinct_whole_ticks_that_cover_it() -> None:
    for peak in range(0, 3000, 7):
        marks = ticks(peak)
        assert marks[0] == 0 and marks[-1] >= peak and len(marks) <= 6
        assert len(set(marks)) == len(marks) and all(isinstance(m, int) for m in marks)


def test_chart_is_a_png() -> None:
    png = deliveries_chart([(3600.0 * 10, 1)], since=0, until=3600 * 24, tz="Europe/Kyiv")
    assert png.startswith(b"\x89PNG")

"""Every push previewed, every story correctable, end to end over the sandbox:
/push <text> → preview → Publish → /edit (title, summary) → /unpublish, in a private
chat, a channel and a message older than Telegram's 48 hours for deleting."""

from __future__ import annotations

import re

from bot.harness import ADMIN_ID, LocalBot
from bot.pacing import GROUP_INTERVAL_S
from bot.sandbox import Sandbox, SentMessage
from storage import articles
from tests.e2e import STORY, say, stories

READER, OLD_READER, EDITOR = 701, 702, 703
CHANNEL = -1003000000001
TOPIC = "us-russia-security"


def buttons(message: SentMessage) -> dict[str, str]:
    markup = message.reply_markup or {"inline_keyboard": []}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


async def press(sb: Sandbox, user: int, message: SentMessage, label: str) -> dict[str, object]:
    data = next(d for text, d in buttons(message).items() if label in text)
    query = sb.inject_callback(user, user, message.message_id, data)
    return await sb.wait_until(lambda: sb.callback_answer(query))


async def push_preview(sb: Sandbox, text: str) -> tuple[SentMessage, SentMessage]:
    before = len(sb.messages(ADMIN_ID))
    sb.inject_message(ADMIN_ID, text, language_code="en")
    received = await sb.wait_for_messages(ADMIN_ID, before + 2, timeout=15)
    return received[before], received[before + 1]


async def connect_channel(local: LocalBot) -> None:
    sb = local.sandbox
    sb.create_channel(CHANNEL, "Wire", username="wire_desk", owner=EDITOR)
    sb.add_bot(CHANNEL, by=EDITOR)
    await say(sb, EDITOR, "/connect @wire_desk", language_code="en")
    await local.services.readers.follow(CHANNEL, TOPIC)


async def test_push_preview_publish_edit_unpublish(local: LocalBot) -> None:
    sb = local.sandbox
    for reader in (READER, OLD_READER):
        await say(sb, reader, f"/subscribe {TOPIC}")
    await connect_channel(local)

    story, control = await push_preview(sb, "/push " + STORY)
    assert "nothing has been sent" in control.plain
    assert {"Publish", "Change topics", "Cancel"} <= {t.split(" ", 1)[1] for t in buttons(control)}
    assert await articles.count(local.services.db) == 0 and stories(sb, READER) == []
    assert "Женеві" in story.plain  # the story as readers will get it
    await press(sb, ADMIN_ID, control, "Publish")
    published = sb.messages(ADMIN_ID)[-1]
    article_id = int(re.search(r"#(\d+)", published.plain).group(1))  # type: ignore[union-attr]
    await local.settle()
    [mine] = stories(sb, READER)
    [theirs] = stories(sb, OLD_READER)
    [post] = stories(sb, CHANNEL)

    reply = await say(
        sb, ADMIN_ID, f"/edit {article_id} title Переговори у Женеві тривають", language_code="en"
    )
    assert "title is changed" in reply.plain and "Messages edited: 3" in reply.plain
    await local.settle()
    for message in (mine, theirs, post):
        assert message.plain.startswith("Переговори у Женеві тривають"), message.plain
        assert message.edits and "США і Росія" in message.edits[0]
        assert "full:" in str(message.reply_markup)  # the buttons stay
    # The channel's edit waited for its group slot after the send (20 a minute).
    assert post.edit_times[0] - post.sent_at >= GROUP_INTERVAL_S * 0.95
    again = await say(
        sb, ADMIN_ID, f"/edit {article_id} title Переговори у Женеві тривають", language_code="en"
    )
    assert "already showing it: 3" in again.plain
    # Search finds the story by the title readers now see (a word only the new title has).
    found = await say(sb, READER, "/search тривають")
    assert "Переговори у Женеві тривають" in found.plain, found.plain
    summary = await say(
        sb,
        ADMIN_ID,
        f"/edit {article_id} summary Сторони домовилися зустрітися.",
        language_code="en",
    )
    assert "summary is changed" in summary.plain
    assert "Сторони домовилися зустрітися." in mine.plain and len(mine.edits) == 2
    assert sb.stats()["rate_limited"] == 0

    sb.age_messages(OLD_READER, 49 * 3600)  # past Telegram's 48 hours for deleting
    async with local.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET sent_at = sent_at - 49 * 3600 WHERE chat_id = ?", (OLD_READER,)
        )
    gone = await say(sb, ADMIN_ID, f"/unpublish {article_id}", language_code="en")
    assert "is withdrawn" in gone.plain
    assert (
        "Messages deleted: 2" in gone.plain
        and "correction note (older than 48 hours): 1" in gone.plain
    )
    assert mine.deleted and post.deleted and not theirs.deleted
    assert theirs.plain.startswith("Переговори у Женеві тривають")  # struck through
    assert "<s>" in (theirs.text or "") and "Редакція відкликала" in theirs.plain
    assert theirs.reply_markup is None
    twice = await say(sb, ADMIN_ID, f"/unpublish {article_id}", language_code="en")
    assert "withdrawn before" in twice.plain and "Messages deleted: 0" in twice.plain
    nothing = await say(sb, ADMIN_ID, f"/edit {article_id} title Інше", language_code="en")
    assert "nothing to edit" in nothing.plain


async def test_a_cancelled_text_push_stores_nothing(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, READER, f"/subscribe {TOPIC}")
    _story, control = await push_preview(sb, "/push " + STORY)
    await press(sb, ADMIN_ID, control, "Cancel")
    await local.settle()
    assert await articles.count(local.services.db) == 0 and stories(sb, READER) == []


async def test_corrections_refuse_readers_and_bad_numbers(local: LocalBot) -> None:
    sb = local.sandbox
    refused = await say(sb, READER, "/unpublish 1", language_code="en")
    assert "only the bot's admins" in refused.plain
    assert (
        "There is no story #99"
        in (await say(sb, ADMIN_ID, "/unpublish 99", language_code="en")).plain
    )
    assert "Usage" in (await say(sb, ADMIN_ID, "/edit 1 colour red", language_code="en")).plain

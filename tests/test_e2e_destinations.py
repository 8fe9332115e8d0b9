"""Channels, groups and forum topics as destinations, end to end over the sandbox:
connecting a channel, a forum topic subscribing, Telegram's 20-a-minute group limit,
the bot removed from a channel, and group members who are not admins."""

from __future__ import annotations

import itertools

from bot.harness import ADMIN_ID, LocalBot
from bot.pacing import GROUP_INTERVAL_S
from storage import chats
from tests.e2e import STORY, say, stories

# These tests push text as set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}

EDITOR = 501  # runs the channel and the forum group
MEMBER = 502  # a plain member of the group
CHANNEL = -1001000000001
FORUM = -1001000000002
TOPIC = "us-russia-security"
SECOND = (
    "Вашингтон і Москва обмінялися списками питань перед новим раундом\n\n"
    "Міністерства оборони обох країн передали одне одному переліки тем для обговорення: "
    "інспекції, повідомлення про навчання та лінії екстреного зв'язку між військовими.\n\n"
    "«Ми отримали документ і вивчаємо його», — повідомив речник Пентагону."
)


def buttons(message: object) -> dict[str, str]:
    markup = getattr(message, "reply_markup", None) or {"inline_keyboard": []}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


async def press(local: LocalBot, user: int, message: object, label_part: str) -> None:
    """Press the button whose label contains label_part; wait for its answer."""
    sb = local.sandbox
    data = next(
        d for text, d in buttons(message).items() if label_part in text or d.endswith(label_part)
    )
    query = sb.inject_callback(user, user, message.message_id, data)  # type: ignore[attr-defined]
    await sb.wait_until(lambda: sb.callback_answer(query))


async def connect_channel(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, EDITOR, "/start", language_code="en")
    sb.create_channel(CHANNEL, "Security Wire", username="secwire", owner=EDITOR)
    refused = await say(sb, EDITOR, "/connect @secwire", language_code="en")
    assert "cannot post" in refused.plain  # the bot is not an admin there yet
    sb.add_bot(CHANNEL, by=EDITOR)
    connected = await say(sb, EDITOR, "/connect @secwire", language_code="en")
    assert "Connected: «Security Wire»" in connected.plain
    await press(local, EDITOR, connected, "Topics")
    topics = sb.messages(EDITOR)[-1]
    await press(local, EDITOR, topics, ":" + TOPIC)
    assert TOPIC in await local.services.readers.topics_of(CHANNEL)


async def test_channel_and_forum_topic_receive_a_story_within_the_group_limit(
    local: LocalBot,
) -> None:
    sb = local.sandbox
    await connect_channel(local)
    sb.create_group(FORUM, "Newsroom", forum=True, owner=EDITOR, members=[MEMBER])
    sb.add_bot(FORUM, by=EDITOR, status="member")
    security = sb.create_topic(FORUM, "Security")
    economy = sb.create_topic(FORUM, "Economy")
    await local.settle()
    # Group admins subscribe each forum topic in the topic itself.
    for thread, topic in ((security, TOPIC), (economy, TOPIC)):
        before = len(sb.messages(FORUM))
        sb.inject_message(EDITOR, f"/subscribe {topic}", chat_id=FORUM, message_thread_id=thread)
        [reply] = (await sb.wait_for_messages(FORUM, before + 1))[before:]
        assert reply.message_thread_id == thread  # the answer stays in the topic
    await say(sb, ADMIN_ID, "/push " + STORY)
    await say(sb, ADMIN_ID, "/push #us-russia-security " + SECOND)
    await local.settle(within_s=60)

    channel_posts = stories(sb, CHANNEL)
    assert len(channel_posts) == 2
    forum_posts = stories(sb, FORUM)
    assert sorted(m.message_thread_id or 0 for m in forum_posts) == sorted([security, economy] * 2)
    # Both topics are one group for Telegram: sends to it at most one per GROUP_INTERVAL_S.
    times = sorted(m.sent_at for m in sb.messages(FORUM) if m in forum_posts)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= GROUP_INTERVAL_S * 0.95, gaps
    assert sb.stats()["rate_limited"] == 0


async def test_a_channel_that_removes_the_bot_is_marked_and_its_editor_told(
    local: LocalBot,
) -> None:
    sb = local.sandbox
    await connect_channel(local)
    before = len(sb.messages(EDITOR))
    sb.remove_bot(CHANNEL, by=EDITOR)  # Telegram sends my_chat_member
    [notice] = (await sb.wait_for_messages(EDITOR, before + 1))[before:]
    assert "removed from «Security Wire»" in notice.plain
    chat = await local.services.readers.get(CHANNEL)
    assert chat is not None and chat.status == chats.BLOCKED
    listing = await say(sb, EDITOR, "/channels", language_code="en")
    assert "the bot was removed" in listing.plain
    # Back as an admin and connected again: it receives stories again.
    sb.add_bot(CHANNEL, by=EDITOR)
    await say(sb, EDITOR, "/connect @secwire", language_code="en")
    assert (await local.services.readers.get(CHANNEL)).status == chats.ACTIVE  # type: ignore[union-attr]


async def test_a_channel_that_removed_the_bot_silently_is_found_by_the_403(
    local: LocalBot,
) -> None:
    sb = local.sandbox
    await connect_channel(local)
    sb.remove_bot(CHANNEL)  # no update reaches the bot
    before = len(sb.messages(EDITOR))
    await say(sb, ADMIN_ID, "/push " + STORY)
    [notice] = (await sb.wait_for_messages(EDITOR, before + 1, timeout=15))[before:]
    assert "Security Wire" in notice.plain
    await local.settle()
    assert (await local.services.readers.get(CHANNEL)).status == chats.BLOCKED  # type: ignore[union-attr]
    assert stories(sb, CHANNEL) == []


async def test_connecting_by_forwarding_a_post_and_who_may_connect(local: LocalBot) -> None:
    sb = local.sandbox
    sb.create_channel(CHANNEL, "Private Desk", owner=EDITOR)  # no @username
    sb.add_bot(CHANNEL, by=EDITOR)
    stranger = await say(sb, MEMBER, "a post", forward_origin={"chat": CHANNEL}, language_code="en")
    assert "/connect" in stranger.plain  # not an admin there: only the hint
    assert await local.services.destinations.of_user(MEMBER) == []
    connected = await say(
        sb, EDITOR, "a post", forward_origin={"chat": CHANNEL}, language_code="en"
    )
    assert "Connected: «Private Desk»" in connected.plain
    assert [c.id for c in await local.services.destinations.of_user(EDITOR)] == [CHANNEL]
    unknown = await say(sb, EDITOR, "/connect @nosuchchannel", language_code="en")
    assert "cannot find" in unknown.plain
    usage = await say(sb, EDITOR, "/connect", language_code="en")
    assert "/connect @channel" in usage.plain


async def test_in_a_group_only_admins_change_subscriptions(local: LocalBot) -> None:
    sb = local.sandbox
    group = -1001000000003
    sb.create_group(group, "Readers' club", owner=EDITOR, members=[MEMBER])
    sb.add_bot(group, by=EDITOR, status="member")
    await local.settle()

    async def in_group(user: int, text: str) -> str:
        before = len(sb.messages(group))
        sb.inject_message(user, text, chat_id=group, language_code="en")
        [reply] = (await sb.wait_for_messages(group, before + 1))[before:]
        return reply.plain

    assert "Only this group's admins" in await in_group(MEMBER, "/subscribe " + TOPIC)
    assert await local.services.readers.topics_of(group) == []
    assert "Only this group's admins" not in await in_group(EDITOR, "/subscribe " + TOPIC)
    assert await local.services.readers.topics_of(group) == [TOPIC]
    # Reading is for everyone; a topic button pressed by a member is refused.
    listing_text = await in_group(MEMBER, "/topics")
    assert "Only this group's admins" not in listing_text
    listing = sb.messages(group)[-1]
    data = next(d for d in buttons(listing).values() if d.startswith("unsub:"))
    query = sb.inject_callback(MEMBER, group, listing.message_id, data)
    answer = await sb.wait_until(lambda: sb.callback_answer(query))
    assert "Only this group's admins" in (answer["text"] or "")
    assert await local.services.readers.topics_of(group) == [TOPIC]


async def test_connect_and_channels_in_a_group_point_to_the_private_chat(
    local: LocalBot,
) -> None:
    sb = local.sandbox
    group = -1001000000004
    sb.create_group(group, "Editors", owner=EDITOR, members=[MEMBER])
    sb.add_bot(group, by=EDITOR, status="member")
    await local.settle()
    for command in ("/connect @somechannel", "/channels"):
        before = len(sb.messages(group))
        sb.inject_message(EDITOR, command, chat_id=group, language_code="en")
        [reply] = (await sb.wait_for_messages(group, before + 1))[before:]
        assert f"Send {command.split()[0]} to me in a private chat." == reply.plain
    assert await local.services.destinations.of_user(EDITOR) == []  # nothing connected

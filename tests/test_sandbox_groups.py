"""The sandbox's groups, forum topics and channels behave as Telegram's: getChat by
@username, getChatMember, my_chat_member updates, message_thread_id, the per-group
limit shared by a forum's topics, and the rules for deleting and editing messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, ChatMemberAdministrator, ChatMemberOwner
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.sandbox import Sandbox

OWNER, MEMBER = 7, 8
CHANNEL, FORUM = -1002000000001, -1002000000002


@pytest.fixture
async def sandbox() -> AsyncIterator[tuple[Sandbox, Bot]]:
    async with Sandbox() as sb:
        sb.register_chat(OWNER)
        sb.register_chat(MEMBER)
        bot = Bot(sb.token, base_url=sb.base_url)
        async with bot:
            yield sb, bot


async def test_channels_by_username_and_who_is_admin(sandbox: tuple[Sandbox, Bot]) -> None:
    sb, bot = sandbox
    sb.create_channel(CHANNEL, "Wire", username="wire", owner=OWNER)
    chat = await bot.get_chat("@WIRE")  # case-insensitive, as Telegram
    assert (chat.id, chat.type, chat.title) == (CHANNEL, "channel", "Wire")
    with pytest.raises(BadRequest, match=r"(?i)member list is inaccessible"):
        await bot.get_chat_member(CHANNEL, OWNER)  # the bot is no admin there yet
    with pytest.raises(Forbidden, match=r"(?i)not a member of the channel"):
        await bot.send_message(CHANNEL, "hello")
    update = sb.add_bot(CHANNEL, by=OWNER)
    assert update is not None
    changed = update["my_chat_member"]
    assert (changed["old_chat_member"]["status"], changed["new_chat_member"]["status"]) == (
        "left",
        "administrator",
    )
    owner = await bot.get_chat_member(CHANNEL, OWNER)
    me = await bot.get_chat_member(CHANNEL, bot.id)
    assert isinstance(owner, ChatMemberOwner) and isinstance(me, ChatMemberAdministrator)
    assert me.can_post_messages
    assert (await bot.get_chat_member(CHANNEL, MEMBER)).status == "left"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat("@nobody_here")
    post = await bot.send_message("@wire", "by username")
    assert post.sender_chat is not None and post.sender_chat.id == CHANNEL
    sb.remove_bot(CHANNEL, by=OWNER)
    with pytest.raises(Forbidden, match=r"(?i)kicked from the channel"):
        await bot.send_message(CHANNEL, "gone")


async def test_forum_topics_share_the_group_limit(sandbox: tuple[Sandbox, Bot]) -> None:
    sb, bot = sandbox
    sb.create_group(FORUM, "Forum", forum=True, owner=OWNER)
    sb.add_bot(FORUM)
    one, two = sb.create_topic(FORUM, "One"), sb.create_topic(FORUM, "Two")
    sent = await bot.send_message(FORUM, "in one", message_thread_id=one)
    assert sent.message_thread_id == one and sent.is_topic_message
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "nowhere", message_thread_id=99999)
    for n in range(19):
        await bot.send_message(FORUM, f"m{n}", message_thread_id=two if n % 2 else one)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(FORUM, "the 21st this minute", message_thread_id=two)
    assert refused.value.retry_after >= timedelta(seconds=1)  # type: ignore[operator]
    # Edits count too: the group's minute is full.
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("changed", chat_id=FORUM, message_id=sent.message_id)
    assert [m.message_thread_id for m in sb.messages(FORUM)].count(one) == 11


async def test_delete_and_edit_follow_telegrams_rules(sandbox: tuple[Sandbox, Bot]) -> None:
    sb, bot = sandbox
    sb.create_group(FORUM, "Group", owner=OWNER, members=[MEMBER])
    sb.add_bot(FORUM, status="member")
    mine = await bot.send_message(FORUM, "<b>story</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text(
            "<b>story</b>", chat_id=FORUM, message_id=mine.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.edit_message_text(
            "<b>broken", chat_id=FORUM, message_id=mine.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=OWNER, message_id=mine.message_id)  # other chat
    await bot.edit_message_text(
        "<i>fixed</i>", chat_id=FORUM, message_id=mine.message_id, parse_mode="HTML"
    )
    assert sb.messages(FORUM)[-1].plain == "fixed"
    theirs = sb.inject_message(MEMBER, "a member's message", chat_id=FORUM)["message"]
    with pytest.raises(BadRequest, match=r"(?i)can't be deleted"):
        await bot.delete_message(FORUM, theirs["message_id"])  # the bot is no admin
    old = await bot.send_message(FORUM, "old story")
    sb.age_messages(FORUM, 48 * 3600)
    with pytest.raises(BadRequest, match=r"(?i)can't be deleted"):
        await bot.delete_message(FORUM, old.message_id)
    await bot.edit_message_text("corrected", chat_id=FORUM, message_id=old.message_id)
    fresh = await bot.send_message(FORUM, "fresh")
    assert await bot.delete_message(FORUM, fresh.message_id)
    assert sb.messages(FORUM)[-1].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(FORUM, fresh.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("again", chat_id=FORUM, message_id=fresh.message_id)


async def test_a_photo_caption_is_edited_not_its_text(sandbox: tuple[Sandbox, Bot]) -> None:
    sb, bot = sandbox
    photo = await bot.send_photo(
        OWNER, b"\x89PNG\r\n\x1a\n" + b"0" * 64, caption="<b>old</b>", parse_mode="HTML"
    )
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("new", chat_id=OWNER, message_id=photo.message_id)
    await bot.edit_message_caption(
        chat_id=OWNER, message_id=photo.message_id, caption="<i>new</i>", parse_mode="HTML"
    )
    assert sb.messages(OWNER)[-1].plain == "new" and sb.messages(OWNER)[-1].edits == ["<b>old</b>"]
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_caption(
            chat_id=OWNER, message_id=photo.message_id, caption="<i>new</i>", parse_mode="HTML"
        )
    text = await bot.send_message(OWNER, "plain")
    with pytest.raises(BadRequest, match=r"(?i)there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=OWNER, message_id=text.message_id, caption="x")

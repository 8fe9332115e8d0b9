"""The broadcast sender: a prepared body reaches the chat as Bot.send_message would send
it, and every failure raises the exception PTB raises for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.sandbox import Sandbox
from bot.sandbox.limits import RateLimiter
from bot.sender_http import AiohttpRequest, error_for, prepare, send_prepared

USER = 42
SANDBOX_LIMITS = False  # the conftest sandbox: no flood limits, USER registered
SANDBOX_CHATS = (USER,)
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Повний текст", callback_data="full:7")]])


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    async with Bot(sandbox.token, base_url=sandbox.base_url, request=AiohttpRequest()) as client:
        yield client


async def test_a_prepared_message_arrives_as_html_with_its_keyboard(
    sandbox: Sandbox, bot: Bot
) -> None:
    body = prepare("<b>Переговори</b> &amp; «цитати»", keyboard=KEYBOARD)
    first = await send_prepared(bot, USER, body)
    second = await send_prepared(bot, USER, body)
    assert second == first + 1  # the ids Telegram gave, in order
    [one, two] = sandbox.messages(USER)
    assert one.message_id == first and one.plain == "Переговори & «цитати»"
    assert one.parse_mode == "HTML" and one.entity_count == 1
    assert one.reply_markup == KEYBOARD.to_dict()
    assert not one.disable_notification and two.plain == one.plain


async def test_an_update_replies_quietly(sandbox: Sandbox, bot: Bot) -> None:
    earlier = await send_prepared(bot, USER, prepare("перша"))
    await send_prepared(
        bot, USER, prepare("оновлення", disable_notification=True), reply_to=earlier
    )
    update = sandbox.messages(USER)[-1]
    assert update.reply_to_message_id == earlier and update.disable_notification


async def test_failures_raise_what_ptb_raises(sandbox: Sandbox, bot: Bot) -> None:
    body = prepare("news")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await send_prepared(bot, 777, body)
    sandbox.register_chat(43)
    sandbox.block_chat(43)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await send_prepared(bot, 43, body)
    sandbox.register_chat(-100, type="group")
    sandbox.migrate_group(-100, -1001234567890)
    with pytest.raises(ChatMigrated) as migrated:
        await send_prepared(bot, -100, body)
    assert migrated.value.new_chat_id == -1001234567890
    sandbox.set_faults(burst_429=1, retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await send_prepared(bot, USER, body)
    assert flood.value.retry_after in (3, timedelta(seconds=3))
    sandbox.set_faults(error_rate=1.0, seed=1)
    with pytest.raises(NetworkError):
        await send_prepared(bot, USER, body)
    assert sandbox.messages(USER) == []


def test_an_unreadable_error_answer_is_a_network_error() -> None:
    error = error_for(502, b"<html>Bad Gateway</html>")
    assert type(error) is NetworkError and "Bad Gateway" in error.message


async def test_another_transport_goes_through_ptb(sandbox: Sandbox) -> None:
    async with Bot(sandbox.token, base_url=sandbox.base_url, request=HTTPXRequest()) as plain:
        message_id = await send_prepared(plain, USER, prepare("<i>через PTB</i>"))
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await send_prepared(plain, 777, prepare("x"))
    [sent] = sandbox.messages(USER)
    assert sent.message_id == message_id and sent.plain == "через PTB"


async def test_paid_broadcast_passes_the_free_limit_but_not_the_paid_one() -> None:
    async with Sandbox() as limited:
        limited.set_limits(True, global_per_s=2)
        limited.limiter.paid_per_s = 4
        for chat_id in range(1, 7):
            limited.register_chat(chat_id)
        async with Bot(limited.token, base_url=limited.base_url, request=AiohttpRequest()) as b:
            free, paid = prepare("free"), prepare("paid", paid_broadcast=True)
            for chat_id in (1, 2):
                await send_prepared(b, chat_id, free)
            with pytest.raises(RetryAfter):
                await send_prepared(b, 3, free)  # a third free send within the second
            for chat_id in (3, 4):
                await send_prepared(b, chat_id, paid)  # paid: past the free 2/s
            with pytest.raises(RetryAfter):
                await send_prepared(b, 5, paid)  # every send counts in the paid 4/s
        assert [len(limited.messages(c)) for c in range(1, 7)] == [1, 1, 1, 1, 0, 0]


def test_paid_sends_keep_the_per_chat_limit() -> None:
    now = [0.0]
    limiter = RateLimiter(global_per_s=1, private_burst=2, clock=lambda: now[0])
    assert limiter.acquire(1, "private", paid=True) == 0
    assert limiter.acquire(1, "private", paid=True) == 0
    assert limiter.acquire(1, "private", paid=True) >= 1  # 2 per rolling 2 s in one chat
    now[0] = 2.5
    assert limiter.acquire(1, "private", paid=True) == 0

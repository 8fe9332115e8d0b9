"""The sandbox through a real python-telegram-bot client: it must answer like Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.sandbox import Sandbox

USER = 42


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[Bot]:
    async with Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url) as client:
        yield client


def seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "newsbot_sandbox_bot"
    assert me.supports_inline_queries is True


async def test_wrong_token_is_unauthorized(sb: Sandbox) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=sb.base_url) as other:
            await other.get_me()


async def test_long_poll_is_held_until_a_command_arrives(sb: Sandbox, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await sb.wait_until(lambda: sb.stats()["methods"].get("getUpdates"))
    assert not poll.done()  # held open: nothing to deliver yet
    sb.inject_message(USER, "/start@newsbot_sandbox_bot hello", language_code="en")
    [update] = await asyncio.wait_for(poll, 3)
    message = update.message
    assert message is not None and message.text == "/start@newsbot_sandbox_bot hello"
    assert message.chat.type == "private" and message.chat.id == USER
    assert message.from_user is not None and message.from_user.language_code == "en"
    [entity] = message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 26)
    # The offset confirms it: the next poll comes back empty.
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert sb.pending_updates() == []


async def test_html_is_parsed_and_recorded(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    sent = await bot.send_message(USER, "<b>Talks</b> &amp; <i>quotes</i>", parse_mode="HTML")
    assert sent.text == "Talks & quotes"
    assert [e.type for e in sent.entities] == ["bold", "italic"]
    [record] = sb.messages(USER)
    assert record.text == "<b>Talks</b> &amp; <i>quotes</i>"
    assert record.plain == "Talks & quotes" and record.entity_count == 2
    assert record.message_id == sent.message_id and record.parse_mode == "HTML"


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("a <3 b", "Unsupported start tag"),
    ],
)
async def test_bad_html_is_rejected(sb: Sandbox, bot: Bot, markup: str, reason: str) -> None:
    sb.register_chat(USER)
    with pytest.raises(BadRequest, match=r"(?i)an't parse entities") as caught:
        await bot.send_message(USER, markup, parse_mode="HTML")
    assert reason.lower() in caught.value.message.lower()
    assert sb.messages(USER) == []


async def test_length_is_counted_in_utf16_after_parsing(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 units: fits
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "x")  # 2049 characters, 4097 units
    assert len(sb.messages(USER)) == 2


async def test_caption_is_counted_in_utf16_after_parsing(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    await bot.send_photo(
        USER, photo=b"\x89PNG fake", caption="<b>" + "😀" * 512 + "</b>", parse_mode="HTML"
    )
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(USER, photo=b"\x89PNG fake", caption="x" * 1023 + "😀")
    assert len(sb.messages(USER)) == 1


async def test_empty_text_and_too_many_entities(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)too many entities"):
        await bot.send_message(USER, "<b>x</b> " * 101, parse_mode="HTML")
    await bot.send_message(USER, "<b>x</b> " * 100, parse_mode="HTML")
    assert len(sb.messages(USER)) == 1


async def test_callback_data_over_64_bytes_is_rejected(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="я" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "pick", reply_markup=too_long)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="я" * 32)]])
    await bot.send_message(USER, "pick", reply_markup=fits)
    [record] = sb.messages(USER)
    assert record.reply_markup == {"inline_keyboard": [[{"text": "x", "callback_data": "я" * 32}]]}


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hello")


async def test_blocked_and_deactivated_users_are_forbidden(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(1)
    sb.register_chat(2)
    sb.block_chat(1)
    sb.deactivate(2)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(1, "hi")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(2, "hi")
    sb.unblock_chat(1)
    await bot.send_message(1, "hi again")
    assert [m.text for m in sb.all_messages()] == ["hi again"]


async def test_migrated_group_raises_chat_migrated(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(-100)
    sb.migrate_group(-100, -1001234567890)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-100, "news")
    assert caught.value.new_chat_id == -1001234567890
    sent = await bot.send_message(-1001234567890, "news")
    assert sent.chat.type == "supergroup"


async def test_burst_to_one_private_chat_gets_retry_after(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    for n in range(3):  # the tolerated burst
        await bot.send_message(USER, f"part {n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "one too many")
    assert 1 <= seconds(caught.value.retry_after) <= 3
    assert [m.text for m in sb.messages(USER)] == ["part 0", "part 1", "part 2"]
    stats = sb.stats()
    assert stats["rate_limited"] == 1 and stats["too_many_requests"] == 1
    assert stats["sent_ok"] == 3


async def test_lifted_limits_never_answer_429(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    sb.set_limits(False)
    for n in range(40):
        await bot.send_message(USER, f"m{n}")
    assert len(sb.messages(USER)) == 40
    assert sb.stats()["too_many_requests"] == 0


async def test_server_error_fault_raises_network_error(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    sb.set_faults(error_rate=1.0, seed=7)
    for _ in range(4):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "lost")
    faults = sb.stats()["faults"]
    assert faults.get("error_500", 0) + faults.get("error_502", 0) == 4
    assert sb.messages(USER) == []
    sb.set_faults()
    await bot.send_message(USER, "back")
    assert len(sb.messages(USER)) == 1


async def test_burst_429_fault_then_recovery(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    sb.set_faults(burst_429=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "wait")
        assert seconds(caught.value.retry_after) == 7
    await bot.send_message(USER, "through")
    assert [m.text for m in sb.messages(USER)] == ["through"]
    assert sb.stats()["faults"]["burst_429"] == 2


async def test_hang_fault_times_the_client_out(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    sb.set_faults(timeout_rate=1.0, hang_s=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.1)
    assert sb.stats()["faults"]["timeout"] == 1
    # The hung request still goes through afterwards, as it may on Telegram.
    [late] = await sb.wait_for_messages(USER, 1, timeout=3)
    assert late.text == "slow"


async def test_document_round_trip_through_get_file(sb: Sandbox, bot: Bot) -> None:
    content = "Текст статті\n".encode() * 100
    update = sb.inject_message(
        USER, "/push", document=(content, "story.txt", "text/plain"), language_code="uk"
    )
    file_id = update["message"]["document"]["file_id"]
    assert update["message"]["caption"] == "/push"
    downloaded = await (await bot.get_file(file_id)).download_as_bytearray()
    assert bytes(downloaded) == content

    sent = await bot.send_document(
        USER,
        document=b"%PDF-1.4 data",
        filename="r.pdf",
        caption="<b>Report</b>",
        parse_mode="HTML",
    )
    [record] = sb.messages(USER)
    assert (record.kind, record.caption, record.file_size) == ("document", "<b>Report</b>", 13)
    assert sent.document is not None and sent.caption == "Report"
    back = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(back) == b"%PDF-1.4 data"

    photo = await bot.send_photo(USER, photo=b"\x89PNG fake", caption="chart")
    assert photo.photo and photo.caption == "chart"
    assert [(m.kind, m.file_size) for m in sb.messages(USER)][1] == ("photo", 9)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER, photo=b"x", caption="c" * 1025)


async def test_edit_message_text_keeps_history(sb: Sandbox, bot: Bot) -> None:
    sb.register_chat(USER)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sub", callback_data="sub:1")]])
    sent = await bot.send_message(USER, "first", reply_markup=keyboard)
    edited = await bot.edit_message_text("second", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "second"
    [record] = sb.messages(USER)
    assert (record.text, record.edits) == ("second", ["first"])
    assert record.reply_markup is None  # an edit without markup drops the keyboard
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("second", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard)
    assert sb.messages(USER)[0].reply_markup == keyboard.to_dict()


async def test_callback_query_carries_the_message_and_is_answered_once(
    sb: Sandbox, bot: Bot
) -> None:
    sb.register_chat(USER)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sub", callback_data="sub:7")]])
    sent = await bot.send_message(USER, "topics", reply_markup=keyboard)
    query_id = sb.inject_callback(USER, USER, sent.message_id, "sub:7")
    [update] = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "sub:7"
    assert query.message is not None and query.message.message_id == sent.message_id
    await bot.answer_callback_query(query_id, text="Done")
    assert sb.callback_answer(query_id) is not None
    assert sb.callback_answers[0]["text"] == "Done"
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query(query_id)


async def test_reply_to_missing_message_is_rejected(sb: Sandbox, bot: Bot) -> None:
    update = sb.inject_message(USER, "hello")
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(message_id=999))
    mid = update["message"]["message_id"]
    await bot.send_message(USER, "answer", reply_parameters=ReplyParameters(message_id=mid))
    assert sb.messages(USER)[0].reply_to_message_id == mid


async def test_inline_answer_and_commands_are_recorded(sb: Sandbox, bot: Bot) -> None:
    from telegram import BotCommand, InlineQueryResultArticle, InputTextMessageContent

    query_id = sb.inject_inline_query(USER, "ракета")
    article = InlineQueryResultArticle(
        "a1", "Title", InputTextMessageContent("<b>Body</b>", parse_mode="HTML")
    )
    await bot.answer_inline_query(query_id, [article], next_offset="10")
    answer = sb.inline_answers(query_id)
    assert answer is not None and answer["next_offset"] == "10"
    assert [r["id"] for r in answer["results"]] == ["a1"]

    await bot.set_my_commands([BotCommand("start", "Почати")], language_code="uk")
    await bot.set_my_commands([BotCommand("start", "Start")])
    assert sb.commands["uk"] == [{"command": "start", "description": "Почати"}]
    assert sb.commands[""][0]["description"] == "Start"
    assert (await bot.get_my_commands(language_code="uk"))[0].description == "Почати"


async def test_wait_for_messages_times_out_with_what_arrived(sb: Sandbox) -> None:
    with pytest.raises(TimeoutError, match="expected 1 message"):
        await sb.wait_for_messages(USER, 1, timeout=0.05)


async def test_http_control_round_trip(sb: Sandbox, bot: Bot) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=f"{sb.url}/control") as control:
        assert (await control.post("/register_chat", json={"chat_id": 500})).json()["ok"]
        doc = {"content": "abc", "file_name": "a.txt", "mime_type": "text/plain"}
        answer = await control.post(
            "/inject_message", json={"user_id": 501, "text": "/push", "document": doc}
        )
        file_id = answer.json()["result"]["message"]["document"]["file_id"]
        assert sb.file_content(file_id) == b"abc"

        await bot.send_message(500, "<i>hi</i>", parse_mode="HTML")
        listed = (await control.get("/messages", params={"chat_id": 500})).json()["result"]
        assert [(m["text"], m["plain"]) for m in listed] == [("<i>hi</i>", "hi")]
        waited = await control.post("/wait_for_messages", json={"chat_id": 500, "count": 1})
        assert waited.json()["result"][0]["message_id"] == listed[0]["message_id"]

        await control.post("/block_chat", json={"chat_id": 500})
        with pytest.raises(Forbidden):
            await bot.send_message(500, "x")
        await control.post("/unblock_chat", json={"chat_id": 500})
        await control.post("/set_faults", json={"burst_429": 1, "retry_after": 2})
        with pytest.raises(RetryAfter):
            await bot.send_message(500, "y")

        stats = (await control.get("/stats")).json()["result"]
        assert stats["sent_ok"] == 1 and stats["faults"] == {"burst_429": 1}
        assert stats["errors"] == {"403": 1, "429": 1}
        assert (await control.post("/nope")).status_code == 404
        bad = await control.post("/block_chat", json={"chat_id": 999})
        assert bad.status_code == 400 and "unknown chat" in bad.json()["error"]


async def test_bot_api_accepts_json_bodies_and_checks_the_token(sb: Sandbox) -> None:
    import httpx

    sb.register_chat(-1001)
    async with httpx.AsyncClient(base_url=sb.url) as http:
        ok = await http.post(f"/bot{sb.token}/sendMessage", json={"chat_id": -1001, "text": "hi"})
        assert ok.json()["result"]["chat"] == {"id": -1001, "type": "group", "title": "Chat -1001"}
        wrong = await http.post("/bot1:bad/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        missing = await http.get(f"/bot{sb.token}/noSuchMethod")
        assert missing.status_code == 404


async def test_a_second_poller_ends_the_first_with_conflict(sb: Sandbox, bot: Bot) -> None:
    from telegram.error import Conflict

    first = asyncio.create_task(bot.get_updates(timeout=5))
    await sb.wait_until(lambda: sb.stats()["methods"].get("getUpdates"))
    # A second bot instance (one Bot polls over a single connection).
    async with Bot(sb.token, base_url=sb.base_url) as other:
        second = asyncio.create_task(other.get_updates(timeout=5))
        with pytest.raises(Conflict):
            await asyncio.wait_for(first, 3)
        sb.inject_message(USER, "hi")
        [update] = await asyncio.wait_for(second, 3)
    assert update.message is not None and update.message.text == "hi"


async def test_stop_releases_a_pending_long_poll() -> None:
    sandbox = await Sandbox().start()
    async with Bot(sandbox.token, base_url=sandbox.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await sandbox.wait_until(lambda: sandbox.stats()["methods"].get("getUpdates"))
        await sandbox.stop()
        # Answered empty at shutdown instead of holding the client for 30 s.
        assert await asyncio.wait_for(poll, 3) == ()

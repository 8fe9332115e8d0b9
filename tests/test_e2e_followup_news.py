"""Follow-ups that read like news (issue 14): the admin is told why a re-push reached no
one; an update marks what is new and links to the first telling; /latest and search show
one line per story (its tellings folded), ordered by the date shown — over the sandbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.harness import ADMIN_ID, LocalBot
from bot.sandbox import SentMessage
from bot.stories import Draft
from tests.e2e import STORY, say, stories

LOCAL_LIMITS = False
READER = 7101
NEW_QUOTE = (
    "«Наступна зустріч відбудеться в лютому, і ми очікуємо конкретних відповідей»,"
    " — заявив речник Держдепартаменту США Нед Прайс."
)


async def publish_file(local: LocalBot, text: str) -> SentMessage:
    """The admin pushes the text (/push <text>); when a preview comes (Publish / Change
    topics / Cancel), taps Publish. Returns the admin's last message, as it reads now."""
    sb = local.sandbox
    before = len(sb.messages(ADMIN_ID))
    sb.inject_message(ADMIN_ID, f"/push {text}", language_code="en")
    await local.settle()
    for message in sb.messages(ADMIN_ID)[before:]:
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for b in row:
                if "Publish" in b["text"]:
                    sb.inject_callback(ADMIN_ID, ADMIN_ID, message.message_id, b["callback_data"])
                    await local.settle()
                    return message
    return sb.messages(ADMIN_ID)[-1]


async def test_repush_reasons_update_markings_and_folded_lists(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, READER, "/subscribe us-russia-security", language_code="en")
    first = await publish_file(local, STORY)
    assert "Queued for 1 reader" in first.plain
    [told] = stories(sb, READER)

    repeat = await publish_file(local, STORY)
    assert "Queued for 0 readers" in repeat.plain
    assert "Nobody got it: it is the same as story №1, nothing new" in repeat.plain
    assert len(stories(sb, READER)) == 1

    update = await publish_file(local, f"{STORY}\n\n{NEW_QUOTE}")
    assert "It is an update to story №1" in update.plain
    _, sent = stories(sb, READER)
    assert sent.reply_to_message_id == told.message_id
    assert "🆕 Наступна зустріч відбудеться в лютому" in sent.plain
    assert "🆕 Ми не ухвалюватимемо" not in sent.plain  # told before: not marked
    assert "Ми не ухвалюватимемо" in sent.plain
    assert "/article_1" in sent.plain  # the first telling
    assert sent.plain.index("Наступна зустріч") < sent.plain.index("Ми не ухвалюватимемо")

    latest = await say(sb, READER, "/latest", language_code="en")
    assert re.findall(r"/article_(\d+)", latest.plain) == ["3"]  # one line, the newest
    assert "(+2 earlier tellings)" in latest.plain and "in Ukrainian" in latest.plain
    found = await say(sb, READER, "/search гарантії безпеки", language_code="en")
    assert len(re.findall(r"/article_(\d+)", found.plain)) == 1
    assert "in Ukrainian" in found.plain


async def test_a_story_for_nobody_says_why(local: LocalBot) -> None:
    text = (
        "Садівники обговорили весняну обрізку яблунь\n\n"
        "На зустрічі в ботанічному саду садівники порадили обрізати яблуні до цвітіння."
    )
    control = await publish_file(local, text)
    assert "matched no topic and no keyword watch" in control.plain
    nato = "Саміт НАТО\n\nЛідери країн НАТО зібралися в Брюсселі на саміт альянсу НАТО."
    control = await publish_file(local, nato)
    assert "nobody follows its topics" in control.plain


async def test_latest_is_ordered_by_the_date_shown(local: LocalBot) -> None:
    stories_ = local.services.stories
    old = await stories_.publish(
        Draft(
            text="Стара новина про ракети\n\nЕксперти говорили про ракети у Львові.",
            published=datetime(2022, 1, 5, tzinfo=UTC),
        ),
        deliver=False,
    )
    new = await stories_.publish(
        Draft(text="Свіжа новина про ракети\n\nЕксперти говорили про ракети в Одесі."),
        deliver=False,
    )
    page_dated = await stories_.publish(  # stored last, but dated by its page years ago
        Draft(
            text="Архівна новина про ракети\n\nЕксперти говорили про ракети в Києві.",
            published=datetime(2021, 12, 1, tzinfo=UTC),
        ),
        deliver=False,
    )
    latest = await say(local.sandbox, READER, "/latest", language_code="en")
    order = [int(n) for n in re.findall(r"/article_(\d+)", latest.plain)]
    assert order == [new.article_id, old.article_id, page_dated.article_id]

"""An admin pushes one paragraph: the reader gets a headline and a summary, not one
long bold headline."""

from __future__ import annotations

from bot.harness import ADMIN_ID, LocalBot
from tests.e2e import html, say, stories

FIRST = "Енергетики відновили живлення у трьох районах міста після нічної аварії на підстанції."
REST = (
    "Ремонтні бригади працювали всю ніч і замінили пошкоджений трансформатор на новий. "
    "Міська рада пообіцяла перевірити всі підстанції району до кінця місяця."
)


# The push publishes at once (PUSH_TEXT_IMMEDIATE): this is about the headline.
LOCAL_SETTINGS = {"push_text_immediate": True}


async def test_one_paragraph_push_gets_its_first_sentence_as_headline(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 301, "/subscribe energy")
    await say(sb, ADMIN_ID, f"/push #energy {FIRST} {REST}")
    await local.settle()
    [story] = stories(sb, 301)
    assert f"<b>{FIRST}</b>" in html(story)
    assert "Ремонтні бригади працювали всю ніч" in story.plain  # the rest is the summary
    assert f"<b>{FIRST} {REST}</b>" not in html(story)

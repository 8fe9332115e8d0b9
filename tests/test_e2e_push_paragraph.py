"""An admin pushes one paragraph: the reader gets a headline and a summary, not one
long bold headline."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.harness import ADMIN_ID, LocalBot
from tests.e2e import say, stories

FIRST = "Енергетики відновили живлення у трьох районах міста після нічної аварії на підстанції."
REST = (
    "Ремонтні бригади працювали всю ніч і замінили пошкоджений трансформатор на новий. "
    "Міська рада пообіцяла перевірити всі підстанції району до кінця місяця."
)


@pytest.fixture
async def local(tmp_path: Path):
    async with LocalBot(tmp_path / "bot.db") as running:
        yield running


async def test_one_paragraph_push_gets_its_first_sentence_as_headline(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 301, "/subscribe energy")
    await say(sb, ADMIN_ID, f"/push #energy {FIRST} {REST}")
    await local.settle()
    [story] = stories(sb, 301)
    assert f"<b>{FIRST}</b>" in story.text
    assert "Ремонтні бригади працювали всю ніч" in story.text  # the rest is the summary
    assert f"<b>{FIRST} {REST}</b>" not in story.text

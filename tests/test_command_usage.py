"""Every registered command, sent with malformed arguments, gets exactly one clear answer:
its usage text, an error naming the problem, or its normal reply when it takes no
arguments — never silence and never the generic "something went wrong" (issue 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from telegram.ext import CommandHandler

from bot.app import ADMIN_COMMANDS, USER_COMMANDS, build_application
from bot.harness import ADMIN_ID, LocalBot, sandbox_settings
from bot.sandbox import Sandbox

ON_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")

BAD_ARGUMENTS = ["", "a b c d e f g h", "abc", "-5", "9" * 40, "²", "😀"]
GENERIC = ("Something went wrong", "Щось пішло не так")
# Commands whose arguments are parsed: a malformed one must get usage help or a clear error.
# Each phrase is a part of that command's usage or error texts (en).
PARSED = {
    "search": ("What should I look for", "Nothing found", "no word to look for"),
    "latest": ("No topic", "No stories yet"),
    "article": ("Which story? For example: /article 12",),
    "subscribe": ("Which topic?", "No topic or word to watch", "You now watch for"),
    "unsubscribe": ("Which topic?", "No topic", "You no longer watch", "You did not"),
    "push": ("Send the story after the command", "nothing was stored"),
    "feed_add": ("Usage: /feed_add", "Unknown topic", "Only http:// and https://"),
    "feed_remove": ("Usage: /feed_remove ID",),
    "retry": ("Usage: /retry [story id]", "failed messages queued again"),
    "feeds_import": ("Send an .opml file with the caption /feeds_import",),
}
# /stats answers with its report and the chart; every other command with one message.
REPLIES = {"stats": 2}


def registered_commands() -> set[str]:
    """The commands the real Application routes, read from its handlers."""
    sandbox = Sandbox("1:unused")
    app = build_application(sandbox_settings(sandbox, Path("unused.db")), start_delivery=False)
    from handlers import register

    register(app)
    return {
        name
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }


COMMANDS = sorted(registered_commands())


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def local(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalBot]:
    async with LocalBot(tmp_path_factory.mktemp("usage") / "bot.db") as running:
        yield running


async def answers(local: LocalBot, texts: list[str], each: int) -> list[list[str]]:
    """What the admin's chat received for each text, once the bot is idle. A chat's
    updates are handled in order, so the replies come in the order they were sent."""
    sandbox = local.sandbox
    before = len(sandbox.messages(ADMIN_ID))
    for text in texts:
        sandbox.inject_message(ADMIN_ID, text, language_code="en")
    await sandbox.wait_for_messages(ADMIN_ID, before + each * len(texts), timeout=20)
    await local.settle()
    received = [m.text or m.caption or "" for m in sandbox.messages(ADMIN_ID)[before:]]
    assert len(received) == each * len(texts), (texts, received)  # none silent, none twice
    return [received[n : n + each] for n in range(0, len(received), each)]


def test_every_command_is_in_a_menu_or_parsed_here() -> None:
    menu = {name for name, _ in USER_COMMANDS + ADMIN_COMMANDS}
    assert "article" in COMMANDS and "feed_remove" in COMMANDS
    # A new command must be added to the menu (and so to this module) or to PARSED.
    assert set(COMMANDS) <= menu | set(PARSED)


@ON_MODULE_LOOP
@pytest.mark.parametrize("command", COMMANDS)
async def test_malformed_arguments_get_one_clear_answer(local: LocalBot, command: str) -> None:
    texts = [f"/{command} {argument}".strip() for argument in BAD_ARGUMENTS]
    replies = await answers(local, texts, REPLIES.get(command, 1))
    for argument, shown in zip(BAD_ARGUMENTS, replies, strict=True):
        first = shown[0]
        assert first.strip(), (argument, shown)
        assert not any(generic in first for generic in GENERIC), (argument, first)
        if command in PARSED:
            assert any(phrase in first for phrase in PARSED[command]), (argument, first)


@ON_MODULE_LOOP
async def test_article_links_with_bad_ids_get_usage(local: LocalBot) -> None:
    texts = ["/article_-1", "/article_²", "/article_" + "9" * 40, "/article_0"]
    for text, (shown,) in zip(texts, await answers(local, texts, 1), strict=True):
        assert "Which story?" in shown or "No story" in shown, (text, shown)

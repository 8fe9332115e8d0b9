"""The terminal sandbox (issue 14): a paste of several lines is one message (ended by an
empty line), bot messages are shown with terminal styles (never raw HTML), photos are
saved and their path printed, `--db PATH` runs on a real database; and the CLI search
takes a filter-only query and prints the total — the real bot over the sandbox."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.prompt import Screen, Script, converse, read_message, run_prompt
from bot.sandbox.terminal import styled
from bot.services import build_services
from bot.stories import Draft
from tests.backends import database_env
from tests.e2e import STORY

ROOT = Path(__file__).resolve().parent.parent


def test_a_paste_is_one_message_up_to_an_empty_line() -> None:
    source = Script(["/start", "Title\n\nFirst paragraph.\n\nSecond paragraph.\n", "/help"])
    assert read_message(source, "> ") == "/start"
    assert read_message(source, "> ") == "Title\n\nFirst paragraph.\n\nSecond paragraph."
    assert read_message(source, "> ") == "/help"
    assert read_message(source, "> ") is None
    # a paste that did not end with an empty line goes on with the lines typed next
    source = Script(["/push Title\nFirst line", "typed after the paste", "", "/quit"])
    assert read_message(source, "> ") == "/push Title\nFirst line\ntyped after the paste"
    assert read_message(source, "> ") == "/quit"


def test_html_is_shown_as_terminal_styles() -> None:
    html = '<b>Заголовок</b>\n\nТекст &lt;тег&gt; <i>курсив</i> <a href="https://e.com/x">посилання</a>'
    html += "\n\n<blockquote>Цитата\n— Хтось</blockquote>"
    shown = styled(html, "HTML")
    assert "\x1b[1mЗаголовок" in shown and "\x1b[3mкурсив" in shown
    assert "<b>" not in shown and "&lt;" not in shown and "<тег>" in shown
    assert "посилання\x1b[0m (https://e.com/x)" in shown
    plain = styled(html, "HTML", colour=False)
    assert "\x1b" not in plain
    assert plain.endswith("│ Цитата\n│ — Хтось")
    assert styled("<b>as typed</b>", None) == "<b>as typed</b>"  # no parse mode: as sent


async def test_sandbox_session_pastes_styles_and_saves_photos(tmp_path: Path) -> None:
    story = STORY.replace("\n\n", "\n\n\n")  # blank lines inside the paste stay in it
    lines: list[str] = []
    # The paste publishes at once (PUSH_TEXT_IMMEDIATE): this is about the terminal.
    async with LocalBot(tmp_path / "bot.db", push_text_immediate=True) as local:
        sb = local.sandbox
        sb.set_limits(False)
        sent: list[str] = []
        inject = sb.inject_message

        def recording(user_id: int, text: str, **kwargs: object):  # type: ignore[no-untyped-def]
            sent.append(text)
            return inject(user_id, text, **kwargs)  # type: ignore[arg-type]

        sb.inject_message = recording  # type: ignore[method-assign]
        source = Script(["/as admin", f"/push {story}\n", "/stats", "/quit"])
        files = tmp_path / "files"
        files.mkdir()
        screen = Screen(sb, files, lines.append, colour=False)
        await converse(local, "en", source, screen, lines.append)
        assert sent == [f"/push {story}".strip(), "/stats"]  # one message for the paste
        assert len([m for m in sb.messages(ADMIN_ID) if m.kind == "text"]) == 2
    output = "\n".join(lines)
    assert "<b>" not in output and "</" not in output
    [saved] = [line for line in lines if line.startswith("[photo saved: ")]
    path = Path(saved.removeprefix("[photo saved: ").rstrip("]"))
    assert path.parent == files
    assert (await asyncio.to_thread(path.read_bytes)).startswith(b"\x89PNG")


async def _filled_database(path: Path) -> int:
    env = dict(os.environ, DATABASE_PATH=str(path))
    from bot.config import load_settings

    os.environ.update(env)
    services = await build_services(load_settings(require_token=False))
    try:
        published = await services.stories.publish(Draft(text=STORY), deliver=False)
        await services.stories.publish(
            Draft(text=STORY.replace("Женеві", "Відні") + " Ціни ростуть.", topics=("economy",)),
            deliver=False,
        )
    finally:
        await services.close()
    return published.article_id


def _run(*args: str, stdin: str = "", db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **database_env(db), PTB_TIMEDELTA="true")
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.sqlite_only("`sandbox --db` takes a SQLite file")
async def test_sandbox_on_a_real_database_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "real.db"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    article_id = await _filled_database(db)
    done = await asyncio.to_thread(
        _run,
        "sandbox",
        "--db",
        str(db),
        "--language",
        "en",
        stdin="гарантії безпеки\n/quit\n",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert f"/article_{article_id}" in done.stdout  # the stored story is found
    assert "<b>" not in done.stdout and "\x1b[" not in done.stdout  # a pipe gets no colours
    assert (tmp_path / "sandbox-files").is_dir()


@pytest.mark.sqlite_only("the prompt's --db is a SQLite file")
async def test_run_prompt_keeps_the_database_it_was_given(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    lines: list[str] = []
    await run_prompt(
        "en", db=db, source=Script(["/start", "/quit"]), out=lines.append, colour=False
    )
    assert db.exists() and any("How it works" in line for line in lines)


async def test_cli_search_takes_filters_alone_and_prints_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    await _filled_database(db)
    only = await asyncio.to_thread(_run, "search", "topic:economy", db=db)
    assert only.returncode == 0, only.stderr
    assert only.stdout.strip().endswith("1 found")
    both = await asyncio.to_thread(_run, "search", "--limit", "1", "гарантії", db=db)
    assert "2 found, 1 shown" in both.stdout
    empty = await asyncio.to_thread(_run, "search", "--", "-Іран", db=db)
    assert empty.returncode == 1 and "nothing to look for" in empty.stderr

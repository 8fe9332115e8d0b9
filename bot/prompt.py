"""`python main.py sandbox`: talk to the real bot in a terminal, over the local sandbox.

You type as a subscriber (user 1001); `/as admin` switches to the admin (user 1),
`/as user` back; `/press N` taps button N of the bot's last message; `/quit` leaves.
A line you type is sent when you press Enter; a paste of several lines (a story, blank
lines between paragraphs included) is one message, ended by an empty line. (Piped
input is read a line per message.)
`--db PATH` runs on a real database (stories from `main.py import` are there);
without it a throwaway one. Bot messages show bold, italics and links as terminal
styles; photos (the /stats chart) are saved and their path printed.
"""

from __future__ import annotations

import asyncio
import os
import select
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from bot.harness import ADMIN_ID, LocalBot
from bot.sandbox import Sandbox, SentMessage
from bot.sandbox.terminal import styled

USER_ID = 1001
HELP = (
    "commands: /as admin | /as user | /press N | /quit — anything else goes to the bot; "
    "paste several lines and end with an empty line"
)
PASTE_WAIT_S = 0.05  # the rest of a paste arrives within this of its first line


class LineSource(Protocol):
    def read(self, prompt: str) -> str | None: ...  # None: end of input

    def pending(self) -> bool: ...  # more input is already waiting (a paste)


class Stdin:
    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            return None
        finally:
            sys.stdout.flush()

    def pending(self) -> bool:
        if not sys.stdin.isatty():  # piped input: one line per message (a pipe is never "pasted")
            return False
        try:
            ready, _, _ = select.select([sys.stdin], [], [], PASTE_WAIT_S)
        except (OSError, ValueError):  # no selectable stdin (Windows console)
            return False
        return bool(ready)


class Script:
    """Input for tests: each chunk arrives at once, as a paste does."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._lines: list[tuple[str, bool]] = []  # (line, more of its chunk follows)
        for chunk in chunks:
            lines = chunk.split("\n")
            self._lines += [(line, i < len(lines) - 1) for i, line in enumerate(lines)]
        self._more = False

    def read(self, prompt: str) -> str | None:
        if not self._lines:
            return None
        line, self._more = self._lines.pop(0)
        return line

    def pending(self) -> bool:
        return self._more


def read_message(source: LineSource, prompt: str) -> str | None:
    """One message: a typed line, or a pasted block up to an empty line."""
    first = source.read(prompt)
    if first is None:
        return None
    lines = [first]
    while source.pending():
        line = source.read("")
        if line is None:
            break
        lines.append(line)
    if len(lines) > 1:
        while lines[-1].strip():  # the paste goes on until an empty line
            line = source.read("… ")
            if line is None:
                break
            lines.append(line)
    return "\n".join(lines).strip()


def buttons_of(message: SentMessage) -> list[dict[str, Any]]:
    return [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


class Screen:
    """Writes the bot's messages: styled text, numbered buttons, saved photos."""

    def __init__(self, sb: Sandbox, files: Path, out: Callable[[str], None], colour: bool):
        self.sb, self.files, self.out, self.colour = sb, files, out, colour

    def show(self, message: SentMessage) -> None:
        body = message.text if message.text is not None else message.caption or ""
        self.out(
            f"\n[bot → {message.chat_id}]\n{styled(body, message.parse_mode, colour=self.colour)}"
        )
        if message.file_id is not None:
            self.out(f"[{message.kind} saved: {self.save(message)}]")
        for number, button in enumerate(buttons_of(message), 1):
            target = button.get("url") or button.get("callback_data")
            self.out(f"  ({number}) {button['text']}  → {target}")

    def save(self, message: SentMessage) -> Path:
        assert message.file_id is not None
        name = Path(message.file_name or f"{message.kind}.bin").name
        path = self.files / f"{message.message_id}-{name}"
        path.write_bytes(self.sb.file_content(message.file_id))
        return path


def press(sb: Sandbox, user: int, last: SentMessage | None, argument: str) -> bool:
    buttons = buttons_of(last) if last else []
    index = int(argument) - 1 if argument.isdigit() else -1
    if last is None or not 0 <= index < len(buttons) or "callback_data" not in buttons[index]:
        return False
    sb.inject_callback(user, last.chat_id, last.message_id, buttons[index]["callback_data"])
    return True


async def run_prompt(
    language: str,
    *,
    db: Path | None = None,
    source: LineSource | None = None,
    out: Callable[[str], None] = print,
    files: Path | None = None,
    colour: bool | None = None,
) -> int:
    """The terminal loop. `db`: a real database; `files`: where photos go (default: a
    folder beside the database, or a temporary one)."""
    source = source or Stdin()
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ if colour is None else colour
    with tempfile.TemporaryDirectory(prefix="newsbot-sandbox-") as tmp:
        database = db or Path(tmp) / "sandbox.db"
        folder = files or (database.parent / "sandbox-files" if db else Path(tmp))
        folder.mkdir(parents=True, exist_ok=True)
        async with LocalBot(database) as local:
            screen = Screen(local.sandbox, folder, out, colour)
            await converse(local, language, source, screen, out)
    return 0


async def converse(
    local: LocalBot, language: str, source: LineSource, screen: Screen, out: Callable[[str], None]
) -> None:
    """Read messages from `source` until it ends or /quit; print what the bot sends."""
    sb = local.sandbox
    loop = asyncio.get_running_loop()
    out(f"newsbot sandbox on {sb.url} — {HELP}")
    user = USER_ID
    seen: dict[int, int] = {}
    last: SentMessage | None = None
    while True:
        who = "admin" if user == ADMIN_ID else "you"
        text = await loop.run_in_executor(None, read_message, source, f"{who}> ")
        if text is None or text == "/quit":
            return
        answers = len(sb.callback_answers)
        if not text:
            continue
        if text.startswith("/as "):
            user = ADMIN_ID if text.split()[-1] == "admin" else USER_ID
            continue
        if text.startswith("/press "):
            if not press(sb, user, last, text.split()[-1]):
                out("no such button")
                continue
        else:
            sb.inject_message(user, text, language_code=language)
        await asyncio.sleep(0.3)
        await local.settle(within_s=10)
        for answer in sb.callback_answers[answers:]:
            if answer.get("text"):
                out(f"[popup] {answer['text']}")
        if text.startswith("/press ") and last is not None:
            screen.show(last)  # its buttons may have changed in place
        for chat in (USER_ID, ADMIN_ID):
            messages = sb.messages(chat)
            for message in messages[seen.get(chat, 0) :]:
                screen.show(message)
                if chat == user:
                    last = message
            seen[chat] = len(messages)

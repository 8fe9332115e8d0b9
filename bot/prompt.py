"""`python main.py sandbox`: talk to the real bot in a terminal, over the local sandbox.

You type as a subscriber (user 1001); `/as admin` switches to the admin (user 1),
`/as user` back; `/press N` taps button N of the bot's last message; `/quit` leaves.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.harness import ADMIN_ID, LocalBot
from bot.sandbox import Sandbox, SentMessage

USER_ID = 1001
HELP = "commands: /as admin | /as user | /press N | /quit — anything else goes to the bot"


def buttons_of(message: SentMessage) -> list[dict[str, Any]]:
    return [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


def show(message: SentMessage) -> None:
    print(f"\n[bot → {message.chat_id}]\n{message.text or message.caption or ''}")
    for number, button in enumerate(buttons_of(message), 1):
        target = button.get("url") or button.get("callback_data")
        print(f"  ({number}) {button['text']}  → {target}")


def press(sb: Sandbox, user: int, last: SentMessage | None, argument: str) -> bool:
    buttons = buttons_of(last) if last else []
    index = int(argument) - 1 if argument.isdigit() else -1
    if last is None or not 0 <= index < len(buttons) or "callback_data" not in buttons[index]:
        print("no such button")
        return False
    sb.inject_callback(user, last.chat_id, last.message_id, buttons[index]["callback_data"])
    return True


async def run_prompt(language: str) -> int:
    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory(prefix="newsbot-sandbox-") as tmp:
        async with LocalBot(Path(tmp) / "sandbox.db") as local:
            sb = local.sandbox
            print(f"newsbot sandbox on {sb.url} — {HELP}")
            user = USER_ID
            seen: dict[int, int] = {}
            last: SentMessage | None = None
            while True:
                who = "admin" if user == ADMIN_ID else "you"
                line = await loop.run_in_executor(None, _read, f"{who}> ")
                if line is None or line.strip() == "/quit":
                    return 0
                line = line.strip()
                answers = len(sb.callback_answers)
                if not line:
                    continue
                if line.startswith("/as "):
                    user = ADMIN_ID if line.split()[-1] == "admin" else USER_ID
                    continue
                if line.startswith("/press "):
                    if not press(sb, user, last, line.split()[-1]):
                        continue
                else:
                    sb.inject_message(user, line, language_code=language)
                await asyncio.sleep(0.3)
                await local.settle(within_s=10)
                for answer in sb.callback_answers[answers:]:
                    if answer.get("text"):
                        print(f"[popup] {answer['text']}")
                if line.startswith("/press ") and last is not None:
                    show(last)  # its buttons may have changed in place
                for chat in (USER_ID, ADMIN_ID):
                    messages = sb.messages(chat)
                    for message in messages[seen.get(chat, 0) :]:
                        show(message)
                        if chat == user:
                            last = message
                    seen[chat] = len(messages)


def _read(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    finally:
        sys.stdout.flush()

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
from bot.sandbox import SentMessage

USER_ID = 1001
HELP = "commands: /as admin | /as user | /press N | /quit — anything else goes to the bot"


def show(message: SentMessage) -> list[dict[str, Any]]:
    print(f"\n[bot → {message.chat_id}]\n{message.text or message.caption or ''}")
    buttons = [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]
    for number, button in enumerate(buttons, 1):
        target = button.get("url") or button.get("callback_data")
        print(f"  ({number}) {button['text']}  → {target}")
    return buttons


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
                line = await loop.run_in_executor(
                    None, _read, f"{'admin' if user == ADMIN_ID else 'you'}> "
                )
                if line is None or line.strip() == "/quit":
                    return 0
                line = line.strip()
                if not line:
                    continue
                if line.startswith("/as "):
                    user = ADMIN_ID if line.split()[1] == "admin" else USER_ID
                    continue
                if line.startswith("/press "):
                    buttons = show(last) if last else []
                    index = int(line.split()[1]) - 1 if line.split()[1].isdigit() else -1
                    if (
                        last is None
                        or not 0 <= index < len(buttons)
                        or "callback_data" not in buttons[index]
                    ):
                        print("no such button")
                        continue
                    sb.inject_callback(
                        user, last.chat_id, last.message_id, buttons[index]["callback_data"]
                    )
                else:
                    sb.inject_message(user, line, language_code=language)
                await asyncio.sleep(0.5)
                await local.settle(within_s=10)
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

"""Webhook mode end to end over 127.0.0.1: the sandbox posts each update to the bot's
webhook with the secret-token header (as Telegram does), the bot checks it, journals
the update and answers; the same update posted twice is answered once. Several bot
processes behind a balancer: tests/test_scale_processes.py (PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bot.harness import WEBHOOK_SECRET, LocalBot
from bot.sandbox import Sandbox
from bot.sandbox.params import Params
from bot.web import SECRET_HEADER
from tests.backends import database_env
from tests.e2e import say
from tests.main_command import run_main, start_main

TOKEN = "123456:SANDBOX-local-token"


def start_update(update_id: int, user_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "uk"}
    chat = {"id": user_id, "type": "private", "first_name": "U"}
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "from": user}
    return {"update_id": update_id, "message": {**message, "text": "/start"}}


async def test_updates_arrive_by_webhook_with_the_secret_and_get_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # DEBUG: the subprocess test, through the redaction
    async with LocalBot(tmp_path / "bot.db", webhook=True) as local:
        sb = local.sandbox
        assert local.endpoint is not None
        info = await sb.webhook.get_webhook_info(_no_params())
        assert info["url"] == local.endpoint.url
        reply = await say(sb, 301, "/start")
        assert reply.text
        assert sb.stats()["webhook_delivered"] >= 1
        async with httpx.AsyncClient(timeout=10) as client:
            # While a webhook is set, getUpdates is refused, as on Telegram.
            polled = await client.post(f"{sb.base_url}{sb.token}/getUpdates")
            assert polled.status_code == 409
            # Posts without the secret, or with a wrong one, are refused unread.
            url = local.endpoint.url
            for headers in ({}, {SECRET_HEADER: "wrong"}):
                answer = await client.post(url, json=start_update(9001, 302), headers=headers)
                assert answer.status_code == 401
            bad = await client.post(url, content=b"{", headers={SECRET_HEADER: WEBHOOK_SECRET})
            assert bad.status_code == 400
            # Telegram posting one update twice (no 200 in time): answered once.
            sb.register_chat(303)
            update = start_update(9002, 303)
            for _ in range(2):
                ok = await client.post(url, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
                assert ok.status_code == 200
        await local.settle()
        assert len(sb.messages(303)) == 1
        assert sb.messages(302) == []
    assert WEBHOOK_SECRET not in caplog.text


def _no_params() -> Params:
    return Params({}, {})


def _env(tmp_path: Path, sandbox: Sandbox, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": sandbox.token,
        "BOT_API_BASE_URL": sandbox.base_url,
        **database_env(tmp_path / "bot.db"),  # and DATABASE_URL when on PostgreSQL
        "ADMIN_IDS": "1",
        "LOG_LEVEL": "INFO",
        "PTB_TIMEDELTA": "true",
        **extra,
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_main_run_webhook_serves_until_sigterm(tmp_path: Path) -> None:
    """The command of the deployment, as a process: `main.py run --webhook URL --listen`."""
    async with Sandbox(TOKEN) as sb:
        port = free_port()
        url = f"http://127.0.0.1:{port}/hook/path"
        # DEBUG: python-telegram-bot logs setWebhook's parameters, the secret among them.
        env = _env(tmp_path, sb, WEBHOOK_SECRET=WEBHOOK_SECRET, LOG_LEVEL="DEBUG")
        log_path = tmp_path / "bot.log"  # a file, not a pipe: DEBUG output fills a pipe
        log_file = log_path.open("w")
        process = await start_main(
            *("run", "--webhook", url, "--listen", f"127.0.0.1:{port}"),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            await sb.wait_until(lambda: sb.webhook.url == url, timeout=60)
            async with httpx.AsyncClient(timeout=10) as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
                assert health.json() == {"ok": True}
                metrics = await client.get(f"http://127.0.0.1:{port}/metrics")
                assert "newsbot_updates_handled_total" in metrics.text
            reply = await say(sb, 501, "/start")
            assert reply.text
        finally:
            process.send_signal(signal.SIGTERM)
            # Waited for off the loop: the sandbox must go on answering the stopping bot.
            await asyncio.wait_for(process.wait(), 60)
            log_file.close()
        output = log_path.read_text(encoding="utf-8")
        assert process.returncode == 0, output
        assert "secret_token" in output  # the DEBUG line that carries it, masked
        assert WEBHOOK_SECRET not in output and sb.token.split(":")[1] not in output


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_PATH": str(tmp_path / "bot.db"),
    }
    command = ("run", "--webhook", "https://bot.example.org/tg")
    done = run_main(*command, "--listen", "0.0.0.0:8443", env=env, timeout=60)
    assert done.returncode == 2 and "WEBHOOK_SECRET" in done.stderr
    alone = run_main(*command, env={**env, "WEBHOOK_SECRET": "abc"}, timeout=60)
    assert alone.returncode == 2 and "--listen" in alone.stderr
    assert not os.path.exists(tmp_path / "bot.db")  # refused before touching anything


async def test_main_worker_delivers_the_outbox_and_stops_on_sigterm(tmp_path: Path) -> None:
    """`main.py worker`: delivery only, with /healthz and /metrics; on SQLite one process
    per file, so a second copy is refused."""
    from bot import news
    from storage import articles, chats, outbox
    from storage.articles import NewArticle
    from storage.backends import open_database
    from tests.e2e import STORY

    readers = list(range(600, 640))
    db = await open_database(tmp_path / "bot.db")
    await chats.register_many(db, readers, topic="us-russia-security")
    article = NewArticle(
        title="Story",
        text=STORY,
        language="uk",
        topics=("us-russia-security",),
        analysis=news.analyze(STORY),
    )
    article_id, queued = await articles.publish(db, article)
    assert queued == len(readers)
    await db.close()
    async with Sandbox(TOKEN) as sb:
        sb.register_chats(readers)
        port = free_port()
        env = _env(tmp_path, sb, HTTP_LISTEN=f"127.0.0.1:{port}", SEND_RATE="30")
        log_path = tmp_path / "worker.log"
        with log_path.open("w") as log_file:
            process = await start_main("worker", env=env, stdout=log_file, stderr=subprocess.STDOUT)
            try:
                await sb.wait_until(lambda: all(sb.messages(r) for r in readers), timeout=60)
                async with httpx.AsyncClient(timeout=10) as client:
                    health = await client.get(f"http://127.0.0.1:{port}/healthz")
                    assert health.json() == {"ok": True}
                    text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                    assert "newsbot_messages_sent_total 40.0" in text
                if "DATABASE_URL" not in env:  # SQLite: one process per file
                    second = await asyncio.to_thread(
                        run_main, "worker", env={**env, "HTTP_LISTEN": ""}, timeout=60
                    )
                    assert second.returncode == 3, second.stderr
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 60)
        assert process.returncode == 0, log_path.read_text(encoding="utf-8")
        assert all(len(sb.messages(r)) == 1 for r in readers)
        assert sb.stats()["rate_limited"] == 0
    db = await open_database(tmp_path / "bot.db")
    try:
        assert await outbox.status_counts(db, article_id) == {"sent": len(readers)}
    finally:
        await db.close()

"""Start-up against a broken host: a rejected token, broken databases, a second copy
through another path. Each ends at once with one line and its own exit code, never a
traceback, never the token (issue 12, failures 2, 3 and 4)."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot import logs
from bot.sandbox import Sandbox
from storage.lock import InstanceLock
from tests.main_command import ROOT, run_main, start_main

TOKEN = "654321:Wrong-Secret-Token-Value_0123456789"
SECRET = TOKEN.split(":", 1)[1]
HANG_GUARD_S = 60  # not a speed target: only so a hang fails instead of blocking CI


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_PATH": str(tmp_path / "bot.db"),
        "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",  # nothing listens: never reached
        "LOG_LEVEL": "INFO",
        **extra,
    }


def run_bot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_main("run", env=env, timeout=HANG_GUARD_S)


def _one_clean_line(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    assert SECRET not in output
    assert "Traceback" not in output
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


async def test_rejected_token_is_one_line_and_never_printed(tmp_path: Path) -> None:
    async with Sandbox("123456:the-sandbox-token-only") as sb:  # any other token: 401
        env = _env(tmp_path, BOT_API_BASE_URL=sb.base_url)
        process = await start_main("run", env=env)
        out, err = await asyncio.wait_for(process.communicate(), HANG_GUARD_S)
    done = subprocess.CompletedProcess([], process.returncode or 0, out.decode(), err.decode())
    assert done.returncode == 4
    assert "rejected TELEGRAM_BOT_TOKEN" in _one_clean_line(done)


def test_formatter_masks_the_token_in_exception_text_and_stack() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.RedactingFormatter(TOKEN, logs.FORMAT))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server")
        except RuntimeError:
            logger.exception("failed for %s", f"https://api.example/bot{TOKEN}/getMe")
        logger.error("url-quoted %s", TOKEN.replace(":", "%3A"), stack_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "was rejected by the server" in text and "Traceback" in text
    assert SECRET not in text and "[token]" in text


def test_uncaught_exception_hook_masks_the_token() -> None:
    code = (
        "from bot import logs\n"
        f"logs.setup('INFO', {TOKEN!r})\n"
        f"raise SystemError('boom ' + {TOKEN!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "SystemError: boom [token]" in done.stderr
    assert SECRET not in done.stderr


def _truncated(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.close()
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)


def _corrupt(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _damaged_pages(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("CREATE INDEX t_x ON t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [(str(n) * 50,) for n in range(300)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, min(len(data), 6 * page), 7):  # past the header
        data[offset] = 0xFF
    path.write_bytes(bytes(data))


@contextmanager
def _read_only(target: Path) -> Iterator[None]:
    # root ignores permission bits; the immutable attribute holds even for root.
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(target)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(target)], check=True)
    else:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            yield
        finally:
            target.chmod(mode)


@pytest.mark.parametrize(
    ("damage", "code", "words"),
    [(_corrupt, 5, "damaged"), (_truncated, 5, "damaged"), (_damaged_pages, 5, "damaged")],
)
def test_damaged_database_stops_start_up(
    tmp_path: Path, damage: Callable[[Path], None], code: int, words: str
) -> None:
    damage(tmp_path / "bot.db")
    done = run_bot(_env(tmp_path))
    assert done.returncode == code
    assert words in _one_clean_line(done)


def test_locked_database_stops_start_up(tmp_path: Path) -> None:
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
    try:
        done = run_bot(_env(tmp_path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 6
    assert "locked" in _one_clean_line(done)


def test_read_only_database_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with _read_only(path):
        done = run_bot(_env(tmp_path))
    assert done.returncode == 7
    assert "writable" in _one_clean_line(done) or "cannot be opened" in done.stderr


def test_read_only_folder_stops_start_up(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with _read_only(folder):
        done = run_bot(_env(tmp_path, DATABASE_PATH=str(folder / "bot.db")))
    assert done.returncode == 7
    _one_clean_line(done)


def test_missing_folder_stops_start_up(tmp_path: Path) -> None:
    done = run_bot(_env(tmp_path, DATABASE_PATH=str(tmp_path / "nowhere" / "bot.db")))
    assert done.returncode == 8
    assert "does not exist" in _one_clean_line(done)


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_second_copy_through_another_path_is_refused(tmp_path: Path, link: str) -> None:
    database = tmp_path / "bot.db"
    sqlite3.connect(database).close()
    other = tmp_path / "elsewhere" / "same.db"
    other.parent.mkdir()
    if link == "symlink":
        other.symlink_to(database)
    else:
        os.link(database, other)
    with InstanceLock(database):  # the first copy is running
        done = run_bot(_env(tmp_path, DATABASE_PATH=str(other)))
    assert done.returncode == 3
    assert "already running" in _one_clean_line(done)

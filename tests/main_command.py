"""main.py as its own process, the way the CLI, start-up and process tests run it:
with this interpreter, from the repository (or a given folder), its output as text."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

from tests.backends import database_env

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"

Output = int | IO[str] | None  # a subprocess stream: PIPE, DEVNULL, STDOUT or a file


def run_main(
    *args: str,
    env: dict[str, str] | None,
    timeout: float,
    cwd: Path = ROOT,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """main.py with these arguments, to its end (env None: this process's)."""
    return subprocess.run(
        [sys.executable, str(MAIN), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_admin(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """An admin command (`main.py ingest|import|feed …`) on this database as an operator
    runs it: no bot token, fetching from the 127.0.0.1 test sites allowed."""
    env = {**os.environ, **database_env(db), "NO_PROXY": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    env["ALLOW_PRIVATE_URLS"] = "true"
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return run_main(*args, env=env, timeout=120)


async def start_main(
    *args: str,
    env: dict[str, str],
    stdout: Output = asyncio.subprocess.PIPE,
    stderr: Output = asyncio.subprocess.PIPE,
) -> asyncio.subprocess.Process:
    """main.py with these arguments, started and left running (the caller ends it)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, str(MAIN), *args, cwd=ROOT, env=env, stdout=stdout, stderr=stderr
    )

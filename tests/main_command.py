"""main.py as its own process, the way the CLI, start-up and process tests run it:
with this interpreter, from the repository (or a given folder), its output as text."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import IO

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

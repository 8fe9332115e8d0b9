import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

from bot.harness import LocalBot
from bot.ingest.guard import http_client
from bot.sandbox import Sandbox
from storage.backends import open_database
from storage.db import Database

pytest_plugins = ["tests.backends"]  # both storage backends: see tests/backends.py

# Shared 2-core machines: no per-example deadline (speed is for benchmarks), and a
# repeatable example sequence under CI so a red build can be reproduced.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "default")


@pytest.fixture
async def local(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LocalBot]:
    """The real bot against its own sandbox, on a fresh database. A test module may set
    LOCAL_SETTINGS (Settings overrides, e.g. allow_private_urls) and LOCAL_LIMITS = False
    (no flood limits: for readers who send commands back to back)."""
    settings = getattr(request.module, "LOCAL_SETTINGS", {})
    async with LocalBot(tmp_path / "bot.db", **settings) as running:
        if not getattr(request.module, "LOCAL_LIMITS", True):
            running.sandbox.set_limits(False)
        yield running


@pytest.fixture
async def sandbox(request: pytest.FixtureRequest) -> AsyncIterator[Sandbox]:
    """A fresh sandbox, with Telegram's flood limits unless the module sets
    SANDBOX_LIMITS = False; the chats in its SANDBOX_CHATS are registered."""
    async with Sandbox(limits=getattr(request.module, "SANDBOX_LIMITS", True)) as sb:
        for chat_id in getattr(request.module, "SANDBOX_CHATS", ()):
            sb.register_chat(chat_id)
        yield sb


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database (a module that needs rows in it defines its own)."""
    database = await open_database(tmp_path / "test.db")
    yield database
    await database.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The guarded fetch client, allowed to reach the 127.0.0.1 test sites."""
    async with http_client(allow_private=True) as http:
        yield http


# The delivery worker against a sandbox (tests/delivery_rig.py).
from tests.delivery_rig import rig  # noqa: E402, F401

# Every HTML body the tests send or render is also parsed by Telegram's own parser.
from tests.tdparse_hook import summary_line, telegram_parses_every_message  # noqa: E402, F401


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(summary_line())

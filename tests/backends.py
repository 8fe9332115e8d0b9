"""Tests on both storage backends (a pytest plugin, loaded by conftest).

- NEWSBOT_TEST_DATABASE_URL=postgresql://…/postgres: a server where the tests may
  create databases (`python -m tests.pg_cluster start DIR` prints one). Without it
  the PostgreSQL tests skip with a reason; under CI=true they fail instead.
- NEWSBOT_TEST_BACKEND=postgres: the WHOLE suite runs on PostgreSQL — every database a
  test opens by file path (directly, through the `db` fixture or a LocalBot) becomes
  a fresh PostgreSQL database of its own, copied from a migrated template. Tests of
  SQLite's own machinery (PRAGMAs, the file lock, damaged files) are marked
  `sqlite_only` and skip there.
- `any_db`: a fresh database on each backend in turn (the contract tests).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from storage.db import Database
from storage.postgres import PostgresDatabase
from storage.sqlite import SqliteDatabase

SERVER = os.environ.get("NEWSBOT_TEST_DATABASE_URL", "").strip()
ON_POSTGRES = os.environ.get("NEWSBOT_TEST_BACKEND", "").strip().lower() == "postgres"
CI = os.environ.get("CI", "").lower() == "true"
TEMPLATE = f"newsbot_template_{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): tests SQLite's own machinery; skipped on PostgreSQL"
    )
    if ON_POSTGRES and not SERVER:
        raise pytest.UsageError("NEWSBOT_TEST_BACKEND=postgres needs NEWSBOT_TEST_DATABASE_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.args[0] if marker.args else "tests SQLite itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))


def _url(name: str) -> str:
    base, _, _ = SERVER.rpartition("/")
    return f"{base}/{name}"


class Server:
    """Fresh databases on the test server, each a copy of one migrated template."""

    def __init__(self) -> None:
        self.made: list[str] = []

    async def _admin(self) -> Any:
        return await asyncpg.connect(SERVER)

    async def prepare(self) -> None:
        admin = await self._admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
        finally:
            await admin.close()
        db = await PostgresDatabase.connect(_url(TEMPLATE), pool_size=1)
        await db.close()

    async def fresh(self) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        admin = await self._admin()
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        finally:
            await admin.close()
        self.made.append(name)
        return _url(name)

    async def drop_all(self) -> None:
        if not self.made:
            return
        admin = await self._admin()
        try:
            for name in self.made:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        self.made.clear()

    async def finish(self) -> None:
        await self.drop_all()
        admin = await self._admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        finally:
            await admin.close()


def no_server() -> None:
    """Skip (or, under CI, fail) a test that needs PostgreSQL when there is none."""
    why = "PostgreSQL tests need NEWSBOT_TEST_DATABASE_URL (python -m tests.pg_cluster start DIR)"
    if CI:
        pytest.fail(f"CI=true: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server | None]:
    if not SERVER:
        yield None
        return
    server = Server()
    asyncio.run(server.prepare())
    yield server
    asyncio.run(server.finish())


@pytest.fixture
def pg_url(pg_server: Server | None) -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database, dropped after the test."""
    if pg_server is None:
        no_server()
    assert pg_server is not None
    url = asyncio.run(pg_server.fresh())
    yield url
    asyncio.run(pg_server.drop_all())


_current: dict[str, Any] = {"server": None, "paths": {}}  # this test's, under the switch


def _url_for(path: Path | str) -> str:
    """The PostgreSQL database a file path of this test stands for (made on first use)."""
    paths: dict[str, str] = _current["paths"]
    key = str(path)  # the same file (tests name it one way): the same database
    if key not in paths:
        server: Server = _current["server"]
        with ThreadPoolExecutor(1) as pool:  # callable with or without a running loop
            paths[key] = pool.submit(asyncio.run, server.fresh()).result()
    return paths[key]


def database_env(path: Path) -> dict[str, str]:
    """Environment naming a database file for a subprocess (main.py); under the switch
    it also carries DATABASE_URL of the PostgreSQL database that path stands for."""
    env = {"DATABASE_PATH": str(path)}
    if _current["server"] is not None:
        env["DATABASE_URL"] = _url_for(path)
    return env


@pytest.fixture(autouse=True)
def _postgres_everywhere(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """NEWSBOT_TEST_BACKEND=postgres: a database opened by file path is PostgreSQL."""
    if not ON_POSTGRES or request.node.get_closest_marker("sqlite_only"):
        yield
        return
    server: Server = request.getfixturevalue("pg_server")
    _current["server"], _current["paths"] = server, {}

    async def connect(cls: type, path: Path | str, *, migrate: bool = True) -> Database:
        url = await asyncio.to_thread(_url_for, path)
        return await PostgresDatabase.connect(url, migrate=migrate)

    monkeypatch.setattr(SqliteDatabase, "connect", classmethod(connect))
    # A main.py started with DATABASE_PATH in its environment (monkeypatch.setenv, then
    # in-process) opens it through connect above; subprocesses get database_env().
    yield
    _current["server"], _current["paths"] = None, {}
    asyncio.run(server.drop_all())


# Bound now: under NEWSBOT_TEST_BACKEND=postgres the class attribute is replaced.
_sqlite_connect = SqliteDatabase.connect


@pytest.fixture(params=["sqlite", "postgres"])
def backend_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where `any_db` opens: a new SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return tmp_path / "contract.db"


@pytest.fixture
async def any_db(backend_target: Path | str) -> AsyncIterator[Database]:
    """A fresh, migrated database on each backend in turn (the contract tests)."""
    db: Database
    if isinstance(backend_target, str):
        db = await PostgresDatabase.connect(backend_target)
    else:
        db = await _sqlite_connect(backend_target)
    yield db
    await db.close()

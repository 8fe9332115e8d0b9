"""Opening the database, migrations and transactions."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite


def one_line(texts: list[str], limit: int = 160) -> str:
    """SQLite's multi-line diagnostics as one printable line."""
    return " ".join(" ".join(texts).split())[:limit]


class DamagedDatabase(Exception):
    """PRAGMA quick_check found damage; the message is one line, safe to print."""


MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migration numbers must run 0001, 0002, … without gaps")
    return found


SCHEMA_VERSION = len(migrations())


class Database:
    """One aiosqlite connection in autocommit mode; writes go through `transaction()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path | str) -> None:
        self.conn = conn
        self.path = path
        # One connection, many coroutines: BEGIN must wait for the other's COMMIT.
        self._write = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA busy_timeout = 5000")
            async with conn.execute("PRAGMA quick_check") as cursor:
                verdict = [str(row[0]) for row in await cursor.fetchall()]
            if verdict != ["ok"]:
                raise DamagedDatabase(f"{path} is damaged: {one_line(verdict)}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            db = cls(conn, path)
            if migrate:
                await db.migrate()
        except BaseException:
            # aiosqlite's thread keeps the process alive until the connection closes.
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def ping(self) -> None:
        """Raises when the database does not answer (health checks)."""
        async with self.conn.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, *, target: int | None = None) -> int:
        """Apply pending migrations, each in its own transaction. Returns the new version."""
        current = await self.version()
        for version, name, sql in migrations():
            if version <= current or (target is not None and version > target):
                continue
            # executescript commits first; wrap the file so a failure leaves no half schema.
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except Exception as error:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise RuntimeError(f"migration {name} failed: {error}") from error
            current = version
        return current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction. Not re-entrant: never open one inside another."""
        async with self._write:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

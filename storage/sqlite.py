"""The SQLite backend: one aiosqlite connection in autocommit mode on DATABASE_PATH.

PRAGMAs (WAL, foreign keys, quick_check at open, user_version for migrations) live
here only; the instance lock and the preflight (storage/lock.py, storage/preflight.py)
are SQLite's too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.db import (
    SCHEMA_VERSION,
    SQLITE,
    Connection,
    DamagedDatabase,
    Database,
    Params,
    Row,
    migrations,
    one_line,
)


class SqliteConnection(Connection):
    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.conn.executemany(sql, rows):
            pass

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to aiosqlite's thread (execute, fetch, close would be three).
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.conn.execute(sql, params) as cursor:
            row: Row | None = await cursor.fetchone()
            return row

    async def insert(self, sql: str, params: Params = ()) -> int | None:
        async with self.conn.execute(sql, params) as cursor:
            return cursor.lastrowid if cursor.rowcount > 0 else None


class SqliteDatabase(SqliteConnection, Database):
    """Writes are serialised by one lock: BEGIN must wait for the other's COMMIT."""

    def __init__(self, conn: aiosqlite.Connection, path: Path | str) -> None:
        super().__init__(conn)
        self.path = path
        self.name = str(path)
        self._write = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path | str, *, migrate: bool = True) -> SqliteDatabase:
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

    def schema_version(self) -> int:
        return SCHEMA_VERSION

    async def version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, *, target: int | None = None) -> int:
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
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._write:
            # aiosqlite runs a statement in its thread even when the awaiting task is
            # cancelled: a BEGIN cancelled under way would leave the connection inside a
            # transaction for good (every later BEGIN fails). So the BEGIN is shielded,
            # and rolled back once it has run.
            begin = asyncio.ensure_future(self.conn.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await begin
                    await self.conn.execute("ROLLBACK")
                raise
            try:
                yield SqliteConnection(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            try:
                await self.conn.execute("COMMIT")
            except Exception:
                if self.conn.in_transaction:  # a COMMIT that failed keeps it open
                    await self.conn.execute("ROLLBACK")
                raise

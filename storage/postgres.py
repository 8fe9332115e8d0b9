"""The PostgreSQL backend: asyncpg with a connection pool, for DATABASE_URL=postgresql://….

Storage modules write `?` placeholders; `numbered` turns them into $1, $2, … (outside
string literals, quoted names and comments). Migrations are storage/migrations_pg/
NNNN_*.sql, recorded in schema_migrations and applied under an advisory lock, so
several processes starting at once migrate once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg

from storage.db import (
    POSTGRES,
    Connection,
    Database,
    DatabaseUnavailable,
    Params,
    Row,
    mask_url,
    migrations,
)

MIGRATIONS = "migrations_pg"
MIGRATION_LOCK = 0x6E657773  # pg_advisory_xact_lock key: "news"
CONNECT_TIMEOUT_S = 10.0
POOL_SIZE = 10


@lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, …"""
    out: list[str] = []
    n = 0
    i, size = 0, len(sql)
    while i < size:
        ch = sql[i]
        if ch in "'\"":  # a literal or a quoted name: copied up to its closing quote
            end = sql.find(ch, i + 1)
            end = size - 1 if end < 0 else end
            out.append(sql[i : end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = size if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as 'UPDATE 3' or 'INSERT 0 1'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresConnection(Connection):
    dialect = POSTGRES

    def __init__(self, conn: Any) -> None:
        self.conn = conn  # asyncpg.Connection, or the pool (each call borrows one)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self.conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = [tuple(row) for row in rows]
        if batch:
            await self.conn.executemany(numbered(sql), batch)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.conn.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self.conn.fetchrow(numbered(sql), *params)
        return row

    async def insert(self, sql: str, params: Params = ()) -> int | None:
        value = await self.conn.fetchval(numbered(sql) + " RETURNING id", *params)
        return int(value) if value is not None else None


class PostgresDatabase(PostgresConnection, Database):
    shared = True  # a server: several bot and worker processes at once

    def __init__(self, pool: Any, url: str) -> None:
        super().__init__(pool)
        self.pool = pool
        self.url = url
        self.name = mask_url(url)

    @classmethod
    async def connect(
        cls, url: str, *, migrate: bool = True, pool_size: int = POOL_SIZE
    ) -> PostgresDatabase:
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=pool_size, timeout=CONNECT_TIMEOUT_S
            )
        except (TimeoutError, OSError, asyncpg.PostgresError, ValueError) as error:
            raise DatabaseUnavailable(_why(url, error)) from None
        db = cls(pool, url)
        try:
            if migrate:
                await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        await self.pool.close()

    def schema_version(self) -> int:
        return len(migrations(MIGRATIONS))

    async def version(self) -> int:
        exists = await self.pool.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not exists:
            return 0
        return int(
            await self.pool.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        )

    async def migrate(self, *, target: int | None = None) -> int:
        current = 0
        async with self.pool.acquire() as conn:
            for version, name, sql in migrations(MIGRATIONS):
                if target is not None and version > target:
                    break
                try:
                    async with conn.transaction():
                        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                        await conn.execute(
                            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER"
                            " PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL"
                            " DEFAULT now())"
                        )
                        done = await conn.fetchval(
                            "SELECT 1 FROM schema_migrations WHERE version = $1", version
                        )
                        if not done:
                            await conn.execute(sql)  # no arguments: the whole file at once
                            await conn.execute(
                                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                version,
                                name,
                            )
                except asyncpg.PostgresError as error:
                    raise RuntimeError(f"migration {name} failed: {error}") from error
                current = version
        return current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield PostgresConnection(conn)


def _why(url: str, error: BaseException) -> str:
    """One line saying why the server cannot be used; never the password."""
    where = mask_url(url)
    if isinstance(
        error, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return f"{where}: the server refused the credentials"
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return f"{where}: no such database"
    if isinstance(error, asyncio.TimeoutError):
        return f"{where}: no answer within {CONNECT_TIMEOUT_S:g} s"
    if isinstance(error, OSError):
        return f"{where}: cannot connect ({error.strerror or error})"
    return f"{where}: {mask_url(' '.join(str(error).split()))[:160]}"

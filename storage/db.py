"""The storage interface: one `Database` the storage modules talk to, two backends.

SQL in storage modules is written once, with `?` placeholders, in the dialect both
SQLite and PostgreSQL understand (ON CONFLICT … DO NOTHING / DO UPDATE, IS DISTINCT
FROM, CASE, COALESCE); the PostgreSQL backend numbers the placeholders. Where the
dialects really differ (full-text search, JSON, rounding), a module asks
`conn.dialect`. Times are unix seconds computed in Python, never SQL time functions.

- storage.sqlite: aiosqlite on one file (DATABASE_PATH), PRAGMA user_version, the
  embedded default; storage/migrations/NNNN_*.sql.
- storage.postgres: asyncpg with a pool (DATABASE_URL=postgresql://…);
  storage/migrations_pg/NNNN_*.sql, tracked in a schema_migrations table.

storage.backends.open_database(target) picks the backend: a postgresql:// URL, else a
file path.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Protocol

SQLITE, POSTGRES = "sqlite", "postgres"
Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record)."""

    def __getitem__(self, key: Any, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Any: ...


def one_line(texts: list[str], limit: int = 160) -> str:
    """Multi-line diagnostics as one printable line."""
    return " ".join(" ".join(texts).split())[:limit]


class DamagedDatabase(Exception):
    """PRAGMA quick_check found damage; the message is one line, safe to print."""


class DatabaseUnavailable(Exception):
    """The database server cannot be used (unreachable, credentials refused, no such
    database). The message is one line with the password masked, safe to print."""


URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^@\s]*(?=@)", re.I)


def mask_url(text: str) -> str:
    """Any connection URL in `text` with its password replaced by ***."""
    return URL_PASSWORD.sub(r"\g<head>***", text)


def is_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations(folder: str = "migrations") -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file of a backend's folder, in order."""
    found = []
    for entry in resources.files("storage").joinpath(folder).iterdir():
        match = MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migration numbers must run 0001, 0002, … without gaps")
    return found


SCHEMA_VERSION = len(migrations())  # SQLite's; storage.postgres has its own


class Connection(ABC):
    """What a storage module runs SQL on: a transaction, or the database itself (each
    statement then commits on its own)."""

    dialect: ClassVar[str]

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many parameter rows (bulk writes)."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int | None:
        """An INSERT into a table with an `id` key: the new row's id, None when the
        statement inserted nothing (ON CONFLICT DO NOTHING, an empty SELECT)."""


class Database(Connection):
    """A database of either backend. Writes that belong together go through
    `transaction()`; a single statement may run on the database directly."""

    # Shown in logs and errors: the file path, or the URL with its password masked.
    name: str
    # Several processes use this database at once (PostgreSQL): claims another process
    # holds are live. SQLite is one process per file (storage.lock), so claims found at
    # start-up belong to a process that is gone.
    shared: bool = False
    # Chats per topic one batch of a story's fan-out queues (storage.fanout, PostgreSQL):
    # a publish writes that many rows at most, delivery workers the rest.
    fanout_batch: int = 5000

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A write transaction, committed on exit, rolled back on an exception.
        Not re-entrant: never open one inside another."""

    @abstractmethod
    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raises when the database does not answer (health checks)."""
        await self.fetchval("SELECT 1")

    @abstractmethod
    async def version(self) -> int:
        """The schema version (the number of the last migration applied)."""

    @abstractmethod
    async def migrate(self, *, target: int | None = None) -> int:
        """Apply pending migrations, each in its own transaction; the new version."""

    @abstractmethod
    def schema_version(self) -> int:
        """The version this code's migrations lead to."""

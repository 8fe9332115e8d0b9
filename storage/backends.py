"""Opening the database: a postgresql:// URL opens PostgreSQL (storage.postgres),
anything else is a SQLite file path (storage.sqlite)."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database, is_url
from storage.postgres import PostgresDatabase
from storage.sqlite import SqliteDatabase


async def open_database(target: Path | str, *, migrate: bool = True) -> Database:
    if is_url(target):
        return await PostgresDatabase.connect(str(target), migrate=migrate)
    return await SqliteDatabase.connect(target, migrate=migrate)

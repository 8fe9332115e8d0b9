"""Is the database usable? Asked once before the bot starts, so that a broken file ends
start-up at once with one line, instead of a hang or a traceback on the first update.

Synchronous (stdlib sqlite3, short timeouts): it runs before any event loop exists.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from storage.db import one_line

LOCK_WAIT_S = 1.0

# Kinds, each with its own exit code in main.py.
MISSING_DIR = "missing_dir"
READ_ONLY = "read_only"
CORRUPT = "corrupt"
LOCKED = "locked"


class DatabaseUnusable(Exception):
    """The database cannot serve the bot. `kind` is one of the constants above; the
    message is one line, safe to print."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def check_location(path: Path) -> None:
    """The folder exists and the bot may create the database and its -wal/-shm there."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise DatabaseUnusable(MISSING_DIR, f"the folder of {path} does not exist")
    if path.exists() and not path.is_file():
        raise DatabaseUnusable(CORRUPT, f"{path} is not a file")
    if not os.access(folder, os.W_OK | os.X_OK) or (
        path.exists() and not os.access(path, os.R_OK | os.W_OK)
    ):
        raise DatabaseUnusable(READ_ONLY, f"{path} or its folder is not writable")


def _classify(path: Path, error: BaseException) -> DatabaseUnusable:
    text = str(error).lower()
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DatabaseUnusable(READ_ONLY, f"{path} is not writable ({error.strerror})")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseUnusable(READ_ONLY, f"{path} is not writable ({error})")
    if "locked" in text or "busy" in text:
        return DatabaseUnusable(LOCKED, f"{path} is locked by another program")
    return DatabaseUnusable(CORRUPT, f"{path} is damaged or not a database ({error})")


def check_database(path: Path) -> None:
    """Opens, runs PRAGMA quick_check, and takes (then drops) a write lock."""
    check_location(path)
    try:
        conn = sqlite3.connect(str(path), timeout=LOCK_WAIT_S, isolation_level=None)
    except (sqlite3.Error, OSError) as error:
        raise _classify(path, error) from None
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        problems = [str(row[0]) for row in rows if str(row[0]).lower() != "ok"]
        if problems:
            raise DatabaseUnusable(CORRUPT, f"{path} is damaged: {one_line(problems)}")
        # The write lock a migration or a story would need, given up at once.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise _classify(path, error) from None
    finally:
        conn.close()

"""One bot per database: an exclusive OS lock (flock) on the database file itself.

Two copies of the bot on one database would both deliver the outbox (double posts).
The lock belongs to the file, not to the path that named it: a symlink or a hard link
to the same database finds it taken. flock and SQLite's own (fcntl) locks do not
interact on Linux, and the kernel releases flock when the process dies, so a crash
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    """Another process holds the lock for this database."""


class InstanceLock:
    def __init__(self, database_path: Path | str) -> None:
        self.path = Path(database_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        # O_CREAT: SQLite takes an empty file as a new database. OSError (no folder, not
        # writable) is the caller's to report.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(f"another newsbot is already running on {self.path}") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

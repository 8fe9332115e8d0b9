"""A throwaway PostgreSQL cluster for tests, CI and benchmarks.

    python -m tests.pg_cluster start DIR   # prints postgresql://newsbot@127.0.0.1:PORT/postgres
    python -m tests.pg_cluster stop DIR

Finds initdb/pg_ctl (PG_BIN, `pg_config --bindir`, /usr/lib/postgresql/*/bin; as root
with nothing found it runs `apt-get install -y postgresql`). initdb refuses to run as
root, so as root the cluster belongs to a plain user (PG_USER, default `pgtest`,
created with useradd when absent) and every command runs through runuser. The server
listens on 127.0.0.1 on a free port with trust authentication for the `newsbot` role,
and keeps its socket inside DIR: nothing outside DIR is touched but that user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROLE = "newsbot"


def find_bin() -> Path | None:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def ensure_bin() -> Path:
    found = find_bin()
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)
        found = find_bin()
    if found is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
    return found


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    user = os.environ.get("PG_USER", "pgtest")
    if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", user], check=True)
    return ["runuser", "-u", user, "--", *command]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def url_of(folder: Path) -> str:
    port = (folder / "port").read_text().strip()
    return f"postgresql://{ROLE}@127.0.0.1:{port}/postgres"


def start(folder: Path) -> str:
    """Create (first time) and start the cluster in `folder`; its URL."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    bin_dir = ensure_bin()
    data = folder / "data"
    if os.geteuid() == 0:
        user = os.environ.get("PG_USER", "pgtest")
        _as_owner(["true"])  # creates the user
        shutil.chown(folder, user=user)
        os.chmod(folder, 0o755)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    ROLE,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
    port = _free_port()
    (folder / "port").write_text(str(port))
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c max_connections=200 -c shared_buffers=128MB"
    )
    subprocess.run(
        _as_owner(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return url_of(folder)


def stop(folder: Path) -> None:
    folder = folder.resolve()
    bin_dir = find_bin()
    if bin_dir is None or not (folder / "data" / "postmaster.pid").exists():
        return
    subprocess.run(
        _as_owner(
            [str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"]
        ),
        check=False,
        capture_output=True,
    )


@contextmanager
def given_or_throwaway(url: str | None, tmp: Path) -> Iterator[str]:
    """`url` if given, else a throwaway cluster in `tmp` (a benchmark's temp folder),
    stopped when the block ends."""
    if url:
        yield url
        return
    os.chmod(tmp, 0o755)  # as root the cluster's plain user must reach it
    cluster = tmp / "pg"
    try:
        yield start(cluster)
    finally:
        stop(cluster)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "start":
        print(start(folder))
    else:
        stop(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

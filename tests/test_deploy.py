"""deploy/: the compose file's and the systemd unit's commands are the ones the tests run
as processes (tests/test_webhook.py: `run --webhook … --listen …`, `worker`;
tests/test_observe.py: `migrate`; tests/test_scale_processes.py: all of the compose
file's, together), and main.py's parser takes each of them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import main

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def commands(text: str, public_url: str = "https://bot.example.org/tg") -> list[list[str]]:
    """The arguments of every `python main.py …` in a deploy file, in file order
    (tests/test_scale_processes.py starts the compose file's as processes)."""
    found = []
    for line in re.findall(r"python main\.py ([^\"\n]+)", text):
        found.append(shlex.split(line.replace("$${PUBLIC_URL}", public_url)))
    return found


def test_compose_runs_migrate_two_webhook_bots_and_two_workers() -> None:
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    found = commands(text)
    names = [args[0] for args in found]
    assert names.count("migrate") == 1 and names.count("worker") == 2
    bots = [args for args in found if args[0] == "run"]
    assert len(bots) == 2 and all("--webhook" in a and "--listen" in a for a in bots)
    for args in found:
        parsed = main.parser().parse_args(args)
        assert parsed.handler in (main.cmd_run, main.cmd_worker, main.cmd_migrate)
    assert "DELIVERY_IN_PROCESS" in text and "DATABASE_URL" in text and "postgres" in text


def test_systemd_unit_migrates_then_runs() -> None:
    text = (DEPLOY / "newsbot.service").read_text(encoding="utf-8")
    found = commands(text.replace("/opt/newsbot/.venv/bin/python", "python"))
    assert [args[0] for args in found] == ["migrate", "run"]
    assert "ExecStartPre=" in text and "KillSignal=SIGTERM" in text

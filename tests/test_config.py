import subprocess
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.main_command import run_main

TOKEN = "123456789:AAExampleSecretTokenValue_123"


def test_defaults_and_parsing() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "1, 2 3"}, env_file=None)
    assert settings.admin_ids == {1, 2, 3}
    assert settings.default_language == "uk"
    assert settings.timezone == "Europe/Kyiv"
    assert settings.database_path == Path("newsbot.db")
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert TOKEN not in repr(settings)
    assert settings.allow_private_urls is False  # the fetch guard is on unless asked


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("false", False)])
def test_allow_private_urls_flag(raw: str, expected: bool) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOW_PRIVATE_URLS": raw}
    assert load_settings(env, env_file=None).allow_private_urls is expected


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "alice"}, "ADMIN_IDS"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Base"}, "TIMEZONE"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": "ftp://x"}, "BOT_API_BASE_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "SEND_RATE": "5000"}, "SEND_RATE"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOW_PRIVATE_URLS": "maybe"}, "ALLOW_PRIVATE_URLS"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "SEND_RATE": "31"}, "ALLOW_PAID_BROADCAST=true"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "SEND_RATE": "900", "ALLOW_PAID_BROADCAST": "sure"},
            "ALLOW_PAID_BROADCAST",
        ),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        load_settings(env, env_file=None)


def test_paid_broadcast_allows_up_to_1000_per_second() -> None:
    free = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file=None)
    assert free.send_rate == 30 and not free.allow_paid_broadcast
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "SEND_RATE": "1000", "ALLOW_PAID_BROADCAST": "true"}
    paid = load_settings(env, env_file=None)
    assert paid.send_rate == 1000 and paid.allow_paid_broadcast


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nADMIN_IDS=5\n", encoding="utf-8")
    settings = load_settings({"ADMIN_IDS": "6"}, env_file=env_file)
    assert settings.token == TOKEN and settings.admin_ids == {6}


def run_bot(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_main("run", env={"PATH": "/usr/bin:/bin", **env}, timeout=60, cwd=tmp_path)


def test_run_stops_with_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    done = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": TOKEN, "TIMEZONE": "Nowhere/Land"})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "TIMEZONE" in done.stderr
    assert TOKEN not in done.stderr + done.stdout


def test_malformed_token_is_never_echoed(tmp_path: Path) -> None:
    secret = "not-a-token-but-secret-0123456789"
    done = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": secret})
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in done.stderr
    assert secret not in done.stderr + done.stdout


def test_second_run_on_the_same_database_is_refused(tmp_path: Path) -> None:
    from storage.lock import InstanceLock

    database = tmp_path / "bot.db"
    with InstanceLock(database):  # the first copy is running
        done = run_bot(
            tmp_path,
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "DATABASE_PATH": str(database),
                "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
            },
        )
    assert done.returncode == 3
    assert "already running" in done.stderr and TOKEN not in done.stderr + done.stdout

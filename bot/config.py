"""Settings from the environment and `.env`. One place reads them; nothing else does.

A missing or malformed setting raises ConfigError with one line that names the
setting — never its value when the value is the token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

TELEGRAM_API = "https://api.telegram.org/bot"
LANGUAGES = ("uk", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FREE_SEND_RATE = 30.0  # Telegram's broadcast limit; above it only paid broadcasts
PAID_SEND_RATE = 1000.0
TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{10,100}$")


class ConfigError(Exception):
    """A setting is missing or malformed. The message is safe to print."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    admin_ids: frozenset[int]
    database_path: Path
    bot_api_base_url: str
    default_language: str
    timezone: str
    log_level: str
    send_rate: float  # messages per second across all chats
    feed_interval_s: int
    # Fetch URLs on loopback and private networks too (tests, the demo, intranets).
    allow_private_urls: bool = False
    # Telegram's paid broadcasts: up to 1000 messages/s, a fee in Stars per message.
    allow_paid_broadcast: bool = False
    # /push <text> publishes at once instead of showing a preview first.
    push_text_immediate: bool = False
    # host:port of /healthz and /metrics ("" = none; webhook mode serves them on --listen).
    http_listen: str = ""
    # Telegram's secret_token for the webhook: checked on every post, never logged.
    webhook_secret: str = field(default="", repr=False)
    # The bot process drains the outbox itself; false when `main.py worker`s do it.
    delivery_in_process: bool = True
    # Seconds a worker's claim on outbox rows, or a process's on a job, lasts unrenewed:
    # how soon a killed process's work moves to a surviving one.
    lease_s: float = 30.0
    # How often the jobs (feed polls, digests) look for work.
    job_check_s: float = 60.0
    # PostgreSQL: chats per topic a publish queues at once; delivery workers queue the
    # rest of a larger audience in batches of this size (storage.fanout).
    fanout_batch: int = 5000
    # postgresql://…: PostgreSQL instead of the SQLite file (repr masks the password).
    database_url: str | None = field(default=None, repr=False)

    @property
    def base_file_url(self) -> str:
        # Telegram serves files at .../file/bot<token>/<path>; the sandbox mirrors that.
        return self.bot_api_base_url.replace("/bot", "/file/bot", 1)


def _env(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if env_file is not None and env_file.exists():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = Path(".env"),
    require_token: bool = True,
) -> Settings:
    env = _env(environ, env_file)

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
    if token and not TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN is malformed (expected <digits>:<secret>)")

    admin_ids: set[int] = set()
    for part in re.split(r"[,\s]+", env.get("ADMIN_IDS", "").strip()):
        if not part:
            continue
        try:
            admin_ids.add(int(part))
        except ValueError:
            raise ConfigError(f"ADMIN_IDS must be numeric Telegram ids, got {part!r}") from None

    language = env.get("DEFAULT_LANGUAGE", "uk").strip() or "uk"
    if language not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")

    timezone = env.get("TIMEZONE", "Europe/Kyiv").strip() or "Europe/Kyiv"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {timezone!r} is not a known IANA time zone") from None

    log_level = (env.get("LOG_LEVEL", "INFO").strip() or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")

    base_url = env.get("BOT_API_BASE_URL", TELEGRAM_API).strip() or TELEGRAM_API
    if not re.match(r"^https?://[^/]+/.*bot$", base_url):
        raise ConfigError("BOT_API_BASE_URL must be an http(s) URL ending in /bot")

    database_url = env.get("DATABASE_URL", "").strip() or None
    if database_url is not None and not database_url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            "DATABASE_URL must start with postgresql:// (unset: SQLite at DATABASE_PATH)"
        )

    paid = _flag(env, "ALLOW_PAID_BROADCAST")
    send_rate = _number(env, "SEND_RATE", FREE_SEND_RATE, low=1, high=PAID_SEND_RATE)
    if send_rate > FREE_SEND_RATE and not paid:
        raise ConfigError(
            f"SEND_RATE above {FREE_SEND_RATE:g} needs ALLOW_PAID_BROADCAST=true "
            "(Telegram's paid broadcasts, charged per message)"
        )

    return Settings(
        token=token,
        admin_ids=frozenset(admin_ids),
        database_path=Path(env.get("DATABASE_PATH", "newsbot.db").strip() or "newsbot.db"),
        bot_api_base_url=base_url,
        default_language=language,
        timezone=timezone,
        log_level=log_level,
        send_rate=send_rate,
        feed_interval_s=int(_number(env, "FEED_INTERVAL_S", 600, low=30, high=86400)),
        allow_private_urls=_flag(env, "ALLOW_PRIVATE_URLS"),
        allow_paid_broadcast=paid,
        push_text_immediate=_flag(env, "PUSH_TEXT_IMMEDIATE"),
        http_listen=_listen(env, "HTTP_LISTEN"),
        webhook_secret=_secret(env, "WEBHOOK_SECRET"),
        delivery_in_process=_flag(env, "DELIVERY_IN_PROCESS", default=True),
        lease_s=_number(env, "LEASE_S", 30, low=2, high=3600),
        job_check_s=_number(env, "JOB_CHECK_S", 60, low=1, high=3600),
        fanout_batch=int(_number(env, "FANOUT_BATCH", 5000, low=1, high=1_000_000)),
        database_url=database_url,
    )


SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram takes as secret_token
LISTEN_RE = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$")


def _secret(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip()
    if raw and not SECRET_RE.match(raw):
        raise ConfigError(f"{name} must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return raw


def _listen(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip()
    if raw and (not LISTEN_RE.match(raw) or int(raw.rpartition(":")[2]) > 65535):
        raise ConfigError(f"{name} must be host:port, got {raw!r}")
    return raw


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}")
    return value

"""Prometheus metrics of one process (bot or worker), served at /metrics by bot.web.

Counters live in prometheus-client's default registry: one set per process, which is
what Prometheus scrapes. The outbox gauges are read from the database at scrape time
(`refresh_outbox`), so any process of a deployment reports the shared outbox.
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from storage import outbox
from storage.db import Database

SENT = Counter("newsbot_messages_sent", "Story messages Telegram accepted")
FAILED = Counter("newsbot_messages_failed", "Story messages given up on, by reason", ["reason"])
RETRIED = Counter(
    "newsbot_messages_retried",
    "Story messages scheduled again after an error, by reason",
    ["reason"],
)
PHOTOS_REFUSED = Counter(
    "newsbot_photos_refused", "Story photos Telegram refused (the story went as text)"
)
TOO_MANY = Counter("newsbot_telegram_429", "429 (flood control) answers from Telegram")
LATENCY = Histogram(
    "newsbot_delivery_latency_seconds",
    "From a story queued for a chat to Telegram accepting its message",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200),
)
OUTBOX_DEPTH = Gauge(
    "newsbot_outbox_depth",
    "Messages still to send: pending outbox rows plus readers a PostgreSQL fan-out has"
    " yet to queue (counted exactly)",
)
FANOUT_PENDING = Gauge(
    "newsbot_fanout_pending_readers",
    "Of the depth, readers a PostgreSQL fan-out has yet to queue as rows (0 on SQLite)",
)
OUTBOX_OLDEST = Gauge(
    "newsbot_outbox_oldest_due_age_seconds",
    "How long the oldest due message has waited (a fan-out's readers since the publish)",
)
FEED_POLLS = Counter("newsbot_feed_polls", "Feed polls")
FEED_ERRORS = Counter("newsbot_feed_errors", "Feed polls that failed, by error", ["error"])
UPDATES = Counter("newsbot_updates_handled", "Telegram updates handled")


def reason_label(reason: str) -> str:
    """The kind of an error ("timeout: read" → "timeout"), short and of few values."""
    return reason.split(":", 1)[0].strip()[:40] or "unknown"


async def refresh_outbox(db: Database, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    depth = await outbox.depth(db, now=now)
    OUTBOX_DEPTH.set(depth.readers)
    FANOUT_PENDING.set(depth.unqueued)
    oldest = depth.oldest_due
    OUTBOX_OLDEST.set(max(0.0, now - oldest) if oldest is not None else 0.0)


def exposition() -> tuple[bytes, str]:
    """The text format and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST

"""Running and watching a deployment: `main.py migrate`, /healthz and Prometheus /metrics
over 127.0.0.1 while the real bot delivers against the sandbox (issue 16)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.harness import LocalBot
from bot.stories import Draft
from storage import articles, chats, fanout, outbox
from storage.articles import NewArticle
from storage.db import SCHEMA_VERSION, Database
from tests.e2e import STORY, say
from tests.main_command import run_main

TOPIC = "us-russia-security"
OTHER_STORY = (
    "Washington and Moscow agree on a new round of arms control talks\n\n"
    "Negotiators said the next meeting in Vienna would cover missile deployments in Europe."
)


def migrate(path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_PATH": str(path)}
    return run_main("migrate", env=env, timeout=60)


@pytest.mark.sqlite_only("reads the SQLite file's user_version and tables")
def test_migrate_applies_every_migration_once_and_exits(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    first = migrate(path)
    assert first.returncode == 0, first.stderr
    assert f"version {SCHEMA_VERSION} (was 0)" in first.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.execute("INSERT INTO chats (id, created_at, updated_at) VALUES (7, 0, 0)")
    assert {"outbox", "chats", "updates", "articles"} <= tables
    again = migrate(path)  # idempotent: nothing to do, nothing lost
    assert again.returncode == 0, again.stderr
    assert f"version {SCHEMA_VERSION} (was {SCHEMA_VERSION})" in again.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 1


@pytest.mark.sqlite_only("a database file's folder")
def test_migrate_reports_a_missing_folder(tmp_path: Path) -> None:
    done = migrate(tmp_path / "nowhere" / "bot.db")
    assert done.returncode == 8
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def samples(text: str) -> dict[str, float]:
    """{'name{label="v"}': value} of every sample in a Prometheus exposition."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


async def test_healthz_and_metrics_follow_delivery(tmp_path: Path) -> None:
    async with LocalBot(tmp_path / "bot.db", http_listen="127.0.0.1:0") as local:
        http = local.app.bot_data["http"] if local.app else None
        assert http is not None and http.port > 0
        sb = local.sandbox
        async with httpx.AsyncClient(base_url=http.url, timeout=10) as client:
            health = await client.get("/healthz")
            assert health.status_code == 200 and health.json() == {"ok": True}
            before = samples((await client.get("/metrics")).text)
            readers = (201, 202, 203)
            for user in readers:
                await say(sb, user, f"/subscribe {TOPIC}")
            # One 429 on the first send: counted, then delivered.
            sb.set_faults(burst_429=1, retry_after=1)
            published = await local.services.stories.publish(Draft(STORY, topics=(TOPIC,)))
            assert published.queued == len(readers)
            assert await local.delivery.drained(30)  # the 429's row waited its second
            response = await client.get("/metrics")
            assert response.status_code == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            after = samples(response.text)

            def grew(name: str) -> float:
                return after.get(name, 0.0) - before.get(name, 0.0)

            assert grew("newsbot_messages_sent_total") == len(readers)
            assert grew("newsbot_telegram_429_total") == 1
            assert grew("newsbot_delivery_latency_seconds_count") == len(readers)
            assert grew("newsbot_updates_handled_total") == len(readers)  # the /subscribe
            assert after["newsbot_outbox_depth"] == 0
            assert after["newsbot_outbox_oldest_due_age_seconds"] == 0

            # Sends keep failing: retried by reason, and the pending rows show in the depth.
            local.delivery.backoff_base_s = 60.0  # the retry waits: the rows stay pending
            sb.set_faults(error_rate=1.0)
            await local.services.stories.publish(Draft(OTHER_STORY, topics=(TOPIC,)))
            await sb.wait_until(
                lambda: (
                    sb.faults.counts["error_500"] + sb.faults.counts["error_502"] >= len(readers)
                ),
                timeout=30,
            )
            later = samples((await client.get("/metrics")).text)
            retried = sum(v for k, v in later.items() if k.startswith("newsbot_messages_retried"))
            assert retried >= 1
            assert later["newsbot_outbox_depth"] >= 1
        # The database closed under the server: unhealthy, not a crash.
        await local.services.db.close()
        async with httpx.AsyncClient(base_url=http.url, timeout=10) as client:
            sick = await client.get("/healthz")
            assert sick.status_code == 503 and sick.json()["ok"] is False


async def test_depth_counts_readers_a_fanout_has_still_to_queue(any_db: Database) -> None:
    """PostgreSQL queues a big story's readers a batch at a time (storage.fanout): the
    depth counts the whole audience from the publish on, not the rows written so far,
    and the oldest age runs from the publish while readers wait unqueued."""
    db = any_db
    db.fanout_batch = 3
    await chats.register_many(db, list(range(1, 11)), topic="nato")
    published = 1_000_000.0
    story = NewArticle(title="S", text="Body.", language="uk", topics=("nato",))
    await articles.publish(db, story, now=published)

    async def gauges() -> dict[str, float]:
        await metrics.refresh_outbox(db, now=published + 60)
        return samples(metrics.exposition()[0].decode())

    first = await gauges()
    assert first["newsbot_outbox_depth"] == 10  # every reader, queued yet or not
    assert first["newsbot_outbox_oldest_due_age_seconds"] == 60
    sent = 0
    while True:  # what the workers do: send what is queued, queue the next batch
        rows = await outbox.due(db, now=published + 60)
        await outbox.mark_sent(db, [(r.id, 1) for r in rows])
        sent += len(rows)
        now = await gauges()
        assert now["newsbot_outbox_depth"] == 10 - sent
        assert now["newsbot_fanout_pending_readers"] == now["newsbot_outbox_depth"] - len(
            await outbox.due(db, now=published + 60)
        )
        assert now["newsbot_outbox_oldest_due_age_seconds"] == (60 if sent < 10 else 0)
        if await fanout.expand(db, batch=db.fanout_batch) is None and not rows:
            break
    assert sent == 10
    assert now["newsbot_outbox_depth"] == 0 and now["newsbot_fanout_pending_readers"] == 0

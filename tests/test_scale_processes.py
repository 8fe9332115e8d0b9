"""Issue 16's deployment as processes (PostgreSQL): deploy/docker-compose.yml's commands —
`migrate`, two `run --webhook … --listen …` bots (DELIVERY_IN_PROCESS=false) behind the
round-robin balancer (bot/sandbox/balancer.py, nginx's stand-in) and two `worker`s —
run here as plain processes on one fresh database against the sandbox.

Readers subscribe with real updates through the balancer; an admin pushes a story
(preview, then the Publish button): every reader gets it once. Then one worker is sent
SIGKILL mid-delivery of a second story and the bot holding the feed-poll job's lease
too: every reader still gets the second story, twice only where the killed worker had
the row in flight (README "Outbox across processes": at most IN_FLIGHT + a flush's
worth + 1, and only chats whose rows it held at its death); updates sent afterwards
are all answered by the survivor; the survivor takes the feed job over after its lease
and a new entry of a feed on 127.0.0.1 reaches every reader once."""

from __future__ import annotations

import asyncio
import html
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from bot.delivery import FLUSH_S, IN_FLIGHT
from bot.sandbox import Sandbox, SentMessage
from bot.sandbox.balancer import Balancer
from storage import feeds
from storage.backends import open_database
from storage.db import Database
from tests.e2e import stories
from tests.feed_texts import story, title
from tests.fixtures.site.server import Site
from tests.main_command import run_main, start_main
from tests.test_deploy import DEPLOY, commands
from tests.test_webhook import free_port

TOKEN = "123456:SANDBOX-processes"
SECRET = "processes-webhook-secret_0123456789"
ADMIN = 1
TOPIC = "us-russia-security"
READERS = list(range(7001, 7041))  # 1.3 s of sends at 30/s: time to kill a worker mid-way
RATE = 30
BOT_LEASE_S = 2  # updates are claimed 4× this; the feed job's lease is JOB_CHECK_S + this
WORKER_LEASE_S = 3  # a live worker renews every second: a busy machine does not lose it
# What a killed worker can have sent without recording it (README "Outbox across processes").
IN_FLIGHT_MAX = IN_FLIGHT + int(RATE * FLUSH_S) + 1


@dataclass
class Proc:
    name: str
    process: asyncio.subprocess.Process
    log: Path
    port: int

    def output(self) -> str:
        return f"--- {self.name} ---\n" + self.log.read_text(encoding="utf-8")[-3000:]


def holder_pid(holder: str) -> int:
    """bot.cluster.new_holder: role@host:pid:random."""
    return int(holder.rsplit(":", 2)[1])


def compose_commands(public_url: str) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    for args in commands(text, public_url):
        found.setdefault(args[0], []).append(args)
    return found


def listening_on(args: list[str], port: int) -> list[str]:
    """The compose command with its container's 0.0.0.0:8443 as this host's loopback port
    (two containers may both listen on 8443; two processes here may not)."""
    at = args.index("--listen") + 1
    assert args[at] == "0.0.0.0:8443"
    return [*args[:at], f"127.0.0.1:{port}", *args[at + 1 :]]


def feed_xml(entries: list[int]) -> str:
    items = "".join(
        f"<item><title>{title(n)}</title><guid>entry-{n}</guid>"
        f"<pubDate>{formatdate(time.time() - 600 + n, usegmt=True)}</pubDate>"
        f"<description>{html.escape(' '.join(story(n)))}</description></item>"
        for n in sorted(entries, reverse=True)
    )
    channel = f"<channel><title>Wire</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def copies(sb: Sandbox, chat_id: int, seed: int) -> int:
    """Story messages of the story made from seed `seed` that the chat received."""
    return sum(1 for m in stories(sb, chat_id) if title(seed) in m.plain)


def answers(sb: Sandbox, chat_id: int) -> list[SentMessage]:
    """Everything but stories: the bot's answers to the chat's own updates."""
    sent = stories(sb, chat_id)
    return [m for m in sb.messages(chat_id) if m not in sent]


class Deployment:
    """The compose file's processes on one database, with the sandbox and the balancer."""

    def __init__(self, sb: Sandbox, url: str, tmp: Path) -> None:
        self.sb, self.url, self.tmp = sb, url, tmp
        self.bot_ports = [free_port(), free_port()]
        self.balancer = Balancer([f"http://127.0.0.1:{p}" for p in self.bot_ports])
        self.bots: list[Proc] = []
        self.workers: list[Proc] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": self.url,
            "PTB_TIMEDELTA": "true",
            "TELEGRAM_BOT_TOKEN": self.sb.token,
            "BOT_API_BASE_URL": self.sb.base_url,
            "ADMIN_IDS": str(ADMIN),
            "WEBHOOK_SECRET": SECRET,
            "SEND_RATE": str(RATE),
            "LOG_LEVEL": "INFO",
            # A story's readers past the first 7 are queued by the workers, in batches
            # of 7, while they deliver (storage.fanout): a kill can come mid-way.
            "FANOUT_BATCH": "7",
            **extra,
        }

    async def spawn(self, name: str, args: list[str], env: dict[str, str], port: int) -> Proc:
        log = self.tmp / f"{name}.log"
        with log.open("w") as out:
            process = await start_main(*args, env=env, stdout=out, stderr=subprocess.STDOUT)
        return Proc(name, process, log, port)

    def logs(self) -> str:
        return "\n".join(p.output() for p in self.bots + self.workers)

    async def start(self) -> None:
        await self.balancer.start()
        public = f"{self.balancer.url}/tg"
        found = compose_commands(public)
        [migrate] = found["migrate"]
        done = await asyncio.to_thread(run_main, *migrate, env=self.env(), timeout=120)
        assert done.returncode == 0, done.stderr
        bot_env = self.env(
            DELIVERY_IN_PROCESS="false",
            LEASE_S=str(BOT_LEASE_S),
            JOB_CHECK_S="1",
            ALLOW_PRIVATE_URLS="true",  # the feed is on 127.0.0.1
        )
        for n, (args, port) in enumerate(zip(found["run"], self.bot_ports, strict=True)):
            self.bots.append(
                await self.spawn(f"bot{n + 1}", listening_on(args, port), bot_env, port)
            )
        for n, args in enumerate(found["worker"]):
            port = free_port()
            env = self.env(HTTP_LISTEN=f"127.0.0.1:{port}", LEASE_S=str(WORKER_LEASE_S))
            self.workers.append(await self.spawn(f"worker{n + 1}", args, env, port))
        async with httpx.AsyncClient(timeout=5) as client:
            for proc in self.bots + self.workers:
                await self.ready(client, proc)
        await self.sb.wait_until(lambda: self.sb.webhook.url == public, timeout=30)

    async def ready(self, client: httpx.AsyncClient, proc: Proc) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.process.returncode is None, proc.output()
            try:
                health = await client.get(f"http://127.0.0.1:{proc.port}/healthz")
                if health.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"{proc.name} not ready\n{proc.output()}")

    def by_pid(self, pid: int) -> Proc:
        [found] = [p for p in self.bots + self.workers if p.process.pid == pid]
        return found

    async def kill(self, proc: Proc) -> None:
        proc.process.send_signal(signal.SIGKILL)
        await proc.process.wait()

    async def stop(self) -> list[tuple[str, int | None]]:
        alive = [p for p in self.bots + self.workers if p.process.returncode is None]
        for proc in alive:
            proc.process.send_signal(signal.SIGTERM)
        for proc in alive:
            try:
                await asyncio.wait_for(proc.process.wait(), 60)
            except TimeoutError:
                proc.process.kill()
                await proc.process.wait()
        await self.balancer.stop()
        return [(p.name, p.process.returncode) for p in alive]


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site().start()
    yield server
    server.stop()


async def wait_for(
    sb: Sandbox,
    what: Callable[[], bool],
    deployment: Deployment,
    timeout: float = 30,  # noqa: ASYNC109
) -> None:
    try:
        await sb.wait_until(what, timeout=timeout)
    except TimeoutError:
        raise AssertionError(f"not within {timeout} s\n{deployment.logs()}") from None


async def publish(sb: Sandbox, deployment: Deployment, seed: int) -> None:
    """The admin pushes a story and presses Publish on the preview."""
    text = f"{title(seed)}\n\n" + "\n\n".join(story(seed))
    before = len(sb.messages(ADMIN))
    sb.inject_message(ADMIN, f"/push #{TOPIC} {text}", language_code="en")
    await wait_for(sb, lambda: len(sb.messages(ADMIN)) >= before + 2, deployment)
    control = sb.messages(ADMIN)[before + 1]
    markup = control.reply_markup or {"inline_keyboard": []}
    [data] = [
        b["callback_data"]
        for row in markup["inline_keyboard"]
        for b in row
        if "Publish" in b["text"]
    ]
    query = sb.inject_callback(ADMIN, ADMIN, control.message_id, data)
    await wait_for(sb, lambda: sb.callback_answer(query) is not None, deployment)


async def pending_by_holder(db: Database, seed: int) -> dict[str, list[int]]:
    """Chats whose row of story `seed` a worker holds, unsent, by holder."""
    rows = await db.fetchall(
        "SELECT o.claimed_by, o.chat_id FROM outbox o JOIN articles a ON a.id = o.article_id "
        "WHERE a.title = ? AND o.status = 'pending' AND o.claimed_by IS NOT NULL",
        (title(seed),),
    )
    found: dict[str, list[int]] = {}
    for holder, chat_id in rows:
        found.setdefault(str(holder), []).append(int(chat_id))
    return found


async def test_compose_processes_deliver_once_and_survive_a_kill_of_each(
    pg_url: str, tmp_path: Path, site: Site
) -> None:
    async with Sandbox(TOKEN) as sb:
        deployment = Deployment(sb, pg_url, tmp_path)
        db = await open_database(pg_url)
        try:
            await deployment.start()
            await run_scenario(sb, deployment, db, site)
        finally:
            stopped = await deployment.stop()
            await db.close()
        # The survivors stop cleanly on SIGTERM.
        assert all(code == 0 for _, code in stopped), (stopped, deployment.logs())


async def run_scenario(sb: Sandbox, deployment: Deployment, db: Database, site: Site) -> None:
    # Readers subscribe through the balancer; every update is answered once.
    for reader in READERS:
        sb.inject_message(reader, f"/subscribe {TOPIC}", language_code="en")
    await wait_for(sb, lambda: all(answers(sb, r) for r in READERS), deployment)
    assert all(n > 0 for n in deployment.balancer.forwarded.values())  # both bots served
    # A feed whose one entry counts as read (backlog=none): nobody gets it.
    feed_url = site.add("/wire.xml", feed_xml([1]), content_type="application/rss+xml")
    sb.inject_message(ADMIN, f"/feed_add {feed_url} {TOPIC} backlog=none", language_code="en")
    await wait_for(sb, lambda: any("Feed #" in m.plain for m in sb.messages(ADMIN)), deployment)

    # Story one: every reader once.
    await publish(sb, deployment, 101)
    await wait_for(sb, lambda: all(copies(sb, r, 101) for r in READERS), deployment)

    # Story two; a worker is killed while it holds unsent rows of it, and the bot that
    # holds the feed job's lease with it.
    await publish(sb, deployment, 102)
    await wait_for(sb, lambda: sum(copies(sb, r, 102) for r in READERS) >= 5, deployment)
    held = await pending_by_holder(db, 102)
    assert held, "story two was delivered before a worker could be killed mid-way"
    victim_holder = max(held, key=lambda h: len(held[h]))
    worker = deployment.by_pid(holder_pid(victim_holder))
    feed_holder = await db.fetchval("SELECT holder FROM leases WHERE name = 'feeds'")
    assert feed_holder is not None
    bot = deployment.by_pid(holder_pid(str(feed_holder)))
    await asyncio.gather(deployment.kill(worker), deployment.kill(bot))
    # Dead, it changes nothing more: the rows it held unsent now are the only ones that
    # can go out twice (those it had sent but not yet recorded).
    in_flight = set((await pending_by_holder(db, 102)).get(victim_holder, []))
    [survivor] = [p for p in deployment.bots if p is not bot]
    dead_backend = f"http://127.0.0.1:{bot.port}"
    routed_to_dead = deployment.balancer.forwarded[dead_backend]

    # At once: updates, which the balancer routes to the survivor (each answered once),
    # and a new entry in the feed, now due (its interval passed): the surviving bot takes
    # the feed job over once the dead one's lease has run out, and polls it.
    answered = {r: len(answers(sb, r)) for r in READERS}
    for reader in READERS:
        sb.inject_message(reader, "/start", language_code="en")
    site.add("/wire.xml", feed_xml([1, 2]), content_type="application/rss+xml")
    [(feed_id,)] = await db.fetchall("SELECT id FROM feeds")
    await feeds.poll_now(db, int(feed_id), now=time.time())

    def everything_arrived() -> bool:
        return all(
            len(answers(sb, r)) > answered[r] and copies(sb, r, 102) and copies(sb, r, 2)
            for r in READERS
        )

    await wait_for(sb, everything_arrived, deployment, timeout=40)
    # Every row recorded as sent: whatever went out twice has arrived by now.
    deadline = time.monotonic() + 30
    while await db.fetchval("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"):
        assert time.monotonic() < deadline, deployment.logs()
        await asyncio.sleep(0.2)

    counts = {r: copies(sb, r, 102) for r in READERS}
    duplicated = {r for r, n in counts.items() if n > 1}
    assert max(counts.values()) <= 2
    assert duplicated <= in_flight, (duplicated, in_flight)
    assert len(duplicated) <= IN_FLIGHT_MAX
    assert all(copies(sb, r, 101) == 1 for r in READERS)  # story one untouched
    assert all(copies(sb, r, 2) == 1 for r in READERS)  # the feed's new entry: once
    assert all(copies(sb, r, 1) == 0 for r in READERS)  # its old one: read, never sent
    assert all(len(answers(sb, r)) == answered[r] + 1 for r in READERS)  # /start: once
    assert deployment.balancer.forwarded[dead_backend] == routed_to_dead
    now_holder = await db.fetchval("SELECT holder FROM leases WHERE name = 'feeds'")
    assert holder_pid(str(now_holder)) == survivor.process.pid
    statuses = await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    assert dict((str(s), int(n)) for s, n in statuses) == {"sent": 3 * len(READERS)}

"""Delivery benchmark: the real DeliveryWorker against the sandbox running in its own
process, and, in the same run, a plain python-telegram-bot broadcaster (AIORateLimiter)
against the same sandbox.

Prints one JSON line last (ratios first):

  {"bench": "delivery", "vs_baseline_ceiling": …, "vs_baseline_limited": …,
   "baseline_http_429": …, "ceiling_msgs_per_s": …, "cpu_ms_per_msg": …,
   "bot_peak_rss_mb": …, "limited_msgs_per_s": …, "http_429": …, "lost": …, …}

Phases (full size; --quick in brackets):
- ceiling: one story queued for 100,000 readers [10,000] and drained with the sandbox's
  limits lifted and the worker's pacer far above any target (CEILING_RATE), so the
  figure is what the bot can do, not what it is told to: enqueue_s (articles.publish),
  ceiling_msgs_per_s (queueing to drained), cpu_ms_per_msg (this process's CPU over
  that time per message: the bot alone, the sandbox runs elsewhere) and bot_peak_rss_mb
  (this process's peak RSS after it, before the baseline runs);
- limited: Telegram's limits enforced (30/s overall, 1/s per private chat, 20/min per
  group), SEND_RATE 30, two stories for 1,500 chats [150], one in ten a group: 3,000
  messages [300]; limited_msgs_per_s and http_429;
- paid: Telegram's limits enforced, SEND_RATE 1000 with allow_paid_broadcast (the
  sandbox then counts every send in its 1,000/s window, not the free 30/s), 20,000
  readers [5,000]: paid_msgs_per_s (at most 990: the pacer runs 1 % under),
  paid_cpu_ms_per_msg, paid_http_429;
- faults: limits lifted, 5 % 5xx and 1 % hung sends (the hang is shorter than the
  worker's read timeout, as Telegram's slow answers are): lost, duplicates;
- baseline: the same messages (rendered once, the cheapest case for it) sent by
  ExtBot + AIORateLimiter (max_retries 5) with asyncio.gather, limited (30/s) and with
  limits lifted (rate 1000, at most 8 sends in flight: its best of 1, 8 and 64 here).

Targets: ceiling ≥ 1000/s, cpu_ms_per_msg ≤ 0.5, bot_peak_rss_mb ≤ 150 (100k),
limited ≥ 28.5/s with http_429 = 0, paid_http_429 = 0, lost = duplicates = 0. Exits 1
when a correctness counter fails (lost, duplicates, a reader without exactly its
messages); speed never fails it. On a shared machine the
absolute rates move with the load; the ratios, measured in one run, move less.

    .venv/bin/python benchmarks/delivery.py [--quick] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "true")

import aiohttp  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.error import TelegramError  # noqa: E402
from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot import news  # noqa: E402
from bot.delivery import IN_FLIGHT, DeliveryWorker  # noqa: E402
from bot.domain import Analysis, Article, Reason, ReasonKind  # noqa: E402
from bot.markup import markup  # noqa: E402
from bot.render import render_story  # noqa: E402
from bot.search.index import new_article  # noqa: E402
from bot.sender_http import AiohttpRequest  # noqa: E402
from bot.topics import TopicCatalog  # noqa: E402
from bot.worker import SEND_TIMEOUT_S  # noqa: E402
from storage import articles, chats  # noqa: E402
from storage.articles import NewArticle  # noqa: E402
from storage.backends import open_database  # noqa: E402

TOPIC = "us-russia-security"
TOKEN = "123456:SANDBOX-bench"
BASELINE_IN_FLIGHT = 8
CEILING_RATE = 10_000  # the pacer far above the target: the figure is capacity, not pacing

# The demo's own sample story (written for this project).
STORY = (ROOT / "bot" / "data" / "sample_story.txt").read_text(encoding="utf-8")


class RemoteSandbox:
    """`python -m bot.sandbox` in a child process, driven through /control/."""

    def __init__(self, *, limits: bool, global_per_s: int = 30) -> None:
        self.args = ["--token", TOKEN, "--global-per-s", str(global_per_s)]
        if not limits:
            self.args.append("--no-limits")
        self.url = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RemoteSandbox:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.sandbox",
            *self.args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        assert self._proc.stdout is not None
        line = await asyncio.wait_for(self._proc.stdout.readline(), 60)
        self.url = json.loads(line)["url"]
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()  # the sandbox stops when its stdin closes
            await asyncio.wait_for(self._proc.wait(), 30)

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    async def control(self, operation: str, **kwargs: Any) -> Any:
        assert self._http is not None
        async with self._http.post(f"{self.url}/control/{operation}", json=kwargs) as response:
            body = await response.json()
        if not body["ok"]:
            raise RuntimeError(f"sandbox {operation}: {body['error']}")
        return body["result"]

    async def counts(self) -> dict[int, int]:
        return {chat_id: n for chat_id, n in await self.control("message_counts")}


def story(analysis: Analysis, n: int) -> NewArticle:
    return new_article(
        title=f"Story {n}", text=STORY, language="uk", topics=(TOPIC,), analysis=analysis
    )


@contextmanager
def cpu_meter() -> Iterator[dict[str, float]]:
    """This process's CPU seconds (every thread, aiosqlite's included) over the block."""
    out: dict[str, float] = {}
    start = time.process_time()
    try:
        yield out
    finally:
        out["cpu_s"] = time.process_time() - start


async def drain(
    tmp: Path,
    name: str,
    analysis: Analysis,
    chat_ids: list[int],
    sandbox: RemoteSandbox,
    *,
    rate: float,
    within_s: float,
    stories: int = 1,
    paid: bool = False,
) -> dict[str, float]:
    """Queue `stories` stories for the chats and run the worker until the outbox is
    drained: seconds from queueing to drained, enqueue seconds, CPU seconds."""
    await sandbox.control("register_chats", chat_ids=chat_ids)
    db = await open_database(tmp / f"{name}.db")
    await chats.register_many(db, [c for c in chat_ids if c > 0], topic=TOPIC)
    await chats.register_many(db, [c for c in chat_ids if c < 0], chat_type="group", topic=TOPIC)
    bot = Bot(
        TOKEN,
        base_url=sandbox.base_url,
        request=AiohttpRequest(
            connection_pool_size=IN_FLIGHT + 4,
            read_timeout=SEND_TIMEOUT_S,
            write_timeout=SEND_TIMEOUT_S,
        ),
    )
    await bot.initialize()
    topics = TopicCatalog.load()
    worker = DeliveryWorker(
        db,
        bot,
        rate_per_s=rate,
        default_language="uk",
        timezone="Europe/Kyiv",
        topic_names=topics.names,
        paid_broadcast=paid,
    )
    worker.backoff_base_s = 0.25  # the retry policy's shape, on a benchmark's time scale
    try:
        worker.start()
        with cpu_meter() as cpu:
            started = time.perf_counter()
            for n in range(stories):
                await articles.publish(db, story(analysis, n + 1))
                if n == 0:
                    enqueue_s = time.perf_counter() - started
            worker.wake()
            if not await worker.drained(within_s):
                raise TimeoutError(f"{name}: outbox not drained in {within_s} s")
            seconds = time.perf_counter() - started
        return {"seconds": seconds, "enqueue_s": enqueue_s, "cpu_s": cpu["cpu_s"]}
    finally:
        await worker.stop()
        await bot.shutdown()
        await db.close()


def rendered_text(analysis: Analysis) -> tuple[str, Any]:
    """The message as the bot renders it, for the baseline to send."""
    from datetime import UTC, datetime

    article = Article(
        id=1,
        title="Story 1",
        text=STORY,
        url=None,
        source=None,
        published=None,
        language="uk",
        topics=(TOPIC,),
        created_at=datetime.now(UTC),
        analysis=analysis,
    )
    names = TopicCatalog.load().names("uk")
    out = render_story(
        article,
        analysis,
        "uk",
        Reason(ReasonKind.TOPIC, TOPIC, None),
        tz="Europe/Kyiv",
        topic_names=names,
    )
    return out.text, markup(out.keyboard)


async def baseline(
    sandbox: RemoteSandbox,
    chat_ids: list[int],
    message: tuple[str, Any],
    *,
    rate: int,
    stories: int = 1,
    in_flight: int | None = None,
) -> dict[str, float]:
    """A typical python-telegram-bot broadcaster: AIORateLimiter, gather every send."""
    await sandbox.control("register_chats", chat_ids=chat_ids)
    before = await sandbox.control("stats")
    limiter = AIORateLimiter(overall_max_rate=rate, overall_time_period=1, max_retries=5)
    bot = ExtBot(
        TOKEN,
        base_url=sandbox.base_url,
        rate_limiter=limiter,
        request=HTTPXRequest(connection_pool_size=64, pool_timeout=60, read_timeout=30),
    )
    await bot.initialize()
    text, keyboard = message
    gate = asyncio.Semaphore(in_flight) if in_flight else None
    failed = 0

    async def send(chat_id: int) -> None:
        nonlocal failed
        try:
            if gate is None:
                await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                       reply_markup=keyboard)  # fmt: skip
            else:
                async with gate:
                    await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                           reply_markup=keyboard)  # fmt: skip
        except TelegramError:
            failed += 1

    try:
        with cpu_meter() as cpu:
            started = time.perf_counter()
            await asyncio.gather(*(send(c) for _ in range(stories) for c in chat_ids))
            seconds = time.perf_counter() - started
    finally:
        await bot.shutdown()
    after = await sandbox.control("stats")
    sent = len(chat_ids) * stories - failed
    return {
        "msgs_per_s": sent / seconds,
        "http_429": after["too_many_requests"] - before["too_many_requests"],
        "failed": failed,
        "cpu_ms_per_msg": cpu["cpu_s"] * 1000 / max(1, sent),
    }


def mixed_chats(first: int, n: int) -> list[int]:
    """n chats from `first` on, every tenth a group (negative id)."""
    return [-(first + i) if i % 10 == 9 else first + i for i in range(n)]


async def main(
    quick: bool, profile: Path | None, subscribers: int | None, only: str | None
) -> dict[str, object]:
    subscribers = subscribers or (10_000 if quick else 100_000)
    limited_chats = 150 if quick else 1_500
    paid_chats = 5_000 if quick else 20_000
    fault_chats = 1_000 if quick else 3_000
    baseline_ceiling_chats = 3_000  # a rate: enough sends to measure it
    analysis = news.analyze(STORY)

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp_name:
        tmp = Path(tmp_name)

        async with RemoteSandbox(limits=False) as sb:
            ids = list(range(2_000_000, 2_000_000 + subscribers))
            profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
            if profiler:
                profiler.enable()
            sb_cpu = (await sb.control("stats"))["cpu_s"]
            ceiling = await drain(
                tmp, "ceiling", analysis, ids, sb, rate=CEILING_RATE, within_s=900
            )
            sb_cpu = (await sb.control("stats"))["cpu_s"] - sb_cpu
            if profiler and profile:
                profiler.disable()
                profiler.dump_stats(profile)
            assert set((await sb.counts()).values()) == {1}
        bot_peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        bot_figures = {
            "subscribers": subscribers,
            "enqueue_s": round(ceiling["enqueue_s"], 3),
            "ceiling_msgs_per_s": round(subscribers / ceiling["seconds"], 1),
            "cpu_ms_per_msg": round(ceiling["cpu_s"] * 1000 / subscribers, 3),
            "sandbox_cpu_ms_per_msg": round(sb_cpu * 1000 / subscribers, 3),
            "bot_peak_rss_mb": round(bot_peak_rss_mb, 1),
        }
        if only == "ceiling":
            return {"bench": "delivery", **bot_figures}

        async with RemoteSandbox(limits=True) as sb:
            ids = mixed_chats(3_000_000, limited_chats)
            limited = await drain(
                tmp, "limited", analysis, ids, sb, rate=30, within_s=900, stories=2
            )
            assert set((await sb.counts()).values()) == {2}
            http_429 = (await sb.control("stats"))["too_many_requests"]
        async with RemoteSandbox(limits=True) as sb:
            ids = list(range(7_000_000, 7_000_000 + paid_chats))
            paid = await drain(tmp, "paid", analysis, ids, sb, rate=1000, within_s=600, paid=True)
            assert set((await sb.counts()).values()) == {1}
            paid_429 = (await sb.control("stats"))["too_many_requests"]
        if only == "limited":
            rate = 2 * limited_chats / limited["seconds"]
            return {
                "bench": "delivery",
                "limited_msgs_per_s": round(rate, 2),
                "http_429": http_429,
                "paid_msgs_per_s": round(paid_chats / paid["seconds"], 1),
                "paid_http_429": paid_429,
            }

        async with RemoteSandbox(limits=False) as sb:
            await sb.control("set_faults", error_rate=0.05, timeout_rate=0.01, hang_s=2.0, seed=5)
            ids = list(range(4_000_000, 4_000_000 + fault_chats))
            await drain(tmp, "faults", analysis, ids, sb, rate=300, within_s=600)
            counts = await sb.counts()
            lost = sum(1 for chat_id in ids if counts.get(chat_id, 0) == 0)
            duplicates = sum(n - 1 for n in counts.values() if n > 1)
            faults = sum((await sb.control("stats"))["faults"].values())

        message = rendered_text(analysis)
        async with RemoteSandbox(limits=True) as sb:
            base_limited = await baseline(
                sb, mixed_chats(5_000_000, limited_chats), message, rate=30, stories=2
            )
        async with RemoteSandbox(limits=False) as sb:
            ids = list(range(6_000_000, 6_000_000 + baseline_ceiling_chats))
            base_ceiling = await baseline(sb, ids, message, rate=1000, in_flight=BASELINE_IN_FLIGHT)

    ceiling_rate = subscribers / ceiling["seconds"]
    limited_rate = 2 * limited_chats / limited["seconds"]
    return {
        "bench": "delivery",
        "vs_baseline_ceiling": round(ceiling_rate / base_ceiling["msgs_per_s"], 2),
        "vs_baseline_limited": round(limited_rate / base_limited["msgs_per_s"], 3),
        "vs_baseline_cpu_per_msg": round(
            ceiling["cpu_s"] * 1000 / subscribers / base_ceiling["cpu_ms_per_msg"], 2
        ),
        "baseline_http_429": base_limited["http_429"],
        "baseline_limited_msgs_per_s": round(base_limited["msgs_per_s"], 2),
        "baseline_ceiling_msgs_per_s": round(base_ceiling["msgs_per_s"], 1),
        "baseline_cpu_ms_per_msg": round(base_ceiling["cpu_ms_per_msg"], 3),
        "baseline_failed": base_limited["failed"] + base_ceiling["failed"],
        **bot_figures,
        "limited_msgs_per_s": round(limited_rate, 2),
        "http_429": http_429,
        "paid_msgs_per_s": round(paid_chats / paid["seconds"], 1),
        "paid_cpu_ms_per_msg": round(paid["cpu_s"] * 1000 / paid_chats, 3),
        "paid_http_429": paid_429,
        "faults_injected": faults,
        "lost": lost,
        "duplicates": duplicates,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run")
    parser.add_argument("--profile", type=Path, help="cProfile the ceiling phase into FILE")
    parser.add_argument("--subscribers", type=int, help="readers in the ceiling phase")
    parser.add_argument("--only", choices=("ceiling", "limited"), help="stop after this phase")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    figures = asyncio.run(main(args.quick, args.profile, args.subscribers, args.only))
    print(json.dumps(figures))
    if figures.get("lost") or figures.get("duplicates"):
        sys.exit(1)

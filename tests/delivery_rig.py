"""The delivery rig: the real DeliveryWorker in-process against a sandbox, on a fresh
database (tests/conftest.py makes `rig` a fixture for every test module)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot

from bot import news
from bot.delivery import DeliveryWorker
from bot.digest import send_digests
from bot.pacing import Pacer
from bot.sandbox import Sandbox
from bot.sender_http import AiohttpRequest
from bot.topics import TopicCatalog
from storage import articles, chats
from storage.articles import NewArticle
from storage.backends import open_database
from storage.db import Database
from tests.e2e import STORY

TOPIC = "us-russia-security"
TZ = "Europe/Kyiv"


class Rig:
    def __init__(self, sandbox: Sandbox, db: Database, worker: DeliveryWorker) -> None:
        self.sb, self.db, self.worker = sandbox, db, worker
        self.analysis = news.analyze(STORY)

    async def readers(self, ids: list[int], *, chat_type: str = "private") -> None:
        await chats.register_many(self.db, ids, chat_type=chat_type, topic=TOPIC)
        for chat_id in ids:
            self.sb.register_chat(chat_id, type=chat_type)

    async def publish(self, title: str = "Story") -> int:
        article_id, _ = await articles.publish(
            self.db,
            NewArticle(
                title=title,
                text=STORY,
                language="uk",
                topics=(TOPIC,),
                source="Example News",
                analysis=self.analysis,
            ),
        )
        self.worker.wake()
        return article_id

    async def digests(self, *, now: float) -> int:
        return await send_digests(
            self.db, self.worker.sender, default_language="en", timezone=TZ, now=now
        )

    async def drain(self) -> None:
        assert await self.worker.drained(20), "outbox not drained"

    def count(self, chat_id: int) -> int:
        return len(self.sb.messages(chat_id))


async def delivery_worker(
    sb: Sandbox,
    db: Database,
    *,
    rate_per_s: float = 30,
    read_timeout: float = 5,
    holder: str = "local",
    pacer: Pacer | None = None,
) -> DeliveryWorker:
    """The real DeliveryWorker against the sandbox, its bot initialised, not started
    (a test may change its settings first); stop it with stop_worker."""
    bot = Bot(sb.token, base_url=sb.base_url, request=AiohttpRequest(read_timeout=read_timeout))
    await bot.initialize()
    return DeliveryWorker(
        db,
        bot,
        rate_per_s=rate_per_s,
        default_language="en",
        timezone=TZ,
        topic_names=TopicCatalog.load().names,
        holder=holder,
        pacer=pacer,
    )


async def stop_worker(worker: DeliveryWorker, *bots: Bot) -> None:
    """Stop the worker and shut its bot down, and these other bots."""
    await worker.stop()
    for bot in (worker.bot, *bots):
        await bot.shutdown()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with Sandbox("123456:SANDBOX-delivery") as sb:
        db = await open_database(tmp_path / "bot.db")
        worker = await delivery_worker(sb, db)
        worker.backoff_base_s = 0.02
        worker.start()
        try:
            yield Rig(sb, db, worker)
        finally:
            await stop_worker(worker)
            await db.close()

"""A round-robin HTTP load balancer on loopback, for webhook mode behind several bot
processes (tests and benchmarks; in production nginx or the cloud's balancer does it).

Each request goes to the next backend, headers and body as they came; a backend that
refuses the connection is skipped for that request (as a balancer's health check
would), so killing a bot process loses no update: Telegram's retry — the sandbox's —
reaches a live one. `python -m bot.sandbox.balancer --port N URL...` runs it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal

import aiohttp
from aiohttp import web

HOP_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})


class Balancer:
    def __init__(self, backends: list[str], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.backends = list(backends)
        self.host = host
        self.port = port
        self.forwarded: dict[str, int] = {url: 0 for url in self.backends}
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> Balancer:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        first = next(self._turn)
        for step in range(len(self.backends)):
            backend = self.backends[(first + step) % len(self.backends)]
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.forwarded[backend] += 1
                    return web.Response(
                        status=answer.status, body=payload, content_type=answer.content_type
                    )
            except aiohttp.ClientConnectionError:
                continue  # that backend is down: the next one
        return web.Response(status=502, text="no backend answered")


async def _serve(args: argparse.Namespace) -> None:
    balancer = await Balancer(args.backends, port=args.port).start()
    print(json.dumps({"url": balancer.url}), flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        await balancer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("backends", nargs="+", help="http://host:port of each bot process")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()

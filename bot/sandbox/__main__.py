"""Run the sandbox alone: `python -m bot.sandbox [--port N] [--no-limits] [--global-per-s N]`.

Prints one JSON line {"url": ..., "token": ...} once it listens, then serves until
stdin closes or SIGTERM/SIGINT arrives. Benchmarks run it as a separate process so the
bot's own CPU and memory can be measured; they drive it through /control/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys

from bot.sandbox.server import Sandbox


async def serve(args: argparse.Namespace) -> None:
    sandbox = Sandbox(
        args.token, port=args.port, limits=not args.no_limits, global_per_s=args.global_per_s
    )
    await sandbox.start()
    print(json.dumps({"url": sandbox.url, "token": sandbox.token}), flush=True)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    # stdin closing means the parent is gone: do not outlive it.
    loop.add_reader(sys.stdin.fileno(), lambda: done.set() if not sys.stdin.read(1) else None)
    try:
        await done.wait()
    finally:
        await sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123456:SANDBOX")
    parser.add_argument("--no-limits", action="store_true", help="lift the flood limits")
    parser.add_argument("--global-per-s", type=int, default=30)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()

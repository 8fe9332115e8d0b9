"""newsbot command line: run | worker | migrate | demo | sandbox (and the admin tools: ingest,
import, feed, search).

`python main.py <command> --help` explains each command.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

EXIT_FAILED = 1  # anything else: one line, the token masked
EXIT_CONFIG = 2
EXIT_RUNNING = 3
EXIT_TOKEN = 4  # the Bot API refused the token
# The database cannot serve the bot, by kind (storage.preflight).
EXIT_DATABASE = {"corrupt": 5, "locked": 6, "read_only": 7, "missing_dir": 8}
EXIT_DATABASE_SERVER = 9  # PostgreSQL unreachable, credentials refused, no such database
SAMPLE_STORY = Path(__file__).resolve().parent / "bot" / "data" / "sample_story.txt"
SUBSCRIBER_ID = 1001


def cmd_run(args: argparse.Namespace) -> int:
    """Production: long polling against BOT_API_BASE_URL with the token, or with --webhook
    Telegram posting updates to --listen."""
    if bool(args.webhook) != bool(args.listen):
        print("newsbot: --webhook and --listen go together", file=sys.stderr)
        return EXIT_CONFIG
    return _serve(args, "run")


def cmd_worker(args: argparse.Namespace) -> int:
    """Delivery only: drain the shared outbox (start any number, on any machine)."""
    return _serve(args, "worker")


def _serve(args: argparse.Namespace, command: str) -> int:
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
        if getattr(args, "webhook", None):
            _check_webhook(args.webhook, args.listen, settings.webhook_secret)
    except ConfigError as error:
        print(f"newsbot: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    from bot import logs

    logs.setup(settings.log_level, settings.token, settings.webhook_secret)
    try:
        return _run(settings, args, command)
    except Exception as error:  # the last line of defence: one line, never a secret
        redact = logs.Redactor(settings.token, settings.webhook_secret)
        line = redact(f"{type(error).__name__}: {error}")
        logging.getLogger("newsbot").debug("start-up failed", exc_info=error)
        print(f"newsbot: stopped: {line.splitlines()[0] if line else ''}", file=sys.stderr)
        return EXIT_FAILED


def _check_server(url: str) -> int | None:
    """PostgreSQL: can we connect (and migrate)? One line and an exit code if not."""
    from storage.db import DatabaseUnavailable
    from storage.postgres import PostgresDatabase

    async def check() -> None:
        db = await PostgresDatabase.connect(url)
        await db.close()

    try:
        asyncio.run(check())
    except DatabaseUnavailable as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE_SERVER
    return None


def _check_webhook(url: str, listen: str, secret: str) -> None:
    from bot.config import ConfigError
    from bot.web import ListenError, parse_listen

    if not url.startswith(("https://", "http://")):
        raise ConfigError("--webhook must be the public https:// URL Telegram posts to")
    try:
        parse_listen(listen)
    except ListenError as error:
        raise ConfigError(f"--listen: {error}") from None
    if not secret:
        raise ConfigError("--webhook needs WEBHOOK_SECRET (Telegram sends it with each update)")


def _run(settings: Any, args: argparse.Namespace, command: str) -> int:
    # The database is checked before the heavy imports (telegram, the bot): a broken one
    # is reported within a second or two, not after the whole application has loaded.
    if settings.database_url:
        # Several processes may share PostgreSQL: no file lock, no SQLite preflight.
        failed = _check_server(settings.database_url)
        if failed is not None:
            return failed
        return _start(settings, None, args, command)
    from storage import preflight
    from storage.lock import AlreadyRunning, InstanceLock

    path = settings.database_path
    lock = InstanceLock(path)
    try:
        preflight.check_location(path)
        try:
            lock.acquire()
        except OSError as error:
            raise preflight.DatabaseUnusable(
                preflight.READ_ONLY, f"{path} cannot be opened ({error.strerror})"
            ) from None
        preflight.check_database(path)
    except AlreadyRunning as error:
        print(f"newsbot: {error}; refusing to start a second copy", file=sys.stderr)
        return EXIT_RUNNING
    except preflight.DatabaseUnusable as error:
        lock.release()
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE[error.kind]
    return _start(settings, lock, args, command)


def _start(settings: Any, lock: Any, args: argparse.Namespace, command: str) -> int:
    from telegram import Update
    from telegram.error import InvalidToken

    from bot import logs
    from storage.db import DamagedDatabase, DatabaseUnavailable

    logs.reported_elsewhere(InvalidToken)
    try:
        if command == "worker":
            from bot.worker import run_worker

            asyncio.run(run_worker(settings))
        elif args.webhook:
            from bot.app import build_application
            from bot.webhook import run_webhook

            application = build_application(settings, webhook=True)
            secret = settings.webhook_secret
            asyncio.run(
                run_webhook(application, url=args.webhook, listen=args.listen, secret=secret)
            )
        else:
            from bot.app import build_application

            build_application(settings).run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(
            "newsbot: the Bot API rejected TELEGRAM_BOT_TOKEN (check it with @BotFather)",
            file=sys.stderr,
        )
        return EXIT_TOKEN
    except DamagedDatabase as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE["corrupt"]
    except DatabaseUnavailable as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE_SERVER
    finally:
        if lock is not None:
            lock.release()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the database's pending migrations and exit (a deployment's first step)."""
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings(require_token=False)
    except ConfigError as error:
        print(f"newsbot: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    from storage import preflight
    from storage.backends import open_database
    from storage.db import DamagedDatabase, DatabaseUnavailable

    async def migrate() -> tuple[int, int]:
        db = await open_database(settings.database_url or settings.database_path, migrate=False)
        try:
            before = await db.version()
            return before, await db.migrate()
        finally:
            await db.close()

    try:
        if not settings.database_url:
            preflight.check_location(settings.database_path)
        before, after = asyncio.run(migrate())
    except DatabaseUnavailable as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE_SERVER
    except preflight.DatabaseUnusable as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE[error.kind]
    except DamagedDatabase as error:
        print(f"newsbot: database unusable: {error}", file=sys.stderr)
        return EXIT_DATABASE[preflight.CORRUPT]
    except RuntimeError as error:  # a migration failed; it was rolled back
        print(f"newsbot: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"newsbot: database at schema version {after} (was {before})")
    return 0


async def _demo(text: str, language: str) -> int:
    """A reader subscribes; the admin pushes the story as a file, sees the preview and taps
    Publish; every message of both sides is printed as sent."""
    from bot.callbacks import PreviewAction
    from bot.harness import ADMIN_ID, LocalBot
    from bot.sandbox import Upload
    from handlers.ingest import PUBLISH

    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
        async with LocalBot(Path(tmp) / "demo.db") as local:
            sb = local.sandbox
            sb.inject_message(SUBSCRIBER_ID, "/start", language_code=language)
            await sb.wait_for_messages(SUBSCRIBER_ID, 1, timeout=15)
            sb.inject_message(
                SUBSCRIBER_ID, "/subscribe us-russia-security", language_code=language
            )
            await sb.wait_for_messages(SUBSCRIBER_ID, 2, timeout=15)
            story = Upload(text.encode("utf-8"), "story.txt", "text/plain")
            sb.inject_message(ADMIN_ID, "/push", language_code=language, document=story)
            await local.settle(within_s=30)
            admin = sb.messages(ADMIN_ID)
            publish = _button(admin, PreviewAction(PUBLISH, 0).PREFIX + ":" + PUBLISH + ":")
            if publish is None:
                print("demo: the admin got no preview to publish", file=sys.stderr)
                return 1
            message, button = publish
            preview = [copy.copy(m) for m in admin]  # as shown before the tap edits it
            sb.inject_callback(ADMIN_ID, ADMIN_ID, message.message_id, button["callback_data"])
            await local.settle(within_s=30)
            received = sb.messages(SUBSCRIBER_ID)
            admin = sb.messages(ADMIN_ID)
    for number, sent in enumerate(received[:2], 1):
        _print_message(f"message {number} to subscriber {SUBSCRIBER_ID}", sent)
    print("── the admin sends story.txt with the caption /push")
    print()
    for number, sent in enumerate(preview, 1):
        _print_message(f"message {number} to the admin (the preview)", sent)
    print(f"── the admin taps [{button['text']}]")
    print()
    for number, sent in enumerate(admin, 1):
        if sent.edits:
            _print_message(f"message {number} to the admin, edited", sent)
    for number, sent in enumerate(received[2:], 3):
        _print_message(f"message {number} to subscriber {SUBSCRIBER_ID}", sent)
    if not received[2:]:
        print("demo: the subscriber received no story", file=sys.stderr)
        return 1
    return 0


def _button(messages: list[Any], prefix: str) -> tuple[Any, dict[str, Any]] | None:
    for message in messages:
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if str(button.get("callback_data", "")).startswith(prefix):
                    return message, button
    return None


def _print_message(label: str, message: Any) -> None:
    print(f"── {label} ({message.parse_mode or 'plain'})")
    print(message.text or message.caption or "")
    if message.reply_markup:
        buttons = [b for row in message.reply_markup["inline_keyboard"] for b in row]
        print("   buttons: " + " | ".join(f"[{b['text']}]" for b in buttons))
    print()


def cmd_demo(args: argparse.Namespace) -> int:
    """Offline: sandbox + bot on loopback, a subscriber, an admin push, the messages printed."""
    logging.basicConfig(level=logging.WARNING)
    if not args.article.exists():
        print(f"demo: no such file: {args.article}", file=sys.stderr)
        return EXIT_CONFIG
    return asyncio.run(_demo(args.article.read_text(encoding="utf-8"), args.language))


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Try the bot in a terminal: type as a subscriber; `/as admin` switches to the admin."""
    from bot.prompt import run_prompt

    logging.basicConfig(level=logging.WARNING)
    if args.db is not None and not args.db.parent.is_dir():
        print(f"sandbox: no such folder: {args.db.parent}", file=sys.stderr)
        return EXIT_CONFIG
    return asyncio.run(run_prompt(args.language, db=args.db))


BUILT_IN = ("run", "worker", "migrate", "demo", "sandbox")


def parser(*, extensions: bool = True) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="main.py", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot (long polling; settings from env / .env)")
    run.add_argument(
        "--webhook", metavar="URL", help="webhook mode: the public URL Telegram posts updates to"
    )
    run.add_argument(
        "--listen", metavar="HOST:PORT", help="webhook mode: where this process listens"
    )
    run.set_defaults(handler=cmd_run)

    worker = sub.add_parser("worker", help="delivery only: drain the outbox (several may run)")
    worker.set_defaults(handler=cmd_worker)

    migrate = sub.add_parser("migrate", help="apply database migrations and exit")
    migrate.set_defaults(handler=cmd_migrate)

    demo = sub.add_parser(
        "demo", help="offline demo over the local sandbox; prints what a reader gets"
    )
    demo.add_argument("--article", type=Path, default=SAMPLE_STORY, help="story text file")
    demo.add_argument(
        "--language", choices=("uk", "en"), default="uk", help="the reader's language"
    )
    demo.set_defaults(handler=cmd_demo)

    sandbox = sub.add_parser("sandbox", help="chat with the bot in this terminal, offline")
    sandbox.add_argument("--language", choices=("uk", "en"), default="uk")
    sandbox.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help="run on this database (the one `main.py import` filled); default: a throwaway one",
    )
    sandbox.set_defaults(handler=cmd_sandbox)

    if extensions:
        for extension in _extensions():
            extension(sub)
    return root


def _extensions() -> list[Callable[[Any], None]]:
    """Admin tools registered by their packages: ingest / import / feed, and search."""
    from bot.ingest.cli import add_cli as add_ingest_cli
    from bot.search.cli import add_cli as add_search_cli

    return [add_ingest_cli, add_search_cli]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `run` should not wait for the admin tools' imports (a second of them) to report
    # a broken database or setting.
    args = parser(extensions=not (argv and argv[0] in BUILT_IN)).parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())

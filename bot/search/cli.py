"""`python main.py search QUERY`: search stored stories from a shell (admins, scripts)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings, load_settings
from bot.search import engine as index
from bot.services import build_services


def command(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(require_token=False)
    except ConfigError as error:
        print(f"search: configuration error: {error}", file=sys.stderr)
        return 2
    if settings.database_url and args.database is None:  # PostgreSQL: DATABASE_URL
        return asyncio.run(run_search(" ".join(args.query), limit=args.limit, settings=settings))
    path = args.database or settings.database_path
    if not Path(path).exists():
        print(f"search: no database at {path} (set DATABASE_PATH)", file=sys.stderr)
        return 2
    settings = replace(settings, database_path=Path(path))
    return asyncio.run(run_search(" ".join(args.query), limit=args.limit, settings=settings))


async def run_search(text: str, *, limit: int, settings: Settings) -> int:
    found = await build_services(settings)
    try:
        page = await index.search(found.db, text, limit=limit, filters_only=True)
    finally:
        await found.close()
    if page.status is index.Status.EMPTY:
        print('search: nothing to look for — give a word, a "phrase" or a filter', file=sys.stderr)
        return 1
    for hit in page.hits:
        print(f"#{hit.article_id}  {hit.date:%Y-%m-%d}  {hit.title.text}")
        print(f"    {hit.snippet.text}")
    total = f"more than {page.total}" if page.capped else str(page.total)
    shown = f", {len(page.hits)} shown (raise --limit for more)" if page.has_more else ""
    print(f"{total} found{shown}")
    return 0 if page.hits else 1


def add_cli(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "search",
        help="search stored stories",
        description='Words, "exact phrases", -excluded, topic: lang: source: from: to: filters.',
    )
    p.add_argument("query", nargs="+", help="the query (quote it in the shell)")
    p.add_argument("--limit", type=int, default=10, help="results to print (max 50)")
    p.add_argument("--database", type=Path, default=None, help="SQLite file (DATABASE_PATH)")
    p.set_defaults(handler=command)

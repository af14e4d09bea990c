"""`hotline db upgrade`: apply database migrations, check the keys, move old Redis keys."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from hotline.cases.setup import database_engine, prepare_database
from hotline.keys import load_keys
from hotline.settings import get_settings


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", required=True)
    upgrade = actions.add_parser("upgrade", help="apply pending migrations")
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    settings = get_settings()
    keys = load_keys(settings)  # StartRefused, said by `hotline`, when they do not fit

    async def upgrade() -> None:
        engine = database_engine(settings)
        try:
            await prepare_database(engine, keys)
        finally:
            await engine.dispose()
        if settings.redis_url:
            from redis.asyncio import Redis

            from app.redis_upgrade import upgrade_redis_keys

            redis = Redis.from_url(settings.redis_url)
            try:
                await upgrade_redis_keys(redis, keys)
            finally:
                await redis.aclose()

    asyncio.run(upgrade())
    print("database is up to date")
    return 0

"""Before a role serves: the database migrated and its keys checked, old Redis keys moved.

A key that cannot open the stored data stops the start (`StartRefused`, said plainly by
`hotline`), instead of serving with data nobody can read. A database that does not answer
does not stop it: case changes wait in the spool, and the migrations and the key check
run before its first query.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from redis.exceptions import RedisError

from app.redis_upgrade import upgrade_redis_keys
from hotline.local_secrets import StartRefused
from hotline.services import Services

log = logging.getLogger(__name__)

PREPARE_SECONDS: Final = 15.0


async def prepare_storage(services: Services) -> None:
    """Migrate and check the keys now; raise StartRefused when the keys do not fit."""
    cases = services.cases
    if cases is not None:
        try:
            async with asyncio.timeout(PREPARE_SECONDS):
                await cases.store.prepare()
        except StartRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - away now; prepared before its first query
            log.warning(
                "database not reachable at start (%s): case changes are spooled, and the "
                "migrations and key check run when it answers",
                type(exc).__name__,
            )
    if services.redis is not None and services.keys is not None:
        try:
            async with asyncio.timeout(PREPARE_SECONDS):
                await upgrade_redis_keys(services.redis, services.keys)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("old Redis keys not upgraded (%s); next start", type(exc).__name__)

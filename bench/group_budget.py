"""The operators' group budget shared through Redis: what a take costs, and that it holds.

    .venv/bin/python bench/group_budget.py [--workers 4] [--takes 5000]

Several workers (tasks with a client each, as processes would have) take from one
budget of 20 messages a minute as fast as they can: exactly 20 must be granted in all,
and each take's latency is what every group message pays for being shared. Uses Redis
database 4 (the benchmarks'), and cleans up after itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis

from bot.outbox.budget import RedisBudget

REDIS_URL = "redis://127.0.0.1:6379/4"
CHAT = -100999


async def worker(takes: int, latencies: list[float]) -> int:
    redis = Redis.from_url(REDIS_URL)
    budget = RedisBudget(redis, CHAT, per_minute=20)
    granted = 0
    for _ in range(takes):
        started = time.perf_counter()
        granted += await budget.try_take()
        latencies.append((time.perf_counter() - started) * 1000)
    await redis.aclose()
    return granted


async def main(workers: int, takes: int) -> None:
    redis = Redis.from_url(REDIS_URL)
    await redis.delete(f"hotline:tg-budget:{CHAT}", f"hotline:tg-pause:{CHAT}")
    latencies: list[float] = []
    started = time.perf_counter()
    granted = await asyncio.gather(*(worker(takes, latencies) for _ in range(workers)))
    elapsed = time.perf_counter() - started
    await redis.delete(f"hotline:tg-budget:{CHAT}", f"hotline:tg-pause:{CHAT}")
    await redis.aclose()
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"{workers} workers, {workers * takes} takes in {elapsed:.1f}s: granted {sum(granted)} "
        f"(budget 20/min); take p50 {quantiles[49]:.2f} ms, p99 {quantiles[98]:.2f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--takes", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(main(args.workers, args.takes))

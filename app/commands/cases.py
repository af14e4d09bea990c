"""`hotline cases list|stats|purge`: operators' view of cases and anonymous reports."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from hotline.cases.reports import STATS_FIELDS, stats_csv
from hotline.cases.retention import purge
from hotline.cases.setup import open_case_store
from hotline.cases.store import utcnow
from hotline.settings import get_settings


def register(subparsers: Any) -> None:
    cases = subparsers.add_parser("cases", help="escalation cases")
    actions = cases.add_subparsers(dest="cases_command", required=True)
    actions.add_parser("list", help="open cases, most urgent first").set_defaults(
        handler=lambda args: asyncio.run(list_cases())
    )
    stats = actions.add_parser("stats", help="anonymous counts per day, channel, language, …")
    stats.add_argument("--csv", action="store_true", help="write CSV to stdout")
    stats.set_defaults(handler=lambda args: asyncio.run(export_stats(args)))
    purge = actions.add_parser("purge", help="erase personal data of old closed cases")
    purge.add_argument("--days", type=int, default=None, help="default: HOTLINE_RETENTION_DAYS")
    purge.set_defaults(handler=lambda args: asyncio.run(purge_cases(args)))


async def list_cases() -> int:
    store = await open_case_store(get_settings())
    try:
        now = utcnow()
        rows = await store.list_open()
        print(f"{'case':<8} {'level':<10} {'status':<8} {'ch':<9} {'lang':<4} {'waiting':>8}  why")
        for case in rows:
            minutes = int(case.waiting(now).total_seconds() // 60)
            why = ", ".join((*case.situations, *case.indicators)) or case.reason
            print(
                f"{case.number:<8} {case.level:<10} {case.status:<8} {case.channel:<9} "
                f"{case.language:<4} {minutes:>6} m  {why}"
            )
        print(f"{len(rows)} open")
    finally:
        await store.dispose()
    return 0


async def export_stats(args: argparse.Namespace) -> int:
    store = await open_case_store(get_settings())
    try:
        rows = await store.stats()
    finally:
        await store.dispose()
    if args.csv:
        sys.stdout.write(stats_csv(rows))
    else:
        for row in rows:
            print(" ".join(str(getattr(row, field)) for field in STATS_FIELDS))
    return 0


async def purge_cases(args: argparse.Namespace) -> int:
    settings = get_settings()
    store = await open_case_store(settings)
    try:
        days = settings.retention_days if args.days is None else args.days
        count = await purge(store, days)
    finally:
        await store.dispose()
    print(f"erased personal data of {count} closed cases older than {days} days")
    return 0

"""`hotline db upgrade`: apply database migrations."""

from __future__ import annotations

import argparse
from typing import Any

from hotline.cases.database import upgrade_database_sync
from hotline.settings import get_settings


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", required=True)
    upgrade = actions.add_parser("upgrade", help="apply pending migrations")
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database_sync(settings.database_url)
    print("database is up to date")
    return 0

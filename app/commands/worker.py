"""`hotline worker`: the operators' outbox, the retention purge and scheduled jobs."""

from __future__ import annotations

import argparse

from app.loop import run_role
from hotline.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("worker", help="run the worker role (outbox, purge)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.container import build_services
    from app.worker import run_worker

    run_role(run_worker(build_services(get_settings())))
    return 0

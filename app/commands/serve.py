"""`hotline serve`: the web role (Telegram webhook, /ivr/, /healthz, /readyz, /metrics).

Any number of these may run behind a load balancer; none runs the outbox or the purge
(that is `hotline worker`).
"""

from __future__ import annotations

import argparse

from app.loop import run_role
from app.roles import run_web
from hotline.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the web role (webhooks, probes)")
    add_listen_arguments(parser)
    parser.set_defaults(handler=run)


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    """--host and --port, for every command that runs the server."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)


def run(args: argparse.Namespace) -> int:
    from app.container import build_services  # loads the NLU model: only when serving

    services = build_services(get_settings(), spool_name=f"web-{args.port}")
    run_role(run_web(services, args.host, args.port, polling=False, worker=False))
    return 0

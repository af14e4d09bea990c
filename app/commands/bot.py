"""`hotline bot`: the Telegram bot with long polling, plus a worker."""

from __future__ import annotations

import argparse

from app.loop import run_role
from hotline.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("bot", help="run the Telegram bot with long polling")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.bot_token is None:
        print("Set HOTLINE_BOT_TOKEN to run the Telegram bot.")
        return 2
    from app.container import build_services  # loads the NLU model: only when running
    from app.roles import run_polling

    run_role(run_polling(build_services(settings, spool_name="bot")))
    return 0

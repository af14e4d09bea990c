"""`hotline start` (what `make run` calls): whatever is configured, in one process.

No Telegram or Twilio credentials: the terminal chat on the same core, after saying
which variables turn on the bot and the phone line. Otherwise: every role in one
process: the HTTP server, the worker, and long polling when no webhook URL is configured.
"""

from __future__ import annotations

import argparse
import sys

from app.commands import chat
from app.commands.serve import add_listen_arguments
from app.loop import run_role
from app.roles import run_web
from hotline.settings import get_settings

NOTHING_CONFIGURED = """\
No channel is configured, so this is the terminal chat on the same core.
  HOTLINE_BOT_TOKEN          turns on the Telegram bot (long polling, or a webhook with
                             HOTLINE_TELEGRAM_WEBHOOK_URL and HOTLINE_TELEGRAM_WEBHOOK_SECRET)
  HOTLINE_TWILIO_AUTH_TOKEN  turns on the phone line under /ivr/ of the HTTP server
Type a question in Kyrgyz or Russian; a number picks an option; /quit ends.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("start", help="run what is configured (make run)")
    add_listen_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.bot_token is None and settings.twilio_auth_token is None:
        print(NOTHING_CONFIGURED, file=sys.stderr)
        return chat.run(argparse.Namespace(lang=None))
    from app.container import build_services

    polling = settings.bot_token is not None and not settings.telegram_webhook_url
    services = build_services(settings, spool_name=f"start-{args.port}")
    run_role(run_web(services, args.host, args.port, polling=polling, worker=True))
    return 0

"""`hotline voice build`: placeholder recordings of the Kyrgyz phone prompts (logic in ivr/)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from hotline.content import ContentError
from hotline.settings import get_settings


def register(subparsers: Any) -> None:
    voice = subparsers.add_parser("voice", help="phone line recordings")
    actions = voice.add_subparsers(dest="voice_command", required=True)
    build = actions.add_parser(
        "build",
        help="render Kyrgyz prompts and answer summaries with espeak-ng into var/audio/ky/",
    )
    build.add_argument("--force", action="store_true", help="render again even if a file exists")
    build.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace) -> int:
    settings = get_settings()
    voice_build = importlib.import_module("ivr.voice_build")  # adapters load lazily
    try:
        report = voice_build.build_voice(settings.content_dir, settings.var_dir, force=args.force)
    except ContentError as exc:
        print(f"cannot build the recordings:\n{exc}")
        return 1
    print(
        f"Kyrgyz recordings in {settings.var_dir / 'audio' / 'ky'}: {report.rendered} rendered, "
        f"{report.kept} kept, {report.silent} silent placeholders, {report.pruned} removed"
    )
    if report.silent:
        print("espeak-ng is missing or failed: install it (apt-get install espeak-ng) and rerun")
    return 0

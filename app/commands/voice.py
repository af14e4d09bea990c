"""`hotline voice build`: Kyrgyz phone recordings in content/ky/audio/ (logic in ivr/)."""

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
        help="render the Kyrgyz prompts and answer summaries that changed into content/ky/audio/",
    )
    build.add_argument(
        "--force", action="store_true", help="render every placeholder again (studio files stay)"
    )
    build.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace) -> int:
    settings = get_settings()
    voice_build = importlib.import_module("ivr.voice_build")  # adapters load lazily
    try:
        report = voice_build.build_voice(settings.content_dir, force=args.force)
    except ContentError as exc:
        print(f"cannot build the recordings:\n{exc}")
        return 1
    where = settings.content_dir / "ky" / "audio"
    print(
        f"Kyrgyz recordings in {where}: {report.rendered} rendered, {report.kept} unchanged, "
        f"{report.studio} studio, {report.pruned} removed"
    )
    if report.missing:
        print(
            f"{len(report.missing)} texts have no recording ({', '.join(report.missing)}): "
            "espeak-ng is missing or failed; install it (apt-get install espeak-ng) and rerun. "
            "Until then the phone reads those texts with the Russian voice."
        )
        return 1
    if report.rendered or report.pruned:
        print(f"commit the changes in {where} with the texts")
    return 0

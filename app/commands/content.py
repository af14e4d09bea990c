"""`hotline content check`: validate answers, contacts and UI string catalogues."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hotline.content.check import check_content, format_report
from hotline.settings import REPO_ROOT, get_settings


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("content", help="work with the answers in content/")
    actions = parser.add_subparsers(dest="content_command", required=True)
    check = actions.add_parser(
        "check", help="validate all content; non-zero exit with a list of problems"
    )
    check.add_argument(
        "--content-dir", type=Path, default=None, help="default: HOTLINE_CONTENT_DIR or content/"
    )
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    content_dir: Path = args.content_dir or get_settings().content_dir
    source_root = REPO_ROOT if (REPO_ROOT / "babel.cfg").exists() else None
    report = check_content(content_dir, source_root=source_root)
    print(format_report(report, content_dir))
    return 0 if report.ok else 1

"""The core never imports an adapter, a transport library or the composition root.

docs/architecture.md: nlu <- hotline <- bot, ivr, console <- app. No exemption.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("aiogram", "twilio", "bot", "ivr", "console", "app")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def test_core_imports_no_adapter() -> None:
    offenders = []
    core = ROOT / "hotline"
    for path in sorted(core.rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_scan_sees_imports() -> None:
    sample = ROOT / "app" / "web.py"
    assert any(n.startswith("bot") for n in imported_modules(sample))
    assert "ivr.app" in imported_modules(sample)  # import_module("ivr.app") counts too


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_nlu_imports_nothing_of_ours() -> None:
    assert _offenders("nlu", ("hotline", "bot", "ivr", "app", "aiogram", "twilio")) == []


def test_adapters_do_not_import_each_other() -> None:
    # What both need (operator hours, escalation) lives in the core.
    assert _offenders("bot", ("ivr", "twilio", "app")) == []
    assert _offenders("ivr", ("bot", "aiogram", "app")) == []


def test_the_console_is_an_adapter_of_its_own() -> None:
    # It talks to cases through the core's case service, never through the Telegram side.
    assert _offenders("console", ("bot", "ivr", "app", "aiogram", "twilio")) == []
    assert _offenders("bot", ("console",)) == []
    assert _offenders("ivr", ("console",)) == []

"""`hotline start` without credentials: it says what turns channels on, then chats."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_start_without_credentials_runs_the_terminal_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env["HOTLINE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cases.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "app", "start"],
        input="Kattoogo kancha kun bar?\n/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env from the checkout
        env=env,
        timeout=300,
        check=True,
    )
    assert "HOTLINE_BOT_TOKEN" in result.stderr
    assert "HOTLINE_TWILIO_AUTH_TOKEN" in result.stderr
    assert "== " in result.stdout  # an answer, rendered as plain text
    assert "Каттоо" in result.stdout or "каттоо" in result.stdout

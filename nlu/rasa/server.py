"""Start and stop a local Rasa server on loopback: `python -m nlu.rasa.server start|stop|status`.

The same as `rasa run --enable-api -m MODEL -i 127.0.0.1 -p 5005`, detached, with a pid file,
waiting until the model is loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from nlu.rasa.environment import (
    ensure_environment,
    rasa_command,
    rasa_home,
    rasa_process_environment,
)
from nlu.rasa.train import train_rasa


def _pid_file(port: int) -> Path:
    return rasa_home() / f"server-{port}.pid"


def server_status(url: str) -> dict[str, object] | None:
    """Return Rasa's /status when a server with a loaded model answers, else None."""
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as response:
            status: dict[str, object] = json.load(response)
    except (OSError, urllib.error.URLError, ValueError):
        return None
    return status if status.get("model_file") else None


def start_server(port: int = 5005, model: Path | None = None, wait_seconds: float = 240) -> int:
    url = f"http://127.0.0.1:{port}"
    wanted = model or train_rasa()  # cheap when the cached model is current
    status = server_status(url)
    if status and Path(str(status["model_file"])).name == wanted.name:
        print(f"[rasa] server already running at {url} with {wanted.name}", file=sys.stderr)
        return 0
    if status:
        stop_server(port)  # a server with an older model: replace it
    env = ensure_environment()
    log_path = rasa_home() / f"server-{port}.log"
    command = [
        *rasa_command(env), "run", "--enable-api", "-m", str(wanted),
        "-i", "127.0.0.1", "-p", str(port), "--log-file", str(log_path),
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this command, like a daemon
            cwd=rasa_home(),
            env=rasa_process_environment(),
        )
    _pid_file(port).write_text(str(process.pid))
    started = time.monotonic()
    while time.monotonic() - started < wait_seconds:
        if process.poll() is not None:
            print(
                f"[rasa] server exited with {process.returncode}; see {log_path}", file=sys.stderr
            )
            return 1
        if server_status(url):
            took = time.monotonic() - started
            print(f"[rasa] server ready at {url} in {took:.0f} s", file=sys.stderr)
            return 0
        time.sleep(1)
    print(f"[rasa] server not ready after {wait_seconds:.0f} s; see {log_path}", file=sys.stderr)
    return 1


def stop_server(port: int = 5005) -> int:
    pid_file = _pid_file(port)
    if not pid_file.exists():
        return 0
    pid = int(pid_file.read_text())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    pid_file.unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.rasa.server")
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args(argv)
    if args.action == "start":
        return start_server(args.port)
    if args.action == "stop":
        return stop_server(args.port)
    status = server_status(f"http://127.0.0.1:{args.port}")
    print(json.dumps(status))
    return 0 if status else 1


if __name__ == "__main__":
    sys.exit(main())

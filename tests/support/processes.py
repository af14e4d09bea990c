"""Real `hotline` processes for system tests: started with an environment, stopped for sure.

Every child dies with the test process (PR_SET_PDEATHSIG on Linux), so a failed or
interrupted test leaves nothing running; `Deployment.stop` ends them in any case.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from hotline.settings import REPO_ROOT

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Not Linux: Deployment.stop still ends the processes.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class Process:
    name: str
    args: list[str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    port: int | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "app", *self.args],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(sig)
            self.popen.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


@dataclass
class Deployment:
    env: dict[str, str]
    logs: Path
    processes: list[Process] = field(default_factory=list)

    def run(self, *args: str) -> None:
        """A one-off command (e.g. `db upgrade`), to completion."""
        subprocess.run(
            [sys.executable, "-m", "app", *args],
            cwd=REPO_ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, name: str, *args: str, port: int | None = None) -> Process:
        process = Process(name, list(args), self.logs / f"{name}.log", port=port)
        process.start(self.env)
        self.processes.append(process)
        return process

    def web(self, name: str, port: int) -> Process:
        return self.start(name, "serve", "--host", "127.0.0.1", "--port", str(port), port=port)

    async def wait_ready(self, process: Process, within: float = 90.0) -> None:
        assert process.port is not None
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if not process.running:
                    raise RuntimeError(f"{process.name} exited:\n{self.tail(process)}")
                try:
                    async with http.get(f"http://127.0.0.1:{process.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    await _sleep(0.2)
                    continue
                await _sleep(0.2)
        raise TimeoutError(f"{process.name} not serving:\n{self.tail(process)}")

    def tail(self, process: Process, lines: int = 40) -> str:
        text = process.log.read_text(errors="replace") if process.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        for process in self.processes:
            process.kill(signal.SIGTERM)
        for process in self.processes:
            process.kill(signal.SIGKILL)


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def base_env(**values: str) -> dict[str, str]:
    """The test's environment minus any HOTLINE_ setting of the machine, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(values)
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env

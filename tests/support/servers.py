"""Throwaway servers of our own, on loopback ports: a PostgreSQL cluster and a Redis.

For tests that stop and restart their database or Redis: the shared servers of the test
machine (5432, 6379) are never touched. Each stops by itself when the test ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} (PostgreSQL server binaries) not found")
    return path


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class ThrowawayPostgres:
    """`initdb` + `pg_ctl` under a temporary folder, trusting loopback; no system cluster."""

    def __init__(self, port: int | None = None) -> None:
        # Its own folder straight under /tmp: the postgres user must reach it (a pytest
        # tmp_path sits in a folder only root may enter).
        self.directory = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
        self.data = self.directory / "data"
        self.port = port or free_port()

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        log = str(self.directory / "postgres.log")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options]
        subprocess.run(
            _as_postgres([*command, "-w", "-t", "30", *args]), check=True, capture_output=True
        )

    def start(self) -> None:
        if not self.data.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        _postgres_bin("initdb"),
                        "-D",
                        str(self.data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--no-sync",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        self._ctl("start")

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                _as_postgres(
                    [_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
                ),
                check=False,
                capture_output=True,
            )

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def pause(self) -> None:
        """Stop the server, keeping its files, until `resume`."""
        self._ctl("-m", "fast", "stop")

    def resume(self) -> None:
        self._ctl("start")


class ThrowawayRedis:
    """A redis-server of our own (no persistence) on a free loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise FileNotFoundError("redis-server not found")
        self.process = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

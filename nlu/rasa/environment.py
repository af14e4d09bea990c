"""Create, once, the isolated Python 3.10 environment that runs Rasa."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

RASA_DIR = Path(__file__).resolve().parent
REQUIREMENTS = RASA_DIR / "requirements.txt"


def rasa_home() -> Path:
    """Where environments and trained models are cached: outside the repository."""
    configured = os.environ.get("HOTLINE_RASA_HOME")
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "hotline" / "rasa"


def find_python310() -> str:
    """Find a working Python 3.10: HOTLINE_RASA_PYTHON, pyenv's versions, then PATH."""
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates = [os.environ.get("HOTLINE_RASA_PYTHON")]
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.10*/bin/python3.10"), reverse=True)
    candidates.append(shutil.which("python3.10"))  # may be a pyenv shim that refuses to run
    for candidate in candidates:
        if candidate and _runs_python310(candidate):
            return candidate
    raise RuntimeError(
        "Rasa needs Python 3.10 (it does not run on 3.11). Install it (e.g. `pyenv install "
        "3.10`) or set HOTLINE_RASA_PYTHON to its interpreter."
    )


def _runs_python310(candidate: str) -> bool:
    try:
        result = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.strip() == "True"


def environment_dir(python: str) -> Path:
    """Name the environment by its requirements and interpreter, so a change rebuilds it."""
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + version.encode()).hexdigest()[:12]
    return rasa_home() / f"env-{digest}"


def ensure_environment(log: bool = True) -> Path:
    """Return the environment's directory, installing Rasa into it first if needed."""
    python = find_python310()
    env = environment_dir(python)
    ready = env / ".ready"
    if ready.exists():
        return env
    started = time.monotonic()
    if env.exists():
        shutil.rmtree(env)  # a half-built environment from an interrupted install
    env.parent.mkdir(parents=True, exist_ok=True)
    _say(log, f"creating the Rasa environment in {env} (about 3 minutes and 2.7 GB, once)")
    subprocess.run([python, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "-q", "--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run([*pip, "-q", "-r", str(REQUIREMENTS)], check=True)
    ready.write_text(REQUIREMENTS.read_text())
    _say(log, f"Rasa environment ready in {time.monotonic() - started:.0f} s")
    return env


def rasa_command(env: Path) -> list[str]:
    """Run Rasa as a module: independent of the console script's absolute shebang."""
    return [str(env / "bin" / "python"), "-m", "rasa"]


def rasa_process_environment() -> dict[str, str]:
    """Rasa's own telemetry and error reporting would try the network: keep them off."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SENTRY_DSN": "",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[rasa] {message}", file=sys.stderr, flush=True)

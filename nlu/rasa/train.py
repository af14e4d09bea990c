"""Train the Rasa NLU model from `nlu/data/`, cached by the hash of data and config."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

from nlu.rasa.environment import (
    RASA_DIR,
    ensure_environment,
    rasa_command,
    rasa_home,
    rasa_process_environment,
)

NLU_DIR = RASA_DIR.parent
DATA_DIR = NLU_DIR / "data"
CONFIG = RASA_DIR / "config.yml"
DOMAIN = RASA_DIR / "domain.yml"
# The preprocessing is part of the model: a change to normalisation retrains it.
PREPROCESSING_SOURCES = (NLU_DIR / "normalize.py", NLU_DIR / "translit.py")


def model_key(data_dir: Path = DATA_DIR, config: Path = CONFIG) -> str:
    """Hash everything the trained model depends on."""
    digest = hashlib.sha256()
    files = [*sorted(data_dir.rglob("*.yml")), config, DOMAIN, RASA_DIR / "requirements.txt"]
    files += [p for p in PREPROCESSING_SOURCES if p.exists()]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_training_data(data_dir: Path, out_dir: Path) -> Path:
    """Write the examples normalised exactly as the parse requests will be."""
    from nlu.normalize import normalize

    by_intent: dict[str, list[str]] = defaultdict(list)
    for path in sorted(data_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().removeprefix("- ").strip()
                folded = normalize(text).folded.strip()
                if folded:
                    by_intent[block["intent"]].append(folded)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "nlu.yml"
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in dict.fromkeys(by_intent[intent])]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def train_rasa(
    data_dir: Path = DATA_DIR, config: Path = CONFIG, *, force: bool = False, log: bool = True
) -> Path:
    """Return the path of a trained model, training it only when data or config changed."""
    env = ensure_environment(log=log)
    data_dir, config = data_dir.resolve(), config.resolve()  # Rasa runs in its work folder
    key = model_key(data_dir, config)
    models = rasa_home() / "models"
    model = models / f"nlu-{config.stem}-{key}.tar.gz"
    if model.exists() and not force:
        _say(log, f"model up to date: {model.name}")
        return model
    work = rasa_home() / "work" / key
    validate_data(env, data_dir, config, work, log=log)
    prepared = prepare_training_data(data_dir, work / "data")
    _say(log, f"training {config.name} on {prepared} ...")
    started = time.monotonic()
    command = [
        *rasa_command(env), "train", "nlu",
        "--config", str(config), "--nlu", str(prepared.parent), "--domain", str(DOMAIN),
        "--out", str(models), "--fixed-model-name", model.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    # Rasa prints its own progress bars; we pass them through to the terminal.
    subprocess.run(command, check=True, cwd=work, env=rasa_process_environment())
    _say(log, f"trained {model.name} in {time.monotonic() - started:.0f} s")
    (models / "latest").write_text(model.name)
    return model


def validate_data(env: Path, data_dir: Path, config: Path, work: Path, *, log: bool) -> None:
    """Run `rasa data validate` on the raw training data; bad data fails before training."""
    _say(log, "rasa data validate ...")
    work.mkdir(parents=True, exist_ok=True)
    command = [
        *rasa_command(env), "data", "validate",
        "--data", str(data_dir), "--domain", str(DOMAIN), "--config", str(config),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=work, capture_output=True, text=True, env=rasa_process_environment()
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError("rasa data validate failed")


def latest_model() -> Path | None:
    pointer = rasa_home() / "models" / "latest"
    if not pointer.exists():
        return None
    model = pointer.parent / pointer.read_text().strip()
    return model if model.exists() else None


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[rasa] {message}", file=sys.stderr, flush=True)

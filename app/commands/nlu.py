"""`hotline nlu parse | eval | train`: the understanding layer from the command line."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from nlu.catalogue import Language
from nlu.data import DEFAULT_DATA_DIR
from nlu.embedded import DEFAULT_CACHE_DIR, EmbeddedEngine
from nlu.pipeline import DEFAULT_RASA_URL, DEFAULT_TIMEOUT, EngineName, build_understanding


def register(subparsers: Any) -> None:
    """Add `hotline nlu` and its subcommands."""
    parser = subparsers.add_parser("nlu", help="understanding layer: parse, evaluate, train")
    commands = parser.add_subparsers(dest="nlu_command", required=True)

    parse = commands.add_parser("parse", help="one message per stdin line -> one JSON line")
    _engine_options(parse)
    parse.add_argument("--lang", choices=("ky", "ru"), help="language to keep on unclear input")
    parse.set_defaults(handler=run_parse)

    evaluate = commands.add_parser("eval", help="accuracy, risk recall and latency on a JSONL file")
    evaluate.add_argument("file", type=Path, help="labelled JSONL (text, language, intent, risk)")
    _engine_options(evaluate)
    evaluate.add_argument("--json", type=Path, dest="json_out", help="write the full report here")
    evaluate.add_argument(
        "--plot",
        type=Path,
        help="draw the intent confusion matrix and the risk precision-recall curve (PNG)",
    )

    evaluate.set_defaults(handler=run_eval)

    train = commands.add_parser("train", help="train the embedded model or the Rasa model")
    train.add_argument("--engine", choices=("embedded", "rasa"), default="embedded")
    train.add_argument("--force", action="store_true", help="retrain even if a cache matches")
    train.set_defaults(handler=run_train)


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("embedded", "rasa"),
        default=None,
        help="intent engine (default: HOTLINE_NLU_ENGINE, else embedded)",
    )


def _engine_settings(args: argparse.Namespace) -> tuple[EngineName, str, float]:
    engine, url, timeout = args.engine, DEFAULT_RASA_URL, DEFAULT_TIMEOUT
    try:
        from hotline.settings import get_settings

        settings = get_settings()
        engine = engine or settings.nlu_engine
        url, timeout = settings.rasa_url, settings.rasa_timeout_seconds
    except (ImportError, ValueError):
        pass  # settings are optional here: the embedded engine needs none
    return cast(EngineName, engine or "embedded"), url, timeout


def _stdout() -> TextIO:
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="replace")
    return stream


def run_parse(args: argparse.Namespace) -> int:
    """Parse stdin line by line, writing exactly one JSON object per input line."""
    engine, url, timeout = _engine_settings(args)
    understanding = build_understanding(engine, url, timeout)
    hint = cast(Language | None, args.lang)
    if isinstance(sys.stdin, io.TextIOWrapper):
        # A stray invalid byte must not end the stream: it becomes U+FFFD.
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    out = _stdout()

    async def parse_lines() -> None:
        for line in sys.stdin:
            result = await understanding.parse(line.rstrip("\r\n"), language_hint=hint)
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
            out.flush()
        await understanding.aclose()

    asyncio.run(parse_lines())
    return 0


def run_eval(args: argparse.Namespace) -> int:
    """Evaluate on a labelled file; print a summary, optionally the JSON report and a plot."""
    from nlu.evaluation import build_report, format_report, load_labelled, run_messages

    if not args.file.exists():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        messages = load_labelled(args.file)
    except ValueError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    engine, url, timeout = _engine_settings(args)
    understanding = build_understanding(engine, url, timeout)
    outcomes = asyncio.run(run_messages(understanding, messages, close=True))
    report = build_report(outcomes, understanding.engine.name)
    out = _stdout()
    out.write(format_report(report) + "\n")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    if args.plot:
        from nlu.evaluation import plot_confusion

        try:
            threshold = float(understanding.risk_model.thresholds[1])
            plot_confusion(outcomes, args.plot, threshold)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Train the embedded model into the cache, or the Rasa model."""
    if args.engine == "rasa":
        try:
            module = importlib.import_module("nlu.rasa.train")
        except ImportError as exc:
            print(f"Rasa training is not available ({exc}).", file=sys.stderr)
            return 1
        train_rasa = getattr(module, "train_rasa", None)
        if train_rasa is None:
            print("nlu.rasa.train has no train_rasa(); cannot train Rasa.", file=sys.stderr)
            return 1
        try:
            model = train_rasa(force=args.force)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"Rasa training failed: {exc}", file=sys.stderr)
            return 1
        print(f"Rasa model: {model}")
        return 0
    engine = EmbeddedEngine.load(DEFAULT_DATA_DIR, DEFAULT_CACHE_DIR, retrain=args.force)
    model = engine.model
    state = "loaded from cache" if engine.from_cache else "trained"
    print(
        f"embedded engine {state}: {len(model.intents)} intents, "
        f"{len(model.vocabulary)} features, out_of_scope below {model.threshold:.2f}, "
        f"temperature {model.temperature:.3f}"
    )
    from nlu.risk_training import load_or_train_risk_model

    risk = load_or_train_risk_model(cache_dir=DEFAULT_CACHE_DIR, retrain=args.force)
    report = risk.meta
    print(
        f"risk model: {report.get('training_messages', '?')} messages, "
        f"{len(risk.vocabulary)} features; development part: recall of high + emergency "
        f"{report.get('dev_recall_high_emergency', '?')}, false alarms "
        f"{report.get('dev_false_alarm_rate', '?')}, situations exact "
        f"{report.get('dev_situation_exact', '?')}"
    )
    return 0

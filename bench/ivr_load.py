"""Load benchmark of the phone line: requests/s and p99 latency at 100 concurrent connections.

Starts `hotline`'s /ivr/ routes (real core: content, NLU, policy) in a subprocess on
127.0.0.1 with a free port, then sends signed Twilio-style POSTs from this process over
loopback only: the call-start route (POST /ivr/voice) and a menu step (POST /ivr/menu,
key 1 at the Russian main menu), a bounded number of each. Stops by itself.

    .venv/bin/python bench/ivr_load.py [--requests 20000] [--concurrency 100] [--redis URL]

Target: at least 1,000 requests/s per process and p99 at most 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

AUTH_TOKEN = "bench-auth-token"
CALLERS = 1000  # distinct CallSid/From pairs, signed in advance
TARGET_RPS = 1000.0
TARGET_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the server (a subprocess) ---------------------------------------------------------


def serve(port: int) -> None:
    from aiohttp import web

    from app.container import build_services
    from hotline.settings import Settings
    from ivr.app import setup_ivr

    logging.basicConfig(level=logging.ERROR)  # the start-up probe is refused (403) on purpose
    settings = Settings()
    # The Kyrgyz recordings ship with the content (content/ky/audio): nothing to build.
    services = build_services(settings)
    app = web.Application()
    if not setup_ivr(app, services):
        raise SystemExit("the phone line did not start")
    # On the event loop `hotline serve` runs on (app.loop: uvloop when installed).
    loop = None
    if os.environ.get("HOTLINE_EVENT_LOOP", "uvloop") != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            loop = uvloop.new_event_loop()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, loop=loop)


# -- the client ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    extra: dict[str, str]


SCENARIOS = (
    Scenario("call start  POST /ivr/voice", "/ivr/voice", {}),
    Scenario("menu step   POST /ivr/menu (key 1)", "/ivr/menu?l=ru&m=main", {"Digits": "1"}),
)


def signed_requests(base: str, scenario: Scenario) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(AUTH_TOKEN)
    signed = []
    for index in range(CALLERS):
        form = {
            "CallSid": f"CA{index:032d}",
            "From": f"+99670{index:07d}",
            "To": "+15005550001",
            **scenario.extra,
        }
        signed.append((form, validator.compute_signature(base + scenario.path, form)))
    return signed


async def run_scenario(
    session: aiohttp.ClientSession, base: str, scenario: Scenario, total: int, concurrency: int
) -> tuple[float, list[float], int]:
    requests = signed_requests(base, scenario)
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        for index in counter:
            form, signature = requests[index % len(requests)]
            started = time.perf_counter()
            async with session.post(
                base + scenario.path, data=form, headers={"X-Twilio-Signature": signature}
            ) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


async def wait_until_up(session: aiohttp.ClientSession, base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            async with session.post(base + "/ivr/voice") as response:
                if response.status == 403:  # up, and refusing unsigned requests
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the server did not start in time")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux), to show the cost of a request under load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def bench(args: argparse.Namespace) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            **os.environ,
            "HOTLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "HOTLINE_PUBLIC_BASE_URL": base,
            "HOTLINE_OPERATOR_PHONE": "+15005550006",
            "HOTLINE_VAR_DIR": var_dir,
            "HOTLINE_REDIS_URL": args.redis or "",
        }
        server = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", str(port), env=env, cwd=REPO
        )
        try:
            connector = aiohttp.TCPConnector(limit=args.concurrency)
            async with aiohttp.ClientSession(connector=connector) as session:
                await wait_until_up(session, base, time.monotonic() + 120)
                print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
                print(
                    f"phone line on {base} ({'Redis ' + args.redis if args.redis else 'memory'}); "
                    f"{args.requests} requests per route, {args.concurrency} concurrent"
                )
                ok = True
                for scenario in SCENARIOS:
                    await run_scenario(
                        session, base, scenario, args.requests // 10, args.concurrency
                    )
                    cpu_before = cpu_seconds(server.pid)
                    elapsed, latencies, errors = await run_scenario(
                        session, base, scenario, args.requests, args.concurrency
                    )
                    cpu_after = cpu_seconds(server.pid)
                    rps = len(latencies) / elapsed
                    p50 = statistics.median(latencies) * 1000
                    p99 = percentile(latencies, 0.99) * 1000
                    verdict = (
                        "ok"
                        if rps >= TARGET_RPS and p99 <= TARGET_P99_MS and not errors
                        else "BELOW TARGET"
                    )
                    ok = ok and verdict == "ok"
                    cpu = ""
                    if cpu_before is not None and cpu_after is not None:
                        per_request = (cpu_after - cpu_before) / len(latencies) * 1e6
                        cpu = f"   server CPU {per_request:4.0f} µs/request"
                    print(
                        f"{scenario.name:38} {rps:6.0f} req/s   p50 {p50:5.1f} ms   "
                        f"p99 {p99:5.1f} ms   errors {errors}{cpu}   {verdict}"
                    )
                return 0 if ok else 1
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000, help="requests per route")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--redis", default=None, help="e.g. redis://127.0.0.1:6379/4")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())

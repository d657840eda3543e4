"""Throughput and latency of the web app under bounded load, beside the same work in-process.

Serves `followup.web:app` with uvicorn on 127.0.0.1 and a free port, then sends
2,000 requests, 16 at a time, over keep-alive connections: `POST /api/plan`,
the Plan page's form (`POST /en/`, the HTML result with its QR code), and a plan
link's page and calendar (`GET /p/<token>`, `GET /p/<token>.ics`). Each request
plans a different treatment date. The in-process loop does the same work
without HTTP: the settings checked (a link's token opened), the plan made and
written as JSON or a calendar, or the result page drawn. Both sides use the same
`FOLLOWUP_SECRET`. Traffic never leaves this computer.

    python benchmarks/web.py [--requests 2000] [--concurrency 16] [--workers 1] [--only /p/]

Goals (from the project's issue), on a 2-core machine: throughput at least 0.7×
the in-process loop's per worker, and p99 latency under 150 ms. The script
exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlencode

from followup import _clock as clock
from followup import _i18n as i18n
from followup._settings import KEYS
from followup.web import plan_links
from followup.web.forms import PlanForm
from followup.web.json_api import _typed
from followup.web.limits import Limits
from followup.web.links import Keys
from followup.web.pages import _planned
from followup.web.planning import download, settings_from
from followup.web.schema import PLAN_REQUEST
from followup.web.take import Where

FIRST = date(2020, 1, 6)
RATIO_GOAL = 0.7
P99_GOAL_MS = 150.0


def _day(index: int) -> str:
    return (FIRST + timedelta(days=index % 1500)).isoformat()


def _json_body(index: int) -> bytes:
    return json.dumps({"treatment_date": _day(index), "name": "Ana", "lang": "es"}).encode()


def _form_body(index: int) -> bytes:
    return urlencode({"treatment_date": _day(index), "name": "Ana", "lang": "es"}).encode()


SECRET = "benchmark-only-plan-link-secret"  # noqa: S105 - a key for this run only
KEYS_ = Keys.of([SECRET])
WHERE = Where(KEYS_, "http://127.0.0.1")
_TOKENS: dict[int, str] = {}


def _token(index: int) -> str:
    if index not in _TOKENS:
        _TOKENS[index] = KEYS_.seal({"treatment_date": _day(index), "name": "Ana", "lang": "es"})
    return _TOKENS[index]


def _none(index: int) -> bytes:
    return b""


# name: method, path for request `index`, content type, body for request `index`
Target = tuple[str, Callable[[int], str], str, Callable[[int], bytes]]
TARGETS: dict[str, Target] = {
    "POST /api/plan": ("POST", lambda i: "/api/plan", "application/json", _json_body),
    "POST /en/ (HTML result)": (
        "POST",
        lambda i: "/en/",
        "application/x-www-form-urlencoded",
        _form_body,
    ),
    "GET /p/<token>": ("GET", lambda i: f"/p/{_token(i)}", "", _none),
    "GET /p/<token>.ics": ("GET", lambda i: f"/p/{_token(i)}.ics", "", _none),
}


def _in_process(name: str, index: int) -> None:
    """The same plan as request `index`, without HTTP."""
    when = clock.now()
    if name.startswith("POST /api/plan"):  # as the route's handler does, step by step
        data = json.loads(_json_body(index))
        with i18n.using("es"):
            _typed(data, PLAN_REQUEST["properties"])
        download(settings_from(data, KEYS, "es"), "json", Limits(), when)
    elif name.startswith("POST /en/"):
        form = PlanForm({"treatment_date": _day(index), "name": "Ana", "lang": "es"})
        _planned("en", "/en/", form, Limits(), when, WHERE)
    elif name.endswith(".ics"):
        plan_links._file(_token(index), "ics", WHERE, "en", Limits(), when)
    else:
        plan_links._page(_token(index), WHERE, "en", Limits(), when)


def _loop_rate(name: str, count: int) -> float:
    started = time.perf_counter()
    for index in range(count):
        _in_process(name, index)
    return count / (time.perf_counter() - started)


async def _client(port: int, target: Target, jobs: asyncio.Queue[int]) -> list[float]:
    method, where, kind, make = target
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    latencies = []
    while True:
        try:
            index = jobs.get_nowait()
        except asyncio.QueueEmpty:
            break
        body = make(index)
        path = where(index)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        started = time.perf_counter()
        writer.write(head.encode() + body)
        status = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        if b" 200 " not in status:
            raise RuntimeError(f"{path}: {status!r}")
    writer.close()
    return latencies


async def _load(port: int, name: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    jobs: asyncio.Queue[int] = asyncio.Queue()
    for index in range(requests):
        jobs.put_nowait(index)
    for index in range(requests):  # tokens sealed before the clock starts
        TARGETS[name][1](index)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_client(port, TARGETS[name], jobs) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    return requests / elapsed, sorted(latency for part in results for latency in part)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    # One worker: as `followup serve` runs it, with its bounds on each request's head.
    command = (
        [sys.executable, "-m", "followup", "serve", "--port", str(port)]
        if workers == 1
        else [
            sys.executable, "-m", "uvicorn", "followup.web:app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--no-access-log",
            "--log-level", "warning",
        ]
    )  # fmt: skip
    environment = os.environ | {"FOLLOWUP_SECRET": SECRET}
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", default="", help="the routes whose name holds this text")
    args = parser.parse_args()
    port = _free_port()
    server = _serve(port, args.workers)
    missed = False
    try:
        print(f"{args.requests} requests, {args.concurrency} at a time, {args.workers} worker(s)")
        for name in (name for name in TARGETS if args.only in name):
            asyncio.run(_load(port, name, 100, args.concurrency))  # warm up both sides
            loop = _loop_rate(name, min(args.requests, 1000))
            rate, latencies = asyncio.run(_load(port, name, args.requests, args.concurrency))
            p50 = 1000 * statistics.median(latencies)
            p99 = 1000 * latencies[int(0.99 * (len(latencies) - 1))]
            ratio = rate / args.workers / loop
            print(
                f"{name:26} {rate:7.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
                f"in-process {loop:7.0f}/s  ratio per worker {ratio:.2f}"
            )
            missed |= ratio < RATIO_GOAL or p99 >= P99_GOAL_MS
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"goals: ratio ≥ {RATIO_GOAL}, p99 < {P99_GOAL_MS:.0f} ms: {'missed' if missed else 'met'}"
    )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()

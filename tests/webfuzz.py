"""Hostile clients against a served app: `followup serve` in a process of its own, spoken to
over real sockets on 127.0.0.1, its CPU time read from /proc and its log read back.

Each kind of case is a function that returns the failures it saw (an empty list when
all went well), so that the same cases count failures before and after a change:

    python -m tests.webfuzz            # serve the checkout's app and print the counts
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .servers import free_port

# Short enough for tests to wait out; the defaults are 10 and 60 seconds.
HEAD_SECONDS = 1
BODY_SECONDS = 1
CPU_SECONDS = 2.0  # the most CPU time any one request may cost
LANGS = ("en", "es", "pt", "pt-BR")
KINDS = ("ics", "csv", "xlsx", "md", "json", "html", "pdf", "toml")
POSTS = (
    "/api/plan",
    *(f"/api/plan/{kind}" for kind in KINDS),
    "/api/next",
    *(f"/{lang}/" for lang in LANGS),
    *(f"/{lang}/download/{kind}" for lang in ("en", "es") for kind in KINDS),
    "/en/open",
    "/es/clinic",
)
GETS = ("/", "/en/", "/es/protocols", "/pt/clinic", "/api/protocols", "/api/regions/ES")
PLAN = {"treatment_date": "2025-03-14", "name": "Ana"}


@dataclass
class Server:
    """A served app: where it listens, its process, and the file its log goes to."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
    cpu_costs: list[tuple[float, str]] = field(default_factory=list)

    def cpu(self) -> float:
        """The process's CPU time so far, in seconds, all its threads included."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()


@contextlib.contextmanager
def served(folder: Path, **environment: str) -> Iterator[Server]:
    """`followup serve` on a free port for the block, with short head and body timeouts."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("COV_")}
    env.update(
        FOLLOWUP_WEB_HEAD_TIMEOUT=str(HEAD_SECONDS),
        FOLLOWUP_WEB_BODY_TIMEOUT=str(BODY_SECONDS),
        PYTHONUNBUFFERED="1",
        **environment,
    )
    log = folder / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "followup", "serve", "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"followup serve did not start: {log.read_text()}")
            time.sleep(0.05)
        yield Server(port, process, log)
    finally:
        process.terminate()
        process.wait(10)


def request_bytes(
    method: str, path: str, body: bytes = b"", content_type: str | None = None
) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if content_type:
        head.append(f"Content-Type: {content_type}")
    if method == "POST":
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def exchange(server: Server, raw: bytes, timeout: float = 30) -> int | None:
    """Send `raw`, read the whole answer; its status, or None when the connection closed
    without one. The request's CPU cost is kept in `server.cpu_costs`."""
    before = server.cpu()
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout) as connection:
        with contextlib.suppress(ConnectionError):
            connection.sendall(raw)
        with contextlib.suppress(ConnectionError):
            while chunk := connection.recv(65536):
                answer += chunk
    server.cpu_costs.append((server.cpu() - before, raw[:80].decode("latin-1")))
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _server_error(status: int | None, what: str) -> list[str]:
    if status is None or status >= 500:
        return [f"{what}: {status}"]
    return []


# Random bodies ----------------------------------------------------------------------------


def _random_json(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(8 if depth < 3 else 5)
    if choice == 0:
        return rng.choice([None, True, False, 0, -1, 10**30, 1.5e308, "", "2025-02-30"])
    if choice == 1:
        return rng.randint(-(10**9), 10**9)
    if choice == 2:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x2FFF)]))
            for _ in range(rng.randrange(12))
        )
    if choice == 3:
        return f"{rng.randrange(1900, 2300)}-{rng.randrange(0, 14):02}-{rng.randrange(0, 33):02}"
    if choice == 4:
        return rng.choice(["ics", "next", "keep", "ES-MD", "pt-BR", "x.toml", "../etc/passwd"])
    if choice == 5:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(5))]
    keys = [
        "treatment_date",
        "name",
        "years",
        "tracks",
        "done",
        "exam",
        "every_months",
        "lang",
        "holidays",
        "weekends",
        "remind",
        "early_interval",
        "protocol",
        "x",
    ]
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(6))}


def _random_body(rng: random.Random) -> tuple[bytes, str | None]:
    kind = rng.randrange(5)
    if kind == 0:
        data = _random_json(rng)
        if isinstance(data, dict) and rng.random() < 0.5:
            data = {**PLAN, **data}  # mostly a plan: the checks past the first are reached
        return json.dumps(data).encode(), "application/json"
    if kind == 1:
        pairs = [
            (
                rng.choice(
                    [
                        "treatment_date",
                        "name",
                        "years",
                        "done",
                        "tracks.exam",
                        "tracks.every_months",
                        "action",
                        "lang",
                        "holidays",
                    ]
                ),
                str(_random_json(rng, 3)),
            )
            for _ in range(rng.randrange(8))
        ]
        from urllib.parse import urlencode

        return urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    if kind == 2:
        boundary = "b0undary"
        parts = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="r.csv"\r\n\r\n'.encode()
            + rng.randbytes(rng.randrange(60))
            + b"\r\n"
            for name in rng.sample(["roster", "plan_file", "format", "x"], rng.randrange(1, 3))
        )
        ending = b"" if rng.random() < 0.3 else f"--{boundary}--\r\n".encode()
        return parts + ending, f"multipart/form-data; boundary={boundary}"
    if kind == 3:
        return rng.randbytes(rng.randrange(200)), rng.choice(
            [None, "application/json", "text/plain"]
        )
    return b"", rng.choice([None, "application/json", "application/x-www-form-urlencoded"])


def random_bodies(server: Server, cases: int, seed: int) -> list[str]:
    """Random bodies of every kind to every POST route: never a 5xx."""
    rng = random.Random(seed)  # noqa: S311 - seeded cases, not secrets
    failures = []
    for _ in range(cases):
        path = rng.choice(POSTS)
        body, content_type = _random_body(rng)
        status = exchange(server, request_bytes("POST", path, body, content_type))
        failures += _server_error(status, f"POST {path} {body[:60]!r}")
    return failures


# Bodies cut short, and slow clients ------------------------------------------------------


def cut_short(server: Server, cases: int, seed: int) -> list[str]:
    """A body that stops halfway, the client gone: nothing to answer, nothing but a line to log."""
    rng = random.Random(seed)  # noqa: S311 - seeded cases, not secrets
    lines_before = len(server.log_lines())
    for _ in range(cases):
        path = rng.choice(POSTS)
        body = json.dumps({**PLAN, "name": "x" * 500}).encode()
        head = request_bytes(
            "POST", path, body, rng.choice(["application/json", "multipart/form-data; boundary=b"])
        )
        with socket.create_connection(("127.0.0.1", server.port), 10) as connection:
            connection.sendall(head[: len(head) - len(body) + rng.randrange(len(body))])
    time.sleep(0.5)  # the server notices each closed connection
    written = server.log_lines()[lines_before:]
    failures = [f"logged: {line}" for line in written if "Traceback" in line or " 500 " in line]
    if len(written) > 2 * cases:
        failures.append(f"{len(written)} log lines for {cases} bodies cut short")
    return failures


def _still_open(connection: socket.socket) -> bool:
    connection.setblocking(False)
    try:
        return connection.recv(65536, socket.MSG_PEEK) is None  # pragma: no cover
    except BlockingIOError:
        return True  # nothing to read and not closed
    except ConnectionError:
        return False
    finally:
        connection.setblocking(True)


def slow_clients(server: Server, count: int) -> list[str]:
    """Clients that dribble a head or a body, or say nothing: each is closed in good time."""
    connections = []
    body = json.dumps(PLAN).encode()
    for index in range(count):
        connection = socket.create_connection(("127.0.0.1", server.port), 10)
        kind = index % 3
        if kind == 1:  # a body that never finishes: far longer than what is sent
            raw = request_bytes("POST", "/api/plan", body + b" " * 10_000, "application/json")
            connection.sendall(raw[: -10_000 - 5])
        connections.append((kind, connection))
    deadline = time.monotonic() + max(HEAD_SECONDS, BODY_SECONDS) + 2
    step = 0
    while time.monotonic() < deadline:
        for kind, connection in connections:
            with contextlib.suppress(OSError):
                if kind == 0:  # a head, a byte at a time
                    connection.sendall(b"GET / HTTP/1.1\r\nX-Slow: "[step : step + 1] or b"a")
                elif kind == 1:
                    connection.sendall(b" ")
        step += 1
        time.sleep(0.2)
    failures = []
    for kind, connection in connections:
        if _still_open(connection):
            failures.append(f"slow client of kind {kind} still connected after {deadline}")
        connection.close()
    return failures


def large_head(server: Server, size: int) -> list[str]:
    """A head of `size` bytes is answered 431, or the connection closed, before it is read whole."""
    raw = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
    status = exchange(server, raw)
    return [] if status in (431, None) else [f"a head of {size} bytes: {status}"]


# Hostile paths, and the log they leave ----------------------------------------------------

HOSTILE_PATHS = (
    "/%0aFORGED%20GET%20/%20200",
    "/en/%0d%0aFORGED",
    "/%1b[31mred%1b[0m",
    "/%00",
    "/%ff%fe",
    "/%e2%80%a8FORGED",
    "/" + "a" * 8000,
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//",
    "/api/plan/%0a",
    "/en/download/ics%0aFORGED",
    "/static/../pyproject.toml",
    "/p/%ff",
    "/api/regions/%0a%0d",
)


def hostile_paths(server: Server) -> list[str]:
    """Odd paths never get a 5xx, and the log shows each on one line of printable text."""
    lines_before = len(server.log_lines())
    failures = []
    for path in HOSTILE_PATHS:
        for method in ("GET", "POST"):
            status = exchange(server, request_bytes(method, path, b"{}", "application/json"))
            failures += _server_error(status, f"{method} {path[:40]}")
    for line in server.log_lines()[lines_before:]:
        if line.startswith("FORGED") or not line.isprintable():
            failures.append(f"log line: {line!r}")
    return failures


# Requests at every limit ---------------------------------------------------------------


def _json_post(server: Server, path: str, data: object) -> int | None:
    body = json.dumps(data).encode()
    return exchange(server, request_bytes("POST", path, body, "application/json"))


def at_limits(
    server: Server,
    biggest_plan: dict[str, object],
    over_plan: dict[str, object],
    charted_plan: dict[str, object] | None = None,
) -> list[str]:
    """Each limit, met and passed by one: a plan at the most visits in every format is made;
    past any limit, a 4xx."""
    failures = []
    expected: list[tuple[str, object, set[int]]] = [
        (
            "/api/plan",
            {**PLAN, "tracks": [{"exam": f"E{i}", "every_months": 60} for i in range(10)]},
            {200},
        ),
        (
            "/api/plan",
            {**PLAN, "tracks": [{"exam": f"E{i}", "every_months": 60} for i in range(11)]},
            {422},
        ),
        (
            "/api/plan",
            {**PLAN, "done": [f"2025-{m:02}-{d:02}" for m in range(4, 8) for d in range(1, 26)]},
            {200, 422},
        ),
        (
            "/api/plan",
            {**PLAN, "done": [f"2025-{m:02}-{d:02}" for m in range(4, 9) for d in range(1, 22)]},
            {422},
        ),
        ("/api/plan", {**PLAN, "years": "7"}, {422}),
        # A chart page lists every visit again: the biggest plan with one is refused.
        ("/api/plan/pdf", {**biggest_plan, "chart_lang": "es"}, {422}),
        ("/api/plan", {**PLAN, "name": "x" * 64 * 1024}, {413}),
        ("/api/plan", over_plan, {422}),
        # The schema's own most tracks, every month for the most years: once 4.5 s.
        (
            "/api/plan/ics",
            {
                **PLAN,
                "years": 30,
                "tracks": [{"exam": f"E{i}", "every_months": 1} for i in range(10)],
            },
            {422},
        ),
    ]
    if charted_plan is not None:
        expected.append(("/api/plan/pdf", charted_plan, {200}))
        expected.append(("/api/plan/html", charted_plan, {200}))
    for kind in KINDS:
        expected.append((f"/api/plan/{kind}", biggest_plan, {200}))
        expected.append((f"/en/download/{kind}", None, {200}))
    for path, data, allowed in expected:
        if data is None:
            form = "&".join(f"{k}={v}" for k, v in _form(biggest_plan))
            status = exchange(
                server,
                request_bytes("POST", path, form.encode(), "application/x-www-form-urlencoded"),
            )
        else:
            status = _json_post(server, path, data)
        if status not in allowed:
            failures.append(f"POST {path} at a limit: {status}, expected {sorted(allowed)}")
    return failures


def _form(plan: dict[str, object]) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for key, value in plan.items():
        if key == "tracks":
            for track in value if isinstance(value, list) else []:
                pairs += [
                    ("tracks.exam", track["exam"]),
                    ("tracks.every_months", track["every_months"]),
                ]
        else:
            pairs.append((key, value))
    return pairs


def costly(server: Server) -> list[str]:
    """No request cost more than CPU_SECONDS of the server's CPU time."""
    return [f"{cost:.2f} s of CPU: {what}" for cost, what in server.cpu_costs if cost > CPU_SECONDS]

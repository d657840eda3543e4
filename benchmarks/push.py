"""`followup push` for a clinic, against the floor: raw PUTs of the same objects, one session.

A Radicale server is started on 127.0.0.1 (its default one-second delay on a refused
login left on, as deployed). 200 patients' plans are pushed two ways, each over one
connection (`connected`, then `push_to` per patient, as a clinic's script does),
each into a fresh account:

- into one shared calendar;
- into one calendar each (the plan's own calendar name, created by the push).

The floor sends the very objects the push writes (their text made beforehand, not
timed), each with one PUT in one HTTP session whose login is known from the start,
after one MKCALENDAR per calendar. What push adds is reading what the calendar
holds of each plan, finding or creating the calendar, the login, and making the
objects. The two take turns, patient by patient, into two accounts: both meet a
calendar of the same size, and the drift of a shared machine alike.

    python benchmarks/push.py [--patients 200] [--ways one,each]

Radicale checks a new object's UID against the whole calendar, so a shared
calendar of 3,800 objects makes every PUT slow, the floor's as much as ours:
that way takes a quarter of an hour or more on two cores.

Prints, for each way, seconds and requests of the push and of the floor, and their
ratios (goals: within 1.25 x the floor's time and 1.1 x its requests).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from followup._export import RenderOptions
from followup._export.ics import calendar_name
from followup._schedule import Schedule, make_schedule
from followup.push import Target, items, push_to
from followup.push.caldav import connected

PASSWORD = "bench"  # noqa: S105 (a throw-away account on a server this script starts)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def radicale(users: list[str]) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 with these users, stopped at the end."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "users").write_text("".join(f"{user}:{PASSWORD}\n" for user in users))
        port = _free_port()
        (root / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\n"
            "htpasswd_encryption = plain\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {root / 'collections'}\n"
            "[web]\ntype = none\n[logging]\nlevel = error\n"
        )
        command = [sys.executable, "-m", "radicale", "--config", str(root / "config")]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextlib.contextmanager
def counted() -> Iterator[list[int]]:
    """The number of HTTP requests sent meanwhile (every one, a refused login's too)."""
    import niquests

    sent = [0]
    original = niquests.Session.request

    def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent[0] += 1
        return original(self, *args, **kwargs)

    niquests.Session.request = request  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        niquests.Session.request = original  # type: ignore[method-assign]


def patients(count: int) -> list[Schedule]:
    start = date(2025, 1, 6)
    return [
        make_schedule(start + timedelta(days=n % 300), name=f"P{n:04d}", today=date(2026, 1, 1))
        for n in range(count)
    ]


OPTIONS = RenderOptions(remind=14, stamp=STAMP)


MKCALENDAR = (
    '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" '
    'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>{}'
    "</D:displayname></D:prop></D:set></C:mkcalendar>"
)
HEADERS = {"If-None-Match": "*", "Content-Type": "text/calendar; charset=utf-8"}


def compare(url: str, plans: list[Schedule], shared: bool, run: str) -> list[float]:
    """Seconds and requests of the push and of the floor, patient by patient in turn, so
    that both meet a calendar of the same size and the machine's drift alike."""
    import niquests

    texts = [[(item.name, item.text) for item in items(s, OPTIONS)] for s in plans]
    totals = [0.0, 0.0, 0.0, 0.0]  # push seconds, push requests, floor seconds, floor requests
    user = f"floor-{run}"
    with (
        counted() as sent,
        connected(Target(url, f"push-{run}")) as store,
        niquests.Session() as session,
    ):
        session.auth = (user, PASSWORD)

        def make(number: int) -> str:
            folder = f"{url}{user}/cal-{number}/"
            session.request("MKCALENDAR", folder, data=MKCALENDAR.format(number)).raise_for_status()
            return folder

        shared_folder = ""
        for number, (schedule, objects) in enumerate(zip(plans, texts, strict=True), 1):
            began, before = time.perf_counter(), sent[0]
            push_to(store, schedule, OPTIONS, "Clinic" if shared else calendar_name(schedule))
            totals[0] += time.perf_counter() - began
            totals[1] += sent[0] - before
            began, before = time.perf_counter(), sent[0]
            if shared:
                shared_folder = shared_folder or make(0)
            folder = shared_folder or make(number)
            for name, text in objects:
                session.put(folder + name, data=text.encode(), headers=HEADERS).raise_for_status()
            totals[2] += time.perf_counter() - began
            totals[3] += sent[0] - before
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument(
        "--ways", default="one,each", help="one (a shared calendar), each (one per patient)"
    )
    args = parser.parse_args()
    plans = patients(args.patients)
    objects = sum(len(items(s, OPTIONS)) for s in plans)
    users = [f"{way}-{run}" for way in ("push", "floor") for run in ("one", "each")]
    os.environ["FOLLOWUP_CALDAV_PASSWORD"] = PASSWORD
    print(f"{args.patients} patients, {objects} objects")
    with radicale(users) as url:
        ways = ((True, "one", "one calendar"), (False, "each", "one calendar each"))
        for shared, run, label in [way for way in ways if way[1] in args.ways.split(",")]:
            seconds, requests, floor_seconds, floor_requests = compare(url, plans, shared, run)
            print(
                f"{label}: push {seconds:.2f} s, {requests:.0f} requests; "
                f"floor {floor_seconds:.2f} s, {floor_requests:.0f} requests; "
                f"ratios: time {seconds / floor_seconds:.2f} x, "
                f"requests {requests / floor_requests:.3f} x"
            )


if __name__ == "__main__":
    main()

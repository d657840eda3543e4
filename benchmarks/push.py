"""`followup push` for a clinic, against the floor: raw PUTs of the same objects, one session.

A Radicale server is started on 127.0.0.1 (its default one-second delay on a refused
login left on, as deployed). 200 patients' plans are pushed two ways, each by one
process over one connection (`connected`, then `push_to` per patient, as a clinic's
script does), each into a fresh account:

- into one shared calendar;
- into one calendar each (the plan's own calendar name, created by the push).

The floor sends the very objects the push writes (their text made beforehand, not
timed), each with one PUT in one HTTP session whose login is known from the start,
after one MKCALENDAR per calendar. What push adds is reading what the calendar
holds of each plan, finding or creating the calendar, and the login.

    python benchmarks/push.py [--patients 200] [--repeat 1] [--ways one,each]

Radicale checks a new object's UID against the whole calendar, so a shared
calendar of 3,800 objects makes every PUT slow, the floor's as much as ours:
that way takes most of an hour on two cores.

Prints, for each way, seconds and requests of the push and of the floor, and their
ratios (goals: within 1.25 x the floor's time and 1.1 x its requests).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


def push_all(url: str, user: str, plans: list[Schedule], shared: bool) -> None:
    with connected(Target(url, user)) as store:
        for schedule in plans:
            name = "Clinic" if shared else calendar_name(schedule)
            push_to(store, schedule, OPTIONS, name)


def floor(url: str, user: str, plans: list[Schedule], shared: bool) -> None:
    """The same objects, each one PUT, after one MKCALENDAR per calendar, in one session."""
    import niquests

    texts = [[(item.name, item.text) for item in items(s, OPTIONS)] for s in plans]
    mkcalendar = (
        '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>{}'
        "</D:displayname></D:prop></D:set></C:mkcalendar>"
    )
    headers = {"If-None-Match": "*", "Content-Type": "text/calendar; charset=utf-8"}
    with niquests.Session() as session:
        session.auth = (user, PASSWORD)

        def make(number: int) -> str:
            folder = f"{url}{user}/cal-{number}/"
            session.request("MKCALENDAR", folder, data=mkcalendar.format(number)).raise_for_status()
            return folder

        shared_folder = make(0) if shared else ""
        for number, objects in enumerate(texts, 1):
            folder = shared_folder or make(number)
            for name, text in objects:
                session.put(folder + name, data=text.encode(), headers=headers).raise_for_status()


def measure(
    run: Callable[[str, str, list[Schedule], bool], None],
    url: str,
    user: str,
    plans: list[Schedule],
    shared: bool,
) -> tuple[float, int]:
    with counted() as sent:
        began = time.perf_counter()
        run(url, user, plans, shared)
        return time.perf_counter() - began, sent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--ways", default="one,each", help="one (a shared calendar), each (one per patient)"
    )
    args = parser.parse_args()
    os.environ.pop("FOLLOWUP_CALDAV_PASSWORD", None)
    plans = patients(args.patients)
    objects = sum(len(items(s, OPTIONS)) for s in plans)
    users = [
        f"{way}-{run}-{n}"
        for way in ("push", "floor")
        for run in ("one", "each")
        for n in range(args.repeat)
    ]
    os.environ["FOLLOWUP_CALDAV_PASSWORD"] = PASSWORD
    print(f"{args.patients} patients, {objects} objects")
    with radicale(users) as url:
        ways = ((True, "one calendar"), (False, "one calendar each"))
        chosen = args.ways.split(",")
        for shared, label in [way for way in ways if ("one" if way[0] else "each") in chosen]:
            run = "one" if shared else "each"
            ours, base = [], []
            for n in range(args.repeat):
                ours.append(measure(push_all, url, f"push-{run}-{n}", plans, shared))
                base.append(measure(floor, url, f"floor-{run}-{n}", plans, shared))
            seconds = statistics.median(t for t, _ in ours)
            floor_seconds = statistics.median(t for t, _ in base)
            requests, floor_requests = ours[0][1], base[0][1]
            print(
                f"{label}: push {seconds:.2f} s, {requests} requests; "
                f"floor {floor_seconds:.2f} s, {floor_requests} requests; "
                f"ratios: time {seconds / floor_seconds:.2f} x, "
                f"requests {requests / floor_requests:.3f} x"
            )


if __name__ == "__main__":
    main()

"""Real calendar parsers read our files as we meant them.

libical (Evolution and other desktop clients), Mozilla ical.js (Thunderbird),
node-ical and vobject with validation (the Radicale server) each read a spread
of generated calendars: dates, presets and their choices, extra tracks, names in
several scripts, visits done, public holidays, and every language. Each parser runs once as a long-lived process and is handed
one file per example. Under CI a missing parser fails the run; elsewhere it
skips, saying which one and how to install it.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup import (
    Schedule,
    Weekends,
)
from followup import _i18n as i18n
from followup._dates import Holidays
from followup._export import ics
from followup._export.ics import calendar_uid, to_ics, visit_uid
from followup._protocols import PRESETS, Stream
from followup._public_holidays import public_holidays
from followup._schedule import make_schedule

from .conftest import missing
from .icscheck import alarms, check_file, written

INTEROP = Path(__file__).parent / "interop"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
TODAY = date(2026, 11, 26)


class Reader:
    """A parser process that answers one JSON line per .ics path written to it."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=INTEROP
        )

    def read(self, path: Path) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer.get("error")
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="session")
def libical(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    if not (shutil.which("gcc") and shutil.which("pkg-config")):
        missing("a C compiler and pkg-config", "Debian packages gcc and pkg-config")
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, text=True
    )
    if flags.returncode != 0:
        missing("libical", "Debian package libical-dev")
    binary = tmp_path_factory.mktemp("libical") / "libical_check"
    subprocess.run(
        ["gcc", "-O1", "-o", str(binary), str(INTEROP / "libical_check.c"), *flags.stdout.split()],
        check=True,
    )
    reader = Reader([str(binary)])
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def javascript() -> Iterator[Reader]:
    node = shutil.which("node")
    if node is None:
        missing("Node.js", "Debian package nodejs")
    if not (INTEROP / "node_modules" / "ical.js").is_dir():
        missing("ical.js and node-ical", "npm ci --prefix tests/interop")
    reader = Reader([str(node), str(INTEROP / "read_ics.mjs")])
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def counts() -> Iterator[Counter[str]]:
    """How many files each parser read, written to test-artifacts/ for the record."""
    tally: Counter[str] = Counter()
    yield tally
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "interop-counts.json").write_text(json.dumps(dict(tally), indent=2) + "\n")


@functools.cache
def _holidays(code: str) -> Holidays:
    return public_holidays(code)


def _expected(schedule: Schedule, remind: int, calendar_id: str | None) -> list[dict[str, Any]]:
    namespace = calendar_uid(schedule, calendar_id)
    return [
        {
            "uid": visit_uid(schedule, visit, namespace),
            "start": visit.date.isoformat(),
            "end": (visit.date + timedelta(days=1)).isoformat(),
            "allDay": True,
            "alarms": alarms(schedule, visit, cancelled, remind),
            "cancelled": cancelled,
        }
        for visit, cancelled in written(schedule)
    ]


def _unescape(text: str) -> str:
    """RFC 5545 TEXT unescaping, for parsers that hand back unknown properties raw."""
    out, escaped = [], False
    for char in text:
        if escaped:
            out.append("\n" if char in "nN" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


names = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Ana",
            "João Muñoz Ñúñez",
            'Zoë; O\'Brien, "Jr." \\ test',
            "Ана Петрова",
            "王小明",
            "محمد الأحمد",
            "שרה כהן",
            "Nguyễn Thị Minh Khai",
            "Ana\r\nEND:VEVENT\r\nBEGIN:VEVENT",
        ]
    ),
    st.text(min_size=1, max_size=40),
)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[Schedule, int, str]:
    start = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2026, 11, 1)))
    protocol = draw(st.sampled_from(list(PRESETS.values())))
    low, high = protocol.lead.phases[0].allowed
    protocol = protocol.choose(early_interval=draw(st.integers(low, high)))
    tracks = draw(
        st.sampled_from(
            [
                (),
                (Stream.every("Brain MRI", 12),),
                (Stream.every("Ressonância magnética cerebral", 5),),
            ]
        )
    )
    days_since = (TODAY - start).days
    offsets = draw(st.lists(st.integers(0, days_since), max_size=10, unique=True))
    schedule = make_schedule(
        start,
        protocol=protocol.with_tracks(tracks),
        years=draw(st.integers(1, 30)),
        weekends=draw(st.sampled_from(list(Weekends))),
        name=draw(names),
        done=[start + relativedelta(days=d) for d in offsets],
        today=TODAY,
        holidays=draw(
            st.sampled_from([None, "PT", "ES-MD", "BR-SP", "US-CA", "GB"]).map(
                lambda code: _holidays(code) if code else None
            )
        ),
    )
    return schedule, draw(st.sampled_from([0, 1, 14, 90])), draw(st.sampled_from(i18n.LANGUAGES))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(calendars())
@pytest.mark.untraced
def test_parsers_read_what_we_meant(
    libical: Reader,
    javascript: Reader,
    counts: Counter[str],
    tmp_path: Path,
    calendar: tuple[Schedule, int, str],
) -> None:
    """Every parser reads the same UIDs, all-day dates and alarms that we wrote, without errors."""
    schedule, remind, language = calendar
    i18n.activate(language)
    calendar_id = None if schedule.name else "p-001"  # a roster's id, for a plan with no name
    data = to_ics(schedule, remind_days=remind, stamp=STAMP, calendar_id=calendar_id)
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    expected = _expected(schedule, remind, calendar_id)

    check_file(data, schedule, remind)  # our own assertions, icalendar and vobject
    counts["icalendar"] += 1
    counts["vobject"] += 1

    read = libical.read(path)
    assert read["errors"] == 0
    assert read["restrictions_ok"] == 1
    assert read["events"] == expected
    counts["libical"] += 1

    both = javascript.read(path)
    summaries = [ics.summary(schedule, visit) for visit, gone in written(schedule) if not gone]
    icaljs = both["icaljs"]
    assert icaljs["method"] is None
    assert _unescape(icaljs["name"]) == ics.calendar_name(schedule)
    assert _unescape(icaljs["wrName"]) == ics.calendar_name(schedule)
    assert [{k: e[k] for k in expected[0]} for e in icaljs["events"]] == expected
    assert [e["summary"] for e in icaljs["events"]][: len(summaries)] == summaries
    counts["ical.js"] += 1
    nodeical = both["nodeical"]["events"]
    assert [{k: e[k] for k in expected[0]} for e in nodeical] == expected
    assert [e["summary"] for e in nodeical][: len(summaries)] == summaries
    counts["node-ical"] += 1


def test_the_parsers_catch_broken_files(
    libical: Reader, javascript: Reader, tmp_path: Path
) -> None:
    """Negative control: a calendar we break on purpose is caught, so a pass means something."""
    schedule = make_schedule(date(2024, 1, 31), name="Ana")
    good = to_ics(schedule, remind_days=14, stamp=STAMP)
    expected = _expected(schedule, 14, None)

    no_header = tmp_path / "no-header.ics"
    no_header.write_bytes(
        good.replace(b"PRODID:-//followup//followup//EN\r\n", b"").replace(b"VERSION:2.0\r\n", b"")
    )
    assert libical.read(no_header)["errors"] > 0

    bad_day = tmp_path / "bad-day.ics"
    bad_day.write_bytes(
        good.replace(b"DTSTART;VALUE=DATE:20240430", b"DTSTART;VALUE=DATE:20240431")
    )
    assert libical.read(bad_day)["events"] != expected
    both = javascript.read(bad_day)
    assert [e["start"] for e in both["icaljs"]["events"]] != [e["start"] for e in expected]
    assert [e["start"] for e in both["nodeical"]["events"]] != [e["start"] for e in expected]
    with pytest.raises(AssertionError):
        check_file(bad_day.read_bytes(), schedule, 14)


def test_a_subscribed_calendar_reads_as_the_downloaded_one(
    libical: Reader, javascript: Reader, tmp_path: Path
) -> None:
    """A plan link's calendar (with REFRESH-INTERVAL, X-PUBLISHED-TTL and SOURCE) passes
    libical's checks and reads in libical, ical.js and node-ical as the same events."""
    schedule = make_schedule(date(2024, 1, 31), name="Ana", today=TODAY)
    source = "https://followup.example/p/AQIDBA.ics"
    data = to_ics(schedule, remind_days=14, stamp=STAMP, source=source)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in data
    path = tmp_path / "linked.ics"
    path.write_bytes(data)
    expected = _expected(schedule, 14, None)
    check_file(data, schedule, 14)
    read = libical.read(path)
    assert (read["errors"], read["restrictions_ok"]) == (0, 1)
    assert read["events"] == expected
    both = javascript.read(path)
    assert [{k: e[k] for k in expected[0]} for e in both["icaljs"]["events"]] == expected
    assert [{k: e[k] for k in expected[0]} for e in both["nodeical"]["events"]] == expected

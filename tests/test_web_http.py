"""The web app served by `followup serve`, under hostile clients over real sockets: random
bodies, bodies cut short, slow clients, hostile paths and requests at every limit, with
no 5xx, no trace in the log, no connection held, and no request costing more than
`webfuzz.CPU_SECONDS` of the server's CPU time. The cases live in `tests/webfuzz.py`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest

from followup._api import schedule_for
from followup._settings import KEYS, Settings
from followup.web.limits import Limits
from tests import webfuzz

pytestmark = pytest.mark.untraced

CASES = 600 if os.environ.get("CI") else 200


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webfuzz.Server]:
    with webfuzz.served(tmp_path_factory.mktemp("serve")) as served:
        yield served


def _visits(plan: dict[str, object]) -> int:
    schedule = schedule_for(Settings.from_mapping(plan, KEYS), date(2025, 3, 14))
    return len(schedule.visits)


def _plan_of(every: list[int]) -> dict[str, object]:
    tracks = [{"exam": f"Exam {i}", "every_months": months} for i, months in enumerate(every)]
    return {**webfuzz.PLAN, "years": 30, "tracks": tracks}


def test_random_bodies_never_get_a_server_error(server: webfuzz.Server) -> None:
    """Random JSON, forms, multipart and bytes to every POST route: a 4xx at worst."""
    assert webfuzz.random_bodies(server, CASES, seed=1) == []
    assert webfuzz.costly(server) == []


def test_a_body_cut_short_is_one_line_in_the_log(server: webfuzz.Server) -> None:
    """A client gone mid-body: no 500, no traceback, one line each at most."""
    assert webfuzz.cut_short(server, 40, seed=2) == []


def test_slow_clients_are_closed(server: webfuzz.Server) -> None:
    """Heads and bodies dribbled, or nothing said: every connection is closed by the server."""
    assert webfuzz.slow_clients(server, 30) == []


@pytest.mark.parametrize("size", [Limits.head_bytes + 1, 8 * 1024 * 1024])
def test_a_head_over_its_size_is_refused(server: webfuzz.Server, size: int) -> None:
    """Headers past the head's size (8 MB was once taken) get 431 or a closed connection."""
    assert webfuzz.large_head(server, size) == []


def test_a_head_within_its_size_is_served(server: webfuzz.Server) -> None:
    """The negative control: a large but allowed head is answered as usual."""
    raw = b"GET /api/protocols HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
    assert webfuzz.exchange(server, raw + b"a" * 8000 + b"\r\n\r\n") == 200


def test_hostile_paths_leave_one_printable_line_each(server: webfuzz.Server) -> None:
    """Newlines, escape codes and NULs in a path never forge a log line or reach a terminal."""
    assert webfuzz.hostile_paths(server) == []


def test_every_limit_met_is_served_and_passed_is_refused(server: webfuzz.Server) -> None:
    """At the most visits a plan may hold, every format is made within its CPU budget;
    one yearly track more is refused with 422; 10 tracks pass, 11 do not; and so on."""
    biggest, over = _plan_of([1, 4]), _plan_of([1, 4, 12])
    assert _visits(biggest) <= Limits.plan_visits < _visits(over)
    charted = {**_plan_of([2]), "chart_lang": "es"}  # the most a plan with a chart page holds
    assert _visits(charted) <= Limits.plan_visits // 2 < _visits(_plan_of([2, 6]))
    assert webfuzz.at_limits(server, biggest, over, charted) == []
    assert webfuzz.costly(server) == []


def test_the_cpu_check_can_fail(server: webfuzz.Server) -> None:
    """The negative control: a cost past the budget is reported."""
    server.cpu_costs.append((webfuzz.CPU_SECONDS + 0.1, "made up"))
    try:
        assert webfuzz.costly(server) == [f"{webfuzz.CPU_SECONDS + 0.1:.2f} s of CPU: made up"]
    finally:
        server.cpu_costs.pop()

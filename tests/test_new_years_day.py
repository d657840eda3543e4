"""Issue #17: with no --holidays, scans land on 1 January.

1 January is now always avoided: it moves like a public holiday (by the weekend
rule; under `keep` to the next open day), is named "New Year's Day" in the
plan's language unless a holidays calendar names it, and every output that
explains the weekend and holiday rule says so.
"""

from __future__ import annotations

import json
from datetime import date

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from followup import (
    IBERO_AMERICAN_2025,
    Stream,
    Weekends,
)
from followup import _i18n as i18n
from followup._dates import Holidays
from followup._schedule import make_schedule
from followup.cli import app

# Treatment on 1 October 2025: visit 1 is due on Thursday 1 January 2026.
START = date(2025, 10, 1)


def _json(runner: CliRunner, *args: str) -> dict[str, object]:
    command = ["plan", START.isoformat(), "--name", "Ana", "--today", "2025-10-01", *args]
    result = runner.invoke(app, [*command, "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize(
    ("rule", "shown"),
    [
        (Weekends.NEXT, date(2026, 1, 2)),
        (Weekends.PREVIOUS, date(2025, 12, 31)),
        (Weekends.KEEP, date(2026, 1, 2)),
    ],
)
def test_a_visit_due_on_1_january_moves_and_names_the_day(rule: Weekends, shown: date) -> None:
    """Visit 1 due 2026-01-01 is shown on another day, keeps the rule's date, names New
    Year's Day; visit 2 is still counted from the treatment date, not from the moved day."""
    first, second = make_schedule(START, weekends=rule).visits[:2]
    assert (first.due_date, first.date, first.holiday) == (
        date(2026, 1, 1),
        shown,
        "New Year's Day",
    )
    assert first.moved
    assert second.due_date == second.date == date(2026, 4, 1)
    assert second.holiday is None


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(Weekends)
)
def test_no_visit_or_track_visit_is_ever_on_1_january(start: date, rule: Weekends) -> None:
    """Whatever the treatment date and weekend rule, no date shown is 1 January."""
    protocol = IBERO_AMERICAN_2025.with_tracks((Stream.every("Brain MRI", 12),))
    schedule = make_schedule(start, protocol=protocol, years=12, weekends=rule)
    for visit in schedule.visits:
        assert (visit.date.month, visit.date.day) != (1, 1)


def test_a_holidays_calendar_with_1_january_changes_nothing() -> None:
    """With a calendar that has 1 January, it moves to the same day, named by the calendar."""
    closed = Holidays("XX", {date(2026, 1, 1): "Año Nuevo"}.get)
    without, with_calendar = (
        make_schedule(START).visits[0],
        make_schedule(START, holidays=closed).visits[0],
    )
    assert with_calendar.date == without.date == date(2026, 1, 2)
    assert with_calendar.holiday == "Año Nuevo"


def test_the_outputs_say_why_and_state_the_rule(runner: CliRunner) -> None:
    """JSON names the holiday and its choices say 1 January is avoided; the note says the
    move was forward, under `keep` too, and the calendar's event explains it."""
    for rule in ("next", "keep"):
        document = _json(runner, "--weekends", rule)
        visits = document["visits"]
        assert isinstance(visits, list)
        assert visits[0]["holiday"] == "New Year's Day"
        assert visits[0]["date"] == "2026-01-02"
        notes = document["notes"]
        assert isinstance(notes, dict)
        assert "1 January is always avoided: it moves to the next open day" in notes["choices"]
    before = _json(runner, "--weekends", "previous")["notes"]
    assert isinstance(before, dict)
    assert "1 January is always avoided: it moves to the open day before" in before["choices"]
    csv = runner.invoke(
        app, ["plan", START.isoformat(), "--weekends", "keep", "--format", "csv", "-o", "-"]
    ).stdout
    assert "a public holiday (New Year's Day); moved to the next open day" in csv
    ics = runner.invoke(
        app, ["plan", START.isoformat(), "--name", "Ana", "--format", "ics", "-o", "-"]
    ).stdout_bytes
    event = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    assert "a public holiday (New Year's Day), so moved to Friday 2026-01-02" in str(
        event["DESCRIPTION"]
    )


@pytest.mark.parametrize(
    ("lang", "holiday", "rule"),
    [
        ("es", "Año Nuevo", "el 1 de enero se evita siempre"),
        ("pt", "Ano Novo", "o dia 1 de janeiro é sempre evitado"),
        ("pt-BR", "Ano Novo", "o dia 1º de janeiro é sempre evitado"),
    ],
)
def test_the_day_and_the_rule_are_translated(
    runner: CliRunner, lang: str, holiday: str, rule: str
) -> None:
    """The holiday's name and the sentence about 1 January come in the plan's language."""
    document = _json(runner, "--lang", lang)
    visits, notes = document["visits"], document["notes"]
    assert isinstance(visits, list)
    assert isinstance(notes, dict)
    assert visits[0]["holiday"] == holiday
    assert rule in notes["choices"]


def test_the_name_follows_the_language_active_when_planning() -> None:
    """Planned from Python inside a language, the core names the day in that language."""
    with i18n.using("es"):
        assert make_schedule(START).visits[0].holiday == "Año Nuevo"

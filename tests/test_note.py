"""The clinic note: the plan in 6 to 12 plain lines of at most 100 characters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from followup import (
    PRESETS,
    Schedule,
    Stream,
    Weekends,
)
from followup import _i18n as i18n
from followup._export import FORMATS
from followup._export.note import MOST_LINES, WIDTH, compact_rule, note_lines, to_note
from followup._options import format_for
from followup._protocols import IBERO_AMERICAN_2025, Phase, Source
from followup._public_holidays import public_holidays
from followup._schedule import make_schedule
from followup.cli import app

TRACKS = {"en": "Brain MRI", "es": "RM cerebral", "pt": "RM de crânio", "pt-BR": "RM de crânio"}


def _busy(lang: str, **extra: Any) -> Schedule:
    """A plan with an extra track, scans recorded, one overdue and some not recorded."""
    values: dict[str, Any] = {
        "protocol": IBERO_AMERICAN_2025.with_tracks((Stream.every(TRACKS[lang], 12),)),
        "name": "Maria-Leopoldina Wolfeschlegelsteinhausen",
        "done": [date(2024, 5, 2), date(2024, 8, 1)],
        "today": date(2025, 6, 1),
        "holidays": public_holidays("ES-MD", lang),
        "weekends": Weekends.PREVIOUS,
    }
    return make_schedule(date(2024, 1, 31), **(values | extra))


def _lines(schedule: Schedule, lang: str) -> list[str]:
    with i18n.using(lang):
        return note_lines(schedule)


def _fits(lines: list[str]) -> None:
    assert 6 <= len(lines) <= MOST_LINES, lines
    assert all(len(line) <= WIDTH for line in lines), [line for line in lines if len(line) > WIDTH]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_busy_plan_fits_in_twelve_lines_of_a_hundred_characters(lang: str) -> None:
    """With a track, scans recorded and not, holidays and the weekday-before rule, in every
    language: at most 12 lines of at most 100 characters, nothing cut short."""
    lines = _lines(_busy(lang), lang)
    _fits(lines)
    assert not any(line.endswith(" …") for line in lines)


def test_the_note_says_what_a_clinician_needs() -> None:
    """The day it was seen from, the rule and its source, the choices, the next visit and its
    window, the track (in place of the three dates after the next), scans recorded and not,
    the end with the visits per stream and phase, and the notice; never the person's name."""
    text = to_note(_busy("en"))
    assert text == (
        "Follow-up as of 2025-06-01, counted from the treatment on 2024-01-31.\n"
        "CT/MRI, chest + abdomen: every 3 months to year 2, then 6 to year 5, then 12 (source: Lopes-Brás R,\n"
        "  et al. Cancers 2025;17(8):1295).\n"
        "Choices: 3 months in years 1–2 (source: 3–4); 10 years of follow-up (source: no end); weekends and\n"
        "  holidays of ES-MD to the weekday before.\n"
        "Next: visit 3, overdue: planned for Thursday 2024-10-31; its window closed on 2024-12-01.\n"
        "Extra tracks, not from the source: Brain MRI, every 12 months, next 2026-01-30.\n"
        "Scans: 2 recorded, the last on 2024-08-01; visit 4 not recorded (its window closed).\n"
        "Follow-up ends on 2034-01-31. CT/MRI, chest + abdomen: 19 visits over 10 years (years 1–2: 8, years\n"
        "  3–5: 6, from year 6: 5); Brain MRI: 10 visits over 10 years.\n"
        "Made with followup from a published rule: educational, not medical advice.\n"
    )
    assert "Maria" not in text


def test_due_now_not_recorded_and_ended() -> None:
    """A visit whose window is open is due now; earlier ones not recorded are counted; past
    the end, nothing is next and the end is in the past tense."""
    due = note_lines(make_schedule(date(2024, 1, 31), today=date(2024, 5, 2)))
    assert "Next: visit 1, due now: Tuesday 2024-04-30; window 2024-04-30 to 2024-05-31." in due
    unrecorded = note_lines(make_schedule(date(2024, 1, 31), today=date(2025, 3, 15)))
    assert "Scans: visits 1–4 not recorded (their windows closed)." in unrecorded
    ended = note_lines(make_schedule(date(2010, 1, 31), years=2, today=date(2025, 1, 1)))
    assert "Next: none; no visit is left in this plan." in ended
    assert "Follow-up ended on 2012-01-31. CT/MRI, chest + abdomen: 8 visits over 2 years." in ended
    assert not any(line.startswith("Then:") for line in ended)
    _fits(ended)


def test_without_a_today_the_note_counts_from_the_treatment() -> None:
    """A plan made without a day to see it from says so in its first line."""
    lines = note_lines(make_schedule(date(2024, 1, 31)))
    assert lines[0] == "Follow-up counted from the treatment on 2024-01-31."
    _fits(lines)


def test_the_rule_reads_in_months_when_a_phase_ends_mid_year() -> None:
    """Phase ends that are not whole years are given in months; a one-phase rule has no end."""
    halves = replace(
        IBERO_AMERICAN_2025.lead,
        phases=(Phase(0, 18, 3, (3, 3)), Phase(18, 60, 6, (6, 6)), Phase(60, None, 12, (12, 12))),
    )
    assert compact_rule(halves) == ("every 3 months to month 18, then 6 to year 5, then 12")
    one = replace(IBERO_AMERICAN_2025.lead, phases=(Phase(0, None, 6, (6, 6)),))
    assert compact_rule(one) == "every 6 months"


def test_a_protocol_file_too_long_for_the_note_is_cut_at_a_word() -> None:
    """A long citation and ten long tracks still give at most 12 lines: what does not fit
    ends with " …", cut between words."""
    source = Source("A" * 10 + " citation " * 40, "x " * 150, None, None, "", "file", "")
    tracks = tuple(Stream.every(f"Exam number {n} with a long name " * 2, 6 + n) for n in range(10))
    lead = replace(IBERO_AMERICAN_2025.lead, exam_short="An exam with a long name " * 4)
    protocol = replace(IBERO_AMERICAN_2025, streams=(lead, *tracks), source=source)
    lines = note_lines(make_schedule(date(2024, 1, 31), protocol=protocol, today=date(2024, 2, 1)))
    _fits(lines)
    assert any(line.endswith(" …") for line in lines)


@settings(max_examples=60, deadline=None)
@pytest.mark.untraced
@given(
    st.sampled_from(list(PRESETS.values())),
    st.dates(min_value=date(1995, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(1, 30),
    st.sampled_from(list(Weekends)),
    st.sampled_from(i18n.LANGUAGES),
    st.lists(st.integers(20, 4000), max_size=6),
    st.booleans(),
)
def test_any_preset_plan_fits_in_every_language(
    protocol: Any,
    start: date,
    years: int,
    weekends: Weekends,
    lang: str,
    gaps: list[int],
    track: bool,
) -> None:
    """Whatever the preset, dates, length, scans and language: 6 to 12 lines of at most 100."""
    today = date(2026, 1, 1)
    done, day = [], start
    for gap in gaps:
        day = date.fromordinal(day.toordinal() + gap)
        if day > today:
            break
        done.append(day)
    tracks = (Stream.every(TRACKS[lang], 12),) if track else ()
    schedule = make_schedule(
        start,
        protocol=protocol.with_tracks(tracks),
        years=years,
        weekends=weekends,
        done=done,
        today=today,
    )
    _fits(_lines(schedule, lang))


def test_the_note_is_a_text_file(runner: CliRunner, tmp_path: Path) -> None:
    """`-o plan.txt` writes the note, in the plan's language, as plain UTF-8 text."""
    assert format_for("plan.txt", None) is FORMATS["note"]
    assert FORMATS["note"].media_type == "text/plain; charset=utf-8"
    out = tmp_path / "plan.txt"
    result = runner.invoke(
        app, ["plan", "2024-01-31", "--today", "2024-02-01", "--lang", "pt-BR", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Acompanhamento em 2024-02-01, contado a partir do tratamento de")
    assert text.endswith("não é orientação médica.\n")

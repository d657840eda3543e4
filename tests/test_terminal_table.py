"""The terminal table at the widths people have: 40, 60, 80 (and piped output) and 120 columns.

Every plan, in every language and at every width: no line is wider than the
terminal, dates are never split, words are wrapped between words and never
broken, rows of an extra track say which exam they are, and what produced the
plan is still printed underneath.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from rich.cells import cell_len

import followup
from followup import _i18n as i18n
from followup import _wording as wording
from followup._export.tables import terminal_table
from followup._i18n import _
from followup._protocols import IBERO_AMERICAN_2025, Stream
from followup._public_holidays import public_holidays

LANGUAGES = ("en", "es", "pt", "pt-BR")
WIDTHS = (40, 60, 80, 120)


def _plain(lang: str) -> followup.Schedule:
    return followup.make_schedule(date(2024, 1, 31))


def _track(lang: str) -> followup.Schedule:
    protocol = IBERO_AMERICAN_2025.with_tracks((Stream.every("Brain MRI", 12),))
    return followup.make_schedule(date(2024, 1, 31), protocol=protocol)


def _done_and_holidays(lang: str) -> followup.Schedule:
    # Visit 2 falls on Christmas Day 2025 in Madrid, and later ones on weekends.
    return followup.make_schedule(
        date(2025, 6, 25),
        done=[date(2025, 9, 25)],
        today=date(2025, 10, 1),
        holidays=public_holidays("ES-MD", lang),
    )


def _everything(lang: str) -> followup.Schedule:
    protocol = IBERO_AMERICAN_2025.with_tracks((Stream.every("RM de crânio", 12),))
    return followup.make_schedule(
        date(2025, 6, 25),
        protocol=protocol,
        done=[date(2025, 9, 25)],
        today=date(2025, 10, 1),
        holidays=public_holidays("ES-MD", lang),
    )


PLANS: dict[str, Callable[[str], followup.Schedule]] = {
    "plain": _plain,
    "track": _track,
    "done-holiday": _done_and_holidays,
    "everything": _everything,
}


def _cases() -> Iterator[tuple[str, int, str]]:
    for lang in LANGUAGES:
        for width in WIDTHS:
            for plan in PLANS:
                yield lang, width, plan


CASES = pytest.mark.parametrize(("lang", "width", "plan"), list(_cases()))
# A grid of languages, widths and plans, as generated inputs are: run without coverage's
# tracer (see conftest), which the golden table and the command-line tests measure.
pytestmark = pytest.mark.untraced
# Only the plans that have what a test checks, rather than skipping the others.
WITH_TRACKS = pytest.mark.parametrize(
    ("lang", "width", "plan"), [case for case in _cases() if case[2] in ("track", "everything")]
)
WITH_SCANS_DONE = pytest.mark.parametrize(
    ("lang", "width", "plan"),
    [case for case in _cases() if case[2] in ("done-holiday", "everything")],
)


def _render(lang: str, width: int, plan: str) -> tuple[followup.Schedule, list[str]]:
    with i18n.using(lang):
        schedule = PLANS[plan](lang)
        text = terminal_table(schedule, width=width, color=False)
    return schedule, text.splitlines()


def _visit_lines(lines: list[str], lang: str) -> list[str]:
    """The lines that list the visits: everything above the notes, which start with the exam."""
    with i18n.using(lang):
        exam_note = f"{_('Exam')}: "
    end = next(index for index, line in enumerate(lines) if line.startswith(exam_note))
    return lines[:end]


def _words(lines: list[str]) -> set[str]:
    """Every word printed, without the table's rules and edges or the brackets around a holiday."""
    return {word for line in lines for word in re.split(r"[\s│┃()]+", line) if word}


def _exams(schedule: followup.Schedule, lang: str) -> list[str]:
    """The exam of each visit, as the table names it, in the order the visits are listed."""
    with i18n.using(lang):
        return [wording.exam_short(schedule, visit) for visit in schedule.visits]


def _rows(schedule: followup.Schedule, lines: list[str]) -> list[list[str]]:
    """The lines of each visit: from the line with its date to the line before the next visit's."""
    starts: list[int] = []
    for visit in schedule.visits:
        after = starts[-1] + 1 if starts else 0
        day = visit.date.isoformat()
        starts.append(next(i for i in range(after, len(lines)) if day in lines[i]))
    return [lines[start:end] for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]


@CASES
def test_no_line_is_wider_than_the_terminal(lang: str, width: int, plan: str) -> None:
    """Measured in terminal cells (accents and dashes count as one), no line passes the width."""
    _schedule, lines = _render(lang, width, plan)
    too_wide = [line for line in lines if cell_len(line) > width]
    assert too_wide == []


@CASES
def test_every_date_is_whole_on_one_line(lang: str, width: int, plan: str) -> None:
    """Each visit's ISO date is printed unbroken, in the rows, once per visit on that day."""
    schedule, lines = _render(lang, width, plan)
    listed = _visit_lines(lines, lang)
    for visit in schedule.visits:
        day = visit.date.isoformat()
        same_day = sum(1 for other in schedule.visits if other.date == visit.date)
        assert sum(line.count(day) for line in listed) >= same_day, day


@CASES
def test_exam_names_are_wrapped_between_words(lang: str, width: int, plan: str) -> None:
    """Each word of an exam's name appears whole, in the rows (with a track) and in the notes."""
    schedule, lines = _render(lang, width, plan)
    listed = _visit_lines(lines, lang)
    if schedule.several_streams:
        shown = _words(listed)
        for exam in set(_exams(schedule, lang)):
            assert [word for word in exam.split() if word not in shown] == [], exam
    notes = _words(lines[len(listed) :])
    with i18n.using(lang):
        exam = _(schedule.protocol.lead.exam)
    assert [word for word in exam.split() if word not in notes] == []


@WITH_TRACKS
def test_extra_track_rows_say_their_exam(lang: str, width: int, plan: str) -> None:
    """With a track, each visit's lines name its exam, so a CT and an MRI on one day differ."""
    schedule, lines = _render(lang, width, plan)
    assert schedule.several_streams
    rows = _rows(schedule, _visit_lines(lines, lang))
    for exam, row in zip(_exams(schedule, lang), rows, strict=True):
        missing = [word for word in exam.split() if word not in _words(row)]
        assert missing == [], (exam, row)


@CASES
def test_title_and_notes_are_printed(lang: str, width: int, plan: str) -> None:
    """The title, and every labelled note with the notice, are there in full."""
    schedule, lines = _render(lang, width, plan)
    flat = " ".join(" ".join(lines).split())
    with i18n.using(lang):
        assert wording.title(schedule) in flat
        labels = [_("Exam"), *(fact.label for fact in wording.about(schedule))]
        assert wording.disclaimer() in flat
    starts = {line.split(":")[0] for line in lines if ":" in line}
    assert [label for label in labels if label not in starts] == []


@WITH_SCANS_DONE
def test_done_scans_and_holidays_are_named(lang: str, width: int, plan: str) -> None:
    """Scans done show their status at every width; a holiday move names the holiday from 60
    columns on, or from 80 when an exam column takes room too."""
    schedule, lines = _render(lang, width, plan)
    assert schedule.done
    shown = _words(_visit_lines(lines, lang))
    with i18n.using(lang):
        statuses = {wording.status(schedule, visit) for visit in schedule.visits}
    assert len(statuses) > 1
    assert [word for status in statuses for word in status.split() if word not in shown] == []
    if width >= (80 if schedule.several_streams else 60):
        for holiday in {visit.holiday for visit in schedule.visits if visit.holiday}:
            assert [word for word in holiday.split() if word not in shown] == [], holiday


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_name_in_the_title_is_not_broken(width: int) -> None:
    """A name wider than a narrow table stays whole, above the table, in a title still bold."""
    name = "Wolfeschlegelsteinhausenbergerdörff"
    schedule = followup.make_schedule(date(2024, 2, 29), name=name, weekends=followup.Weekends.KEEP)
    lines = terminal_table(schedule, width=width, color=False).splitlines()
    assert any(name in line for line in lines)
    assert max(cell_len(line) for line in lines) <= width
    styled = terminal_table(schedule, width=width, color=True).splitlines()
    assert any(line.startswith("\x1b[1m") and name in line for line in styled)

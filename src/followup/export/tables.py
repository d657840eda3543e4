"""Tabular exports: CSV, Markdown, JSON, and the terminal table (rich)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from followup import wording
from followup.i18n import N_, _
from followup.schedule import Schedule, Standing, Visit

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "HEADERS",
    "headers",
    "next_json",
    "rich_table",
    "rows",
    "terminal_table",
    "to_csv",
    "to_json",
    "to_markdown",
    "visit_json",
]

HEADERS = (
    "#",
    N_("Date"),
    N_("Weekday"),
    N_("Status"),
    N_("Due by the rule"),
    N_("Counted from"),
    N_("Window"),
    N_("Phase"),
    N_("Exam"),
    N_("Note"),
)


def headers() -> list[str]:
    """The column headers of CSV and Markdown, in the active language."""
    return [_(header) if header != "#" else header for header in HEADERS]


def _row(schedule: Schedule, visit: Visit) -> tuple[str, ...]:
    return (
        str(visit.number),
        visit.date.isoformat(),
        wording.weekday(visit.date),
        wording.status(visit),
        visit.due_date.isoformat(),
        wording.counted_from(visit),
        wording.window(visit),
        _("extra track") if visit.track else wording.phase_label(visit.phase),
        wording.exam(schedule, visit),
        wording.moved_note(visit, schedule.weekends),
    )


def rows(schedule: Schedule) -> list[tuple[str, ...]]:
    """One row of text cells per visit, extra tracks included, by date; see `HEADERS`."""
    return [_row(schedule, visit) for visit in schedule.all_visits()]


# A spreadsheet runs a cell that starts with one of these as a formula, also
# after spaces or line separators it trims, and in their full-width forms.
_FORMULA_SIGNS = "=+-@＝＋－＠"


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    trimmed = cell.lstrip()
    risky = cell.startswith(("\t", "\r")) or trimmed[:1] in tuple(_FORMULA_SIGNS)
    return "'" + cell if trimmed and risky else cell


def to_csv(schedule: Schedule) -> str:
    """One row per visit, then a blank row and the labelled notes about the plan.

    Starts with a byte order mark so that spreadsheets read it as UTF-8.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerows([inert(cell) for cell in row] for row in rows(schedule))
    writer.writerow(())
    if schedule.name:
        writer.writerow((_("Plan for"), inert(schedule.name)))
    writer.writerows((fact.label, inert(fact.text)) for fact in wording.about(schedule))
    return out.getvalue()


# Enough to keep user text from becoming emphasis, links, HTML or table cells;
# dashes and dots stay readable because no cell starts a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def _md(text: str) -> str:
    """Text that Markdown shows as written, never as markup or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(schedule: Schedule) -> str:
    lines = [f"# {_md(wording.title(schedule))}", ""]
    facts = [fact for fact in wording.about(schedule) if fact.key != "notice"]
    lines += [f"- **{_md(fact.label)}:** {_md(fact.text)}" for fact in facts]
    lines += ["", "| " + " | ".join(headers()) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows(schedule)]
    lines += ["", f"> {_md(wording.disclaimer())}", ""]
    return "\n".join(lines)


def visit_json(schedule: Schedule, visit: Visit) -> dict[str, Any]:
    """One visit as JSON: dates in ISO form, the anchor, window and phase spelled out."""
    low, high = visit.phase.allowed
    return {
        "number": visit.number,
        "status": visit.status.value,
        "date": visit.date.isoformat(),
        "due_date": visit.due_date.isoformat(),
        "weekday": wording.weekday(visit.date),
        "moved": visit.moved,
        "holiday": visit.holiday,
        "counted_from": {
            "anchor": "treatment" if visit.anchor_number == 0 else "scan",
            "scan_number": visit.anchor_number or None,
            "date": visit.anchor.isoformat(),
            "months": visit.months,
        },
        "window": {
            "min_months": low,
            "max_months": high,
            "after": "treatment" if visit.number == 1 else "previous_visit",
            "text": wording.window(visit),
        },
        "phase": wording.phase_label(visit.phase),
        "exam": wording.exam(schedule, visit),
    }


def to_json(schedule: Schedule) -> str:
    protocol = schedule.protocol
    document = {
        "treatment_date": schedule.treatment_date.isoformat(),
        "name": schedule.name,
        "end_date": schedule.end_date.isoformat(),
        "choices": {
            "early_interval": protocol.phases[0].every_months,
            "early_until_month": protocol.phases[0].until_month,
            "years": schedule.years,
            "weekends": schedule.weekends.value,
            "holidays": schedule.holidays,
            "done": [visit.date.isoformat() for visit in schedule.done],
        },
        "protocol": {
            "id": protocol.id,
            "name": _(protocol.name),
            "exam": _(protocol.exam),
            "phases": [
                {
                    "from_month": phase.from_month,
                    "until_month": phase.until_month,
                    "every_months": phase.every_months,
                    "allowed_months": list(phase.allowed),
                    "until_allowed": list(phase.until_allowed) if phase.until_allowed else None,
                    "label": wording.phase_label(phase),
                }
                for phase in protocol.phases
            ],
            "source": _source_json(schedule),
        },
        "notes": _notes(schedule),
        "disclaimer": wording.disclaimer(),
        "visits": [visit_json(schedule, visit) for visit in schedule.visits],
        "tracks": [
            {
                "exam": track.exam,
                "every_months": track.every_months,
                "note": wording.track_note(),
                "visits": [
                    visit_json(schedule, visit)
                    for visit in schedule.track_visits
                    if visit.track == track
                ],
            }
            for track in protocol.tracks
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def next_json(schedule: Schedule, today: date) -> str:
    """The answer of `followup next` as JSON: the visit, days until it, and what produced it."""
    upcoming = schedule.next_from(today)
    visit = upcoming.visit
    document = {
        "today": today.isoformat(),
        "treatment_date": schedule.treatment_date.isoformat(),
        "visit": visit_json(schedule, visit) if visit else None,
        "days_until": upcoming.days_until,
        "overdue": upcoming.standing is Standing.OVERDUE,
        "visits_total": len(schedule.visits),
        "visits_done": len(schedule.done),
        "end_date": schedule.end_date.isoformat(),
        "protocol": {"id": schedule.protocol.id, "name": _(schedule.protocol.name)},
        "source": _source_json(schedule),
        "sentence": wording.next_visit(schedule, upcoming),
        "disclaimer": wording.disclaimer(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _notes(schedule: Schedule) -> dict[str, str]:
    """The labelled lines about the plan, keyed in English; several notes join into one."""
    notes: dict[str, str] = {}
    for fact in wording.about(schedule):
        notes[fact.key] = f"{notes[fact.key]} {fact.text}" if fact.key in notes else fact.text
    return notes


def _source_json(schedule: Schedule) -> dict[str, str | int | None]:
    source = schedule.protocol.source
    return {
        "citation": source.citation,
        "year": source.year,
        "url": source.url,
        "quote": source.quote,
        "quoted_from": _(source.quoted_from),
        "verification": _(source.verification),
    }


def rich_table(schedule: Schedule) -> RenderableType:
    """The schedule as a rich table, with what produced it underneath."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=escape(wording.title(schedule)),
        title_style="bold",
        caption=_(
            "From: months after the treatment, or after the last visit done. "
            "Window: months after the previous visit."
        ),
    )
    with_status = bool(schedule.done)
    with_exam = bool(schedule.track_visits)
    columns: list[tuple[str, bool]] = [  # (header, may wrap)
        ("#", False),
        (_("Date"), False),
        *([(_("Status"), False)] * with_status),
        *([(_("Exam"), True)] * with_exam),
        (_("From"), False),
        (_("Window"), False),
        (_("Moved from"), True),  # a holiday's name can be long
    ]
    visits = schedule.all_visits()
    cells = [
        [
            str(visit.number),
            wording.short_date(visit.date),
            *([wording.status(visit)] * with_status),
            *([wording.exam_short(schedule, visit)] * with_exam),
            _counted_from_short(visit),
            wording.span(*visit.phase.allowed),
            _moved_short(visit),
        ]
        for visit in visits
    ]
    for index, (header, wraps) in enumerate(columns):
        # Columns that must not wrap keep their full width; the others give way.
        widest = max([len(header), *(len(row[index]) for row in cells)])
        table.add_column(
            header,
            no_wrap=not wraps,
            min_width=None if wraps else widest,
            overflow="fold",
            justify="right" if header == "#" else "left",
        )
    for visit, row in zip(visits, cells, strict=True):
        table.add_row(*(escape(cell) for cell in row), style="dim" if visit.done else None)
    about = [(_("Exam"), _(schedule.protocol.exam))]
    about += [(fact.label, fact.text) for fact in wording.about(schedule)]
    notes = [Text.assemble((f"{label}: ", "bold"), text) for label, text in about]
    return Group(table, *notes)


def _moved_short(visit: Visit) -> str:
    """`Sat 2026-01-31`: the rule's date when the visit was moved, else ''."""
    if not visit.moved:
        return ""
    holiday = f" ({visit.holiday})" if visit.holiday else ""
    return f"{wording.short_date(visit.due_date)}{holiday}"


def _counted_from_short(visit: Visit) -> str:
    """`treatment +3`, `visit 2 +6`: the anchor and the months after it."""
    if visit.anchor_number == 0:
        return _("treatment +{months}").format(months=visit.months)
    return _("visit {number} +{months}").format(number=visit.anchor_number, months=visit.months)


def terminal_table(schedule: Schedule, *, width: int, color: bool) -> str:
    """The rich table as text `width` columns wide; with terminal styles when `color`."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    console.print(rich_table(schedule))
    return buffer.getvalue()

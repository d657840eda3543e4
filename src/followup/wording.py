"""Every sentence a person reads, in one place, so all outputs say the same thing."""

from __future__ import annotations

from datetime import date

from followup.dates import Weekends
from followup.protocols import Phase
from followup.schedule import Schedule, Visit

__all__ = [
    "DISCLAIMER",
    "about",
    "calendar_name",
    "long_date",
    "phase_label",
    "reminder",
    "summary",
    "title",
    "visit_details",
    "window",
]

DISCLAIMER = (
    "For education only, not medical advice: your care team decides which scans you need and when."
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def short_date(day: date) -> str:
    """`Tue 2024-04-30`, for narrow tables."""
    return f"{weekday(day)[:3]} {day.isoformat()}"


def long_date(day: date) -> str:
    """`Tuesday 2024-04-30`: the weekday helps, the ISO form is never misread."""
    return f"{weekday(day)} {day.isoformat()}"


def months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def _span(low: int, high: int) -> str:
    return f"{low}–{high}" if low != high else str(low)


def phase_label(phase: Phase) -> str:
    """`years 1–2`, `years 3–5`, `from year 6`; in months when years are not whole."""
    start, end = phase.from_month, phase.until_month
    if start % 12 == 0 and (end is None or end % 12 == 0):
        if end is None:
            return f"from year {start // 12 + 1}"
        return f"year {end // 12}" if end - start == 12 else f"years {start // 12 + 1}–{end // 12}"
    if end is None:
        return f"from month {start}"
    return f"months {start}–{end}"


def phase_rule(phase: Phase) -> str:
    """`years 1–2: every 3–4 months (this plan: 3)`."""
    low, high = phase.allowed
    if low == high:
        return f"{phase_label(phase)}: every {months(low)}"
    return f"{phase_label(phase)}: every {low}–{high} months (this plan: {phase.every_months})"


def gap(visit: Visit) -> str:
    """`3–4 months`: the window alone, for narrow tables."""
    return f"{_span(*visit.phase.allowed)} months"


def window(visit: Visit) -> str:
    """How long after the previous scan (or the treatment) this one is due."""
    after = "the treatment" if visit.number == 1 else "the previous scan"
    return f"{gap(visit)} after {after}"


def title(schedule: Schedule) -> str:
    base = "Follow-up scan plan"
    return f"{base} for {schedule.name}" if schedule.name else base


def calendar_name(schedule: Schedule) -> str:
    base = "Follow-up scans"
    return f"{base} – {schedule.name}" if schedule.name else base


def summary(schedule: Schedule, visit: Visit) -> str:
    """What a calendar shows at a glance."""
    total = len(schedule.visits)
    return f"Follow-up {schedule.protocol.exam_short} ({visit.number} of {total})"


def reminder(schedule: Schedule, visit: Visit, days: int) -> str:
    return (
        f"In {days} days: follow-up scan {visit.number} of {len(schedule.visits)} "
        f"({schedule.protocol.exam}). Time to book it if it is not booked yet."
    )


def moved_note(visit: Visit, rule: Weekends) -> str:
    """Why the date shown is not the date the rule gives, or '' when it is."""
    if not visit.moved:
        return ""
    direction = "next" if rule is Weekends.NEXT else "previous"
    return f"due {long_date(visit.due_date)}, a weekend day; moved to the {direction} weekday"


def moved_short(visit: Visit) -> str:
    """`due Sat 2026-01-31`, or '' when the visit was not moved."""
    return f"due {short_date(visit.due_date)}" if visit.moved else ""


def visit_details(schedule: Schedule, visit: Visit) -> list[str]:
    """The lines that explain one visit: exam, timing, window, phase."""
    due = f"{long_date(visit.due_date)}."
    if visit.moved:
        due = f"{long_date(visit.due_date)}, a weekend day, so moved to {long_date(visit.date)}."
    return [
        f"Scan {visit.number} of {len(schedule.visits)}: {schedule.protocol.exam}.",
        f"Due {months(visit.months)} after the treatment date "
        f"({schedule.treatment_date.isoformat()}): {due}",
        f"Window: {window(visit)}; {phase_rule(visit.phase)}.",
    ]


def choices(schedule: Schedule) -> str:
    """The choices that shaped this plan, each one the user can change."""
    first = schedule.protocol.phases[0]
    parts = []
    if first.allowed[0] != first.allowed[1]:
        parts.append(
            f"{months(first.every_months)} between scans in {phase_label(first)} "
            f"(the source allows {_span(*first.allowed)})"
        )
    weekend = {
        Weekends.NEXT: "weekend dates move to the Monday after",
        Weekends.PREVIOUS: "weekend dates move to the Friday before",
        Weekends.KEEP: "weekend dates are kept",
    }[schedule.weekends]
    parts.append(weekend)
    return "; ".join(parts) + "."


def horizon(schedule: Schedule) -> str:
    return (
        f"Planned for {schedule.years} years, to {schedule.end_date.isoformat()}. "
        "The source sets no end to yearly scans: this length is a choice to agree "
        "with the care team."
    )


def horizon_short(schedule: Schedule) -> str:
    return f"Follow-up length: {schedule.years} years, a choice (the source sets no end)."


def start(schedule: Schedule) -> str:
    return (
        f"Counted from the treatment date {long_date(schedule.treatment_date)}; "
        "the usual choice is the day of the last liver surgery or ablation."
    )


def rule(schedule: Schedule) -> str:
    source = schedule.protocol.source
    return f"“{source.quote}” (the consensus as summarised in the {source.quoted_from})"


def source(schedule: Schedule) -> str:
    source = schedule.protocol.source
    return f"{source.citation} {source.url}"


def about(schedule: Schedule) -> list[tuple[str, str]]:
    """Labelled lines that every output carries: what produced this plan, and the notice."""
    return [
        ("Protocol", schedule.protocol.name),
        ("Rule", rule(schedule)),
        ("Source", source(schedule)),
        ("Checked", schedule.protocol.source.verification),
        ("Start", start(schedule)),
        ("Choices", choices(schedule)),
        ("Length", horizon(schedule)),
        ("Notice", DISCLAIMER),
    ]

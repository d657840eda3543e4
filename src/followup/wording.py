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
    "next_footer",
    "next_visit",
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


def window_months(visit: Visit) -> str:
    """`3–4`: the window's months, for the narrowest tables."""
    return _span(*visit.phase.allowed)


def gap(visit: Visit) -> str:
    """`3–4 months`: the window alone, for narrow tables."""
    return f"{window_months(visit)} months"


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
    text = f"Follow-up {schedule.protocol.exam_short} ({visit.number} of {total})"
    return f"{text}, done" if visit.done else text


def reminder(schedule: Schedule, visit: Visit, days: int) -> str:
    return (
        f"In {days} days: follow-up scan {visit.number} of {len(schedule.visits)} "
        f"({schedule.protocol.exam}). Time to book it if it is not booked yet."
    )


def status(visit: Visit) -> str:
    return "done" if visit.done else "planned"


def _closed_reason(visit: Visit) -> str:
    return f"a public holiday ({visit.holiday})" if visit.holiday else "a weekend day"


def moved_note(visit: Visit, rule: Weekends) -> str:
    """Why the date shown is not the date the rule gives, or '' when it is."""
    if visit.done:
        return f"done; the rule gave {long_date(visit.due_date)}"
    if not visit.moved:
        return ""
    direction = "next" if rule is Weekends.NEXT else "previous"
    reason = _closed_reason(visit)
    return f"due {long_date(visit.due_date)}, {reason}; moved to the {direction} open day"


def moved_short(visit: Visit) -> str:
    """`Sat 2026-01-31`: the rule's date when the visit was moved, else ''."""
    if not visit.moved:
        return ""
    holiday = f" ({visit.holiday})" if visit.holiday else ""
    return f"{short_date(visit.due_date)}{holiday}"


def counted_from_short(visit: Visit) -> str:
    """`treatment +3`, `scan 2 +6`: the anchor and the months after it."""
    anchor = "treatment" if visit.anchor_number == 0 else f"scan {visit.anchor_number}"
    return f"{anchor} +{visit.months}"


def counted_from(visit: Visit) -> str:
    """`treatment + 3 months` or `scan 2 + 6 months`: the anchor of the due date."""
    anchor = "treatment" if visit.anchor_number == 0 else f"scan {visit.anchor_number}"
    return f"{anchor} + {months(visit.months)}"


def _anchor(visit: Visit) -> str:
    if visit.anchor_number == 0:
        return f"the treatment date ({visit.anchor.isoformat()})"
    return f"scan {visit.anchor_number}, done {visit.anchor.isoformat()}"


def visit_details(schedule: Schedule, visit: Visit) -> list[str]:
    """The lines that explain one visit: exam, timing, window, phase."""
    head = f"Scan {visit.number} of {len(schedule.visits)}: {schedule.protocol.exam}."
    rule_date = f"{months(visit.months)} after {_anchor(visit)}"
    if visit.done:
        timing = (
            f"Done on {long_date(visit.date)}; "
            f"the rule gave {long_date(visit.due_date)}, {rule_date}."
        )
    elif visit.moved:
        timing = (
            f"Due {rule_date}: {long_date(visit.due_date)}, {_closed_reason(visit)}, "
            f"so moved to {long_date(visit.date)}."
        )
    else:
        timing = f"Due {rule_date}: {long_date(visit.due_date)}."
    return [head, timing, f"Window: {window(visit)}; {phase_rule(visit.phase)}."]


def next_visit(schedule: Schedule, today: date) -> str:
    """One sentence: the next scan to book, and how far away it is."""
    visit = schedule.next_visit()
    if visit is None:
        return f"No scan left in this plan: follow-up ends {schedule.end_date.isoformat()}."
    days = (visit.date - today).days
    when = (
        "today"
        if days == 0
        else f"in {days} day{'s' * (days != 1)}"
        if days > 0
        else f"overdue by {-days} day{'s' * (days != -1)}"
    )
    return (
        f"Next: scan {visit.number} of {len(schedule.visits)}, {schedule.protocol.exam}, "
        f"on {long_date(visit.date)} ({when}). Window: {window(visit)}."
    )


def next_footer(schedule: Schedule) -> list[str]:
    """What produced the answer of `followup next`, and the notice."""
    source = schedule.protocol.source
    return [
        f"Plan: {schedule.protocol.name}; {source.short_citation} {source.url}",
        f"Choices: {choices(schedule)} {horizon_short(schedule)}",
        DISCLAIMER,
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
        Weekends.NEXT: "weekend dates move to the next weekday",
        Weekends.PREVIOUS: "weekend dates move to the weekday before",
        Weekends.KEEP: "weekend dates are kept",
    }[schedule.weekends]
    parts.append(weekend)
    if schedule.holidays:
        closed = "kept" if schedule.weekends is Weekends.KEEP else "moved the same way"
        parts.append(f"public holidays of {schedule.holidays} are {closed}")
    if schedule.done:
        parts.append(
            f"{len(schedule.done)} scan{'s' * (len(schedule.done) != 1)} done; "
            "later dates count from the last one"
        )
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

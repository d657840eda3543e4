"""Every sentence a person reads, in one place, so all outputs say the same thing."""

from __future__ import annotations

from datetime import date

from followup.dates import Weekends
from followup.protocols import Phase, Protocol
from followup.schedule import Schedule, Visit

__all__ = [
    "DISCLAIMER",
    "TRACK_NOTE",
    "about",
    "calendar_name",
    "exam",
    "long_date",
    "next_footer",
    "next_visit",
    "phase_label",
    "phase_rule",
    "protocol_details",
    "protocol_list",
    "questions",
    "reminder",
    "summary",
    "title",
    "visit_details",
    "window",
]

DISCLAIMER = (
    "For education only, not medical advice: your care team decides which scans you need and when."
)
TRACK_NOTE = (
    "An extra track added by choice, with a cadence chosen by the user, not by the "
    "source: discuss it with the care team."
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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
    """`years 1–3: every 3–4 months (here 3); the source gives 2–3 years for this phase`."""
    low, high = phase.allowed
    rule = f"{phase_label(phase)}: every {months(low) if low == high else f'{low}–{high} months'}"
    if low != high:
        rule += f" (here {phase.every_months})"
    if phase.until_allowed is not None:
        first, last = phase.until_allowed
        rule += f"; the source gives months {first}–{last} for its end (here {phase.until_month})"
    return rule


def exam(schedule: Schedule, visit: Visit) -> str:
    return visit.track.exam if visit.track else schedule.protocol.exam


def window_months(visit: Visit) -> str:
    """`3–4`: the window's months, for the narrowest tables."""
    return _span(*visit.phase.allowed)


def gap(visit: Visit) -> str:
    """`3–4 months`: the window alone, for narrow tables."""
    return f"{window_months(visit)} months"


def window(visit: Visit) -> str:
    """How long after the previous visit (or the treatment) this one is due."""
    after = "the treatment" if visit.number == 1 else "the previous visit"
    return f"{gap(visit)} after {after}"


def title(schedule: Schedule) -> str:
    base = "Follow-up plan"
    return f"{base} for {schedule.name}" if schedule.name else base


def calendar_name(schedule: Schedule) -> str:
    base = "Follow-up visits"
    return f"{base} – {schedule.name}" if schedule.name else base


def summary(schedule: Schedule, visit: Visit) -> str:
    """What a calendar shows at a glance."""
    total = schedule.count(visit)
    if visit.track:
        return f"{visit.track.exam} ({visit.number} of {total}), extra track"
    text = f"Follow-up {schedule.protocol.exam_short} ({visit.number} of {total})"
    return f"{text}, done" if visit.done else text


def reminder(schedule: Schedule, visit: Visit, days: int) -> str:
    return (
        f"In {days} days: follow-up visit {visit.number} of {schedule.count(visit)} "
        f"({exam(schedule, visit)}). Time to book it if it is not booked yet."
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


def _anchor_name(visit: Visit) -> str:
    return "treatment" if visit.anchor_number == 0 else f"visit {visit.anchor_number}"


def counted_from_short(visit: Visit) -> str:
    """`treatment +3`, `visit 2 +6`: the anchor and the months after it."""
    return f"{_anchor_name(visit)} +{visit.months}"


def counted_from(visit: Visit) -> str:
    """`treatment + 3 months` or `visit 2 + 6 months`: the anchor of the due date."""
    return f"{_anchor_name(visit)} + {months(visit.months)}"


def _anchor(visit: Visit) -> str:
    if visit.anchor_number == 0:
        return f"the treatment date ({visit.anchor.isoformat()})"
    return f"visit {visit.anchor_number}, done {visit.anchor.isoformat()}"


def visit_details(schedule: Schedule, visit: Visit) -> list[str]:
    """The lines that explain one visit: exam, timing, window, phase."""
    head = f"Visit {visit.number} of {schedule.count(visit)}: {exam(schedule, visit)}."
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
    if visit.track:
        return [head, timing, f"Every {months(visit.track.every_months)}. {TRACK_NOTE}"]
    return [head, timing, f"Window: {window(visit)}; {phase_rule(visit.phase)}."]


def next_visit(schedule: Schedule, today: date) -> str:
    """One sentence: the next visit to book, and how far away it is."""
    visit = schedule.next_visit()
    if visit is None:
        return f"No visit left in this plan: follow-up ends {schedule.end_date.isoformat()}."
    days = (visit.date - today).days
    if days == 0:
        when = "today"
    elif days > 0:
        when = f"in {_plural(days, 'day')}"
    else:
        when = f"overdue by {_plural(-days, 'day')}"
    return (
        f"Next: visit {visit.number} of {len(schedule.visits)}, {schedule.protocol.exam}, "
        f"on {long_date(visit.date)} ({when}). Window: {window(visit)}."
    )


def next_footer(schedule: Schedule) -> list[str]:
    """What produced the answer of `followup next`, and the notice."""
    return [
        f"Plan: {schedule.protocol.name}; {source(schedule, short=True)}",
        f"Choices: {choices(schedule)} {horizon_short(schedule)}",
        DISCLAIMER,
    ]


def choices(schedule: Schedule) -> str:
    """The choices that shaped this plan, each one the user can change."""
    first = schedule.protocol.phases[0]
    parts = []
    if first.allowed[0] != first.allowed[1]:
        parts.append(
            f"{months(first.every_months)} between visits in {phase_label(first)} "
            f"(the source allows {_span(*first.allowed)})"
        )
    if first.until_allowed is not None:
        parts.append(
            f"a first phase of {months(first.until_month or 0)} "
            f"(the source gives {_span(*first.until_allowed)} months)"
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
            f"{_plural(len(schedule.done), 'visit')} done; later dates count from the last one"
        )
    return "; ".join(parts) + "."


def horizon(schedule: Schedule) -> str:
    return (
        f"Planned for {schedule.years} years, to {schedule.end_date.isoformat()}. "
        "The source sets no end to its last phase: this length is a choice to agree "
        "with the care team."
    )


def horizon_short(schedule: Schedule) -> str:
    return f"Follow-up length: {schedule.years} years, a choice (the source sets no end)."


def start(schedule: Schedule) -> str:
    return (
        f"Counted from the treatment date {long_date(schedule.treatment_date)}; "
        f"{schedule.protocol.start_hint}."
    )


def phases(schedule: Schedule) -> str:
    return "; ".join(phase_rule(phase) for phase in schedule.protocol.phases) + "."


def rule(schedule: Schedule) -> str:
    """The source's own words, quoted and attributed; or the phases, for a local file."""
    source = schedule.protocol.source
    if not source.quote:
        return f"as set in the {source.quoted_from}: {phases(schedule)}"
    return f"“{source.quote}” (wording of the {source.quoted_from})"


def source(schedule: Schedule, *, short: bool = False) -> str:
    source = schedule.protocol.source
    citation = source.short_citation if short else source.citation
    return f"{citation} {source.url}" if source.url else citation


def tracks(schedule: Schedule) -> str:
    listed = "; ".join(
        f"{track.exam}, every {months(track.every_months)}" for track in schedule.protocol.tracks
    )
    return f"{listed}. {TRACK_NOTE}"


def about(schedule: Schedule) -> list[tuple[str, str]]:
    """Labelled lines that every output carries: what produced this plan, and the notice."""
    protocol = schedule.protocol
    lines = [
        ("Protocol", f"{protocol.name} [{protocol.id}]"),
        ("Rule", rule(schedule)),
        ("Phases", phases(schedule)),
        ("Source", source(schedule)),
        ("Checked", protocol.source.verification),
        ("Start", start(schedule)),
        ("Choices", choices(schedule)),
        ("Length", horizon(schedule)),
    ]
    if protocol.tracks:
        lines.append(("Extra tracks", tracks(schedule)))
    lines.extend(("Note", note) for note in protocol.notes)
    lines.append(("Notice", DISCLAIMER))
    return lines


SHEET_WINDOW_NOTE = (
    "Window: months after the previous visit (for the first, after the treatment). "
    "* marks an extra track."
)

QUESTIONS_LIVER = (
    "Are my liver metastases few and confined enough to be called oligometastatic, "
    "and what would that change for me?",
    "Could surgery, or an ablation that destroys the metastases in place, help in my case?",
    "Has a team that treats many sarcomas, with liver surgeons or ablation specialists, "
    "reviewed my scans and my plan?",
    "Which scans should I have from now on, how often and for how long, and is this "
    "plan the right one for me?",
    "Are there clinical trials or targeted treatments that I could take part in?",
)
QUESTIONS_GENERAL = (
    "Has a team that treats many sarcomas reviewed my case and my follow-up plan?",
    "Which scans or visits should I have from now on, how often and for how long, "
    "and is this plan the right one for me?",
    "Are there clinical trials or targeted treatments that I could take part in?",
)


def questions(schedule: Schedule) -> tuple[str, ...]:
    """Questions worth bringing to the care team, from the themes of the discussion sheet."""
    return QUESTIONS_LIVER if schedule.protocol.id == "ibero-american-2025" else QUESTIONS_GENERAL


def sheet_lead(schedule: Schedule) -> str:
    return (
        f"{schedule.protocol.exam}, counted from the treatment date "
        f"{long_date(schedule.treatment_date)} ({schedule.protocol.start_hint})."
    )


def generated(stamp: date, version: str) -> str:
    return f"Made on {stamp.isoformat()} by followup {version}."


def protocol_list(presets: dict[str, Protocol], default: Protocol) -> str:
    """`followup protocols`: each preset's id, name and source, two lines each."""
    lines = []
    for protocol in presets.values():
        marker = " (default)" if protocol.id == default.id else ""
        lines.append(f"{protocol.id}{marker}")
        lines.append(f"    {protocol.name}")
        lines.append(
            f"    {protocol.source.short_citation} Checked: {protocol.source.verification}"
        )
    lines.append("")
    lines.append("'followup protocols show ID' prints the phases and the quoted source.")
    return "\n".join(lines) + "\n"


def protocol_details(protocol: Protocol) -> str:
    """`followup protocols show`: everything a plan from this protocol rests on."""
    source = protocol.source
    first = protocol.phases[0]
    lines = [
        f"{protocol.name} [{protocol.id}]",
        "",
        f"Exam: {protocol.exam}",
        "Phases (months after the treatment date):",
        *(f"  {phase_rule(phase)}" for phase in protocol.phases),
    ]
    if protocol.tracks:
        lines.append("Extra tracks:")
        lines.extend(f"  {t.exam}, every {months(t.every_months)}" for t in protocol.tracks)
    choices = []
    if first.allowed[0] != first.allowed[1]:
        choices.append(f"--early-interval {_span(*first.allowed)}")
    if first.until_allowed is not None:
        low, high = (m // 12 for m in first.until_allowed)
        choices.append(f"--early-years {_span(low, high)}")
    choices.append("--years 1–30 (default 10)")
    lines += [
        f"Choices: {', '.join(choices)}.",
        f"Start: {protocol.start_hint}.",
        "",
        f"Source: {source.citation}" + (f" {source.url}" if source.url else ""),
    ]
    if source.quote:
        lines.append(f"Wording: “{source.quote}” ({source.quoted_from})")
    lines.append(f"Checked: {source.verification}")
    lines.extend(f"Note: {note}" for note in protocol.notes)
    lines += ["", DISCLAIMER]
    return "\n".join(lines) + "\n"

"""Every sentence a person reads, in one place, so all outputs say the same thing.

Each sentence is a gettext message (`_`), filled in with `str.format`, so that a
translator sees whole sentences and can reorder them. Data defined elsewhere —
protocol names, exams, notes — is marked there with `N_` and translated here.
A source's own words are quoted as they were written, never translated.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from followup.dates import Weekends
from followup.i18n import N_, _, ngettext
from followup.i18n import long_date as long_date
from followup.i18n import short_date as short_date
from followup.i18n import weekday as weekday
from followup.protocols import IBERO_AMERICAN_2025, Phase, Protocol
from followup.schedule import Schedule, Visit

__all__ = [
    "Fact",
    "about",
    "calendar_name",
    "disclaimer",
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
    "short_date",
    "summary",
    "title",
    "visit_details",
    "weekday",
    "window",
]


class Fact(NamedTuple):
    """One labelled line about a plan: `key` stays English (JSON), `label` is translated."""

    key: str
    label: str
    text: str


def disclaimer() -> str:
    return _(
        "For education only, not medical advice: your care team decides which scans you "
        "need and when."
    )


def track_note() -> str:
    return _(
        "An extra track added by choice, with a cadence chosen by the user, not by the "
        "source: discuss it with the care team."
    )


def months(count: int) -> str:
    return ngettext("{count} month", "{count} months", count).format(count=count)


def _span(low: int, high: int) -> str:
    return f"{low}–{high}" if low != high else str(low)


def phase_label(phase: Phase) -> str:
    """`years 1–2`, `years 3–5`, `from year 6`; in months when years are not whole."""
    start, end = phase.from_month, phase.until_month
    if start % 12 == 0 and (end is None or end % 12 == 0):
        if end is None:
            return _("from year {year}").format(year=start // 12 + 1)
        if end - start == 12:
            return _("year {year}").format(year=end // 12)
        return _("years {first}–{last}").format(first=start // 12 + 1, last=end // 12)
    if end is None:
        return _("from month {month}").format(month=start)
    return _("months {first}–{last}").format(first=start, last=end)


def phase_rule(phase: Phase) -> str:
    """`years 1–3: every 3–4 months (here 3); the source gives months 24–36 for its end`."""
    low, high = phase.allowed
    if low == high:
        rule = _("{phase}: every {interval}").format(phase=phase_label(phase), interval=months(low))
    else:
        rule = _("{phase}: every {low}–{high} months (here {chosen})").format(
            phase=phase_label(phase), low=low, high=high, chosen=phase.every_months
        )
    if phase.until_allowed is not None:
        first, last = phase.until_allowed
        rule += _("; the source gives months {first}–{last} for its end (here {chosen})").format(
            first=first, last=last, chosen=phase.until_month
        )
    return rule


def exam(schedule: Schedule, visit: Visit) -> str:
    return visit.track.exam if visit.track else _(schedule.protocol.exam)


def exam_short(schedule: Schedule, visit: Visit) -> str:
    return visit.track.exam if visit.track else _(schedule.protocol.exam_short)


def window_months(visit: Visit) -> str:
    """`3–4`: the window's months, for the narrowest tables."""
    return _span(*visit.phase.allowed)


def gap(visit: Visit) -> str:
    """`3–4 months`: the window alone, for narrow tables."""
    low, high = visit.phase.allowed
    return months(low) if low == high else _("{low}–{high} months").format(low=low, high=high)


def window(visit: Visit) -> str:
    """How long after the previous visit (or the treatment) this one is due."""
    if visit.number == 1:
        return _("{gap} after the treatment").format(gap=gap(visit))
    return _("{gap} after the previous visit").format(gap=gap(visit))


def title(schedule: Schedule) -> str:
    if schedule.name:
        return _("Follow-up plan for {name}").format(name=schedule.name)
    return _("Follow-up plan")


def calendar_name(schedule: Schedule) -> str:
    if schedule.name:
        return _("Follow-up visits – {name}").format(name=schedule.name)
    return _("Follow-up visits")


def summary(schedule: Schedule, visit: Visit) -> str:
    """What a calendar shows at a glance."""
    total = schedule.count(visit)
    if visit.track:
        return _("{exam} ({number} of {total}), extra track").format(
            exam=visit.track.exam, number=visit.number, total=total
        )
    if visit.done:
        return _("Follow-up {exam} ({number} of {total}), done").format(
            exam=exam_short(schedule, visit), number=visit.number, total=total
        )
    return _("Follow-up {exam} ({number} of {total})").format(
        exam=exam_short(schedule, visit), number=visit.number, total=total
    )


def reminder(schedule: Schedule, visit: Visit, days: int) -> str:
    return ngettext(
        "In {days} day: follow-up visit {number} of {total} ({exam}). "
        "Time to book it if it is not booked yet.",
        "In {days} days: follow-up visit {number} of {total} ({exam}). "
        "Time to book it if it is not booked yet.",
        days,
    ).format(
        days=days, number=visit.number, total=schedule.count(visit), exam=exam(schedule, visit)
    )


def status(visit: Visit) -> str:
    return _("done") if visit.done else _("planned")


def _closed_reason(visit: Visit) -> str:
    if visit.holiday:
        return _("a public holiday ({holiday})").format(holiday=visit.holiday)
    return _("a weekend day")


def moved_note(visit: Visit, rule: Weekends) -> str:
    """Why the date shown is not the date the rule gives, or '' when it is."""
    if visit.done:
        return _("done; the rule gave {date}").format(date=long_date(visit.due_date))
    if not visit.moved:
        return ""
    if rule is Weekends.NEXT:
        note = _("due {date}, {reason}; moved to the next open day")
    else:
        note = _("due {date}, {reason}; moved to the previous open day")
    return note.format(date=long_date(visit.due_date), reason=_closed_reason(visit))


def moved_short(visit: Visit) -> str:
    """`Sat 2026-01-31`: the rule's date when the visit was moved, else ''."""
    if not visit.moved:
        return ""
    holiday = f" ({visit.holiday})" if visit.holiday else ""
    return f"{short_date(visit.due_date)}{holiday}"


def counted_from_short(visit: Visit) -> str:
    """`treatment +3`, `visit 2 +6`: the anchor and the months after it."""
    if visit.anchor_number == 0:
        return _("treatment +{months}").format(months=visit.months)
    return _("visit {number} +{months}").format(number=visit.anchor_number, months=visit.months)


def counted_from(visit: Visit) -> str:
    """`treatment + 3 months` or `visit 2 + 6 months`: the anchor of the due date."""
    if visit.anchor_number == 0:
        return _("treatment + {months}").format(months=months(visit.months))
    return _("visit {number} + {months}").format(
        number=visit.anchor_number, months=months(visit.months)
    )


def _due(visit: Visit) -> str:
    if visit.anchor_number == 0:
        return _("{months} after the treatment date ({date})").format(
            months=months(visit.months), date=visit.anchor.isoformat()
        )
    return _("{months} after visit {number}, done {date}").format(
        months=months(visit.months), number=visit.anchor_number, date=visit.anchor.isoformat()
    )


def visit_details(schedule: Schedule, visit: Visit) -> list[str]:
    """The lines that explain one visit: exam, timing, window, phase."""
    head = _("Visit {number} of {total}: {exam}.").format(
        number=visit.number, total=schedule.count(visit), exam=exam(schedule, visit)
    )
    if visit.done:
        timing = _("Done on {date}; the rule gave {due}, {when}.").format(
            date=long_date(visit.date), due=long_date(visit.due_date), when=_due(visit)
        )
    elif visit.moved:
        timing = _("Due {when}: {due}, {reason}, so moved to {date}.").format(
            when=_due(visit),
            due=long_date(visit.due_date),
            reason=_closed_reason(visit),
            date=long_date(visit.date),
        )
    else:
        timing = _("Due {when}: {due}.").format(when=_due(visit), due=long_date(visit.due_date))
    if visit.track:
        every = _("Every {interval}.").format(interval=months(visit.track.every_months))
        return [head, timing, f"{every} {track_note()}"]
    window_line = _("Window: {window}; {rule}.").format(
        window=window(visit), rule=phase_rule(visit.phase)
    )
    return [head, timing, window_line]


def next_visit(schedule: Schedule, today: date) -> str:
    """One sentence: the next visit to book, and how far away it is."""
    visit = schedule.next_visit()
    if visit is None:
        return _("No visit left in this plan: follow-up ends {date}.").format(
            date=schedule.end_date.isoformat()
        )
    days = (visit.date - today).days
    if days == 0:
        when = _("today")
    elif days > 0:
        when = ngettext("in {days} day", "in {days} days", days).format(days=days)
    else:
        when = ngettext("overdue by {days} day", "overdue by {days} days", -days).format(days=-days)
    return _(
        "Next: visit {number} of {total}, {exam}, on {date} ({when}). Window: {window}."
    ).format(
        number=visit.number,
        total=len(schedule.visits),
        exam=exam(schedule, visit),
        date=long_date(visit.date),
        when=when,
        window=window(visit),
    )


def next_footer(schedule: Schedule) -> list[str]:
    """What produced the answer of `followup next`, and the notice."""
    return [
        _("Plan: {protocol}; {source}").format(
            protocol=_(schedule.protocol.name), source=source(schedule, short=True)
        ),
        _("Choices: {choices} {length}").format(
            choices=choices(schedule), length=horizon_short(schedule)
        ),
        disclaimer(),
    ]


def choices(schedule: Schedule) -> str:
    """The choices that shaped this plan, each one the user can change."""
    first = schedule.protocol.phases[0]
    parts = []
    if first.allowed[0] != first.allowed[1]:
        parts.append(
            _("{interval} between visits in {phase} (the source allows {range})").format(
                interval=months(first.every_months),
                phase=phase_label(first),
                range=_span(*first.allowed),
            )
        )
    if first.until_allowed is not None:
        parts.append(
            _("a first phase of {length} (the source gives {range} months)").format(
                length=months(first.until_month or 0), range=_span(*first.until_allowed)
            )
        )
    parts.append(
        {
            Weekends.NEXT: _("weekend dates move to the next weekday"),
            Weekends.PREVIOUS: _("weekend dates move to the weekday before"),
            Weekends.KEEP: _("weekend dates are kept"),
        }[schedule.weekends]
    )
    if schedule.holidays:
        if schedule.weekends is Weekends.KEEP:
            parts.append(_("public holidays of {code} are kept").format(code=schedule.holidays))
        else:
            parts.append(
                _("public holidays of {code} are moved the same way").format(code=schedule.holidays)
            )
    if schedule.done:
        count = len(schedule.done)
        parts.append(
            ngettext(
                "{count} visit done; later dates count from the last one",
                "{count} visits done; later dates count from the last one",
                count,
            ).format(count=count)
        )
    return "; ".join(parts) + "."


def horizon(schedule: Schedule) -> str:
    return _(
        "Planned for {years} years, to {date}. The source sets no end to its last phase: "
        "this length is a choice to agree with the care team."
    ).format(years=schedule.years, date=schedule.end_date.isoformat())


def horizon_short(schedule: Schedule) -> str:
    return _("Follow-up length: {years} years, a choice (the source sets no end).").format(
        years=schedule.years
    )


def start(schedule: Schedule) -> str:
    return _("Counted from the treatment date {date}; {hint}.").format(
        date=long_date(schedule.treatment_date), hint=_(schedule.protocol.start_hint)
    )


def phases(schedule: Schedule) -> str:
    return "; ".join(phase_rule(phase) for phase in schedule.protocol.phases) + "."


def rule(schedule: Schedule) -> str:
    """The source's own words, quoted and attributed; or the phases, for a local file."""
    source = schedule.protocol.source
    if not source.quote:
        return _("as set in the {file}: {phases}").format(
            file=_(source.quoted_from), phases=phases(schedule)
        )
    return _("“{quote}” (wording of the {origin})").format(
        quote=source.quote, origin=_(source.quoted_from)
    )


def source(schedule: Schedule, *, short: bool = False) -> str:
    source = schedule.protocol.source
    citation = source.short_citation if short else source.citation
    return f"{citation} {source.url}" if source.url else citation


def tracks(schedule: Schedule) -> str:
    listed = "; ".join(
        _("{exam}, every {interval}").format(exam=track.exam, interval=months(track.every_months))
        for track in schedule.protocol.tracks
    )
    return f"{listed}. {track_note()}"


def about(schedule: Schedule) -> list[Fact]:
    """Labelled lines that every output carries: what produced this plan, and the notice."""
    protocol = schedule.protocol
    facts = [
        Fact("protocol", _("Protocol"), f"{_(protocol.name)} [{protocol.id}]"),
        Fact("rule", _("Rule"), rule(schedule)),
        Fact("phases", _("Phases"), phases(schedule)),
        Fact("source", _("Source"), source(schedule)),
        Fact("checked", _("Checked"), _(protocol.source.verification)),
        Fact("start", _("Start"), start(schedule)),
        Fact("choices", _("Choices"), choices(schedule)),
        Fact("length", _("Length"), horizon(schedule)),
    ]
    if protocol.tracks:
        facts.append(Fact("tracks", _("Extra tracks"), tracks(schedule)))
    facts.extend(Fact("note", _("Note"), _(note)) for note in protocol.notes)
    facts.append(Fact("notice", _("Notice"), disclaimer()))
    return facts


def sheet_window_note() -> str:
    return _(
        "Window: months after the previous visit (for the first, after the treatment). "
        "* marks an extra track."
    )


QUESTIONS_LIVER = (
    N_(
        "Are my liver metastases few and confined enough to be called oligometastatic, "
        "and what would that change for me?"
    ),
    N_("Could surgery, or an ablation that destroys the metastases in place, help in my case?"),
    N_(
        "Has a team that treats many sarcomas, with liver surgeons or ablation specialists, "
        "reviewed my scans and my plan?"
    ),
    N_(
        "Which scans should I have from now on, how often and for how long, and is this "
        "plan the right one for me?"
    ),
    N_("Are there clinical trials or targeted treatments that I could take part in?"),
)
QUESTIONS_GENERAL = (
    N_("Has a team that treats many sarcomas reviewed my case and my follow-up plan?"),
    N_(
        "Which scans or visits should I have from now on, how often and for how long, "
        "and is this plan the right one for me?"
    ),
    N_("Are there clinical trials or targeted treatments that I could take part in?"),
)


def questions(schedule: Schedule) -> list[str]:
    """Questions worth bringing to the care team, from the themes of the discussion sheet."""
    liver = schedule.protocol.id == IBERO_AMERICAN_2025.id
    return [_(question) for question in (QUESTIONS_LIVER if liver else QUESTIONS_GENERAL)]


def sheet_lead(schedule: Schedule) -> str:
    return _("{exam}, counted from the treatment date {date} ({hint}).").format(
        exam=_(schedule.protocol.exam),
        date=long_date(schedule.treatment_date),
        hint=_(schedule.protocol.start_hint),
    )


def generated(stamp: date, version: str) -> str:
    return _("Made on {date} by followup {version}.").format(
        date=stamp.isoformat(), version=version
    )


def protocol_list(presets: dict[str, Protocol], default: Protocol) -> str:
    """`followup protocols`: each preset's id, name and source, two lines each."""
    lines = []
    for protocol in presets.values():
        marker = _(" (default)") if protocol.id == default.id else ""
        lines.append(f"{protocol.id}{marker}")
        lines.append(f"    {_(protocol.name)}")
        checked = _("Checked: {verification}").format(verification=_(protocol.source.verification))
        lines.append(f"    {protocol.source.short_citation} {checked}")
    lines.append("")
    lines.append(_("'followup protocols show ID' prints the phases and the quoted source."))
    return "\n".join(lines) + "\n"


def protocol_details(protocol: Protocol) -> str:
    """`followup protocols show`: everything a plan from this protocol rests on."""
    source = protocol.source
    first = protocol.phases[0]
    lines = [
        f"{_(protocol.name)} [{protocol.id}]",
        "",
        _("Exam: {exam}").format(exam=_(protocol.exam)),
        _("Phases (months after the treatment date):"),
        *(f"  {phase_rule(phase)}" for phase in protocol.phases),
    ]
    if protocol.tracks:
        lines.append(_("Extra tracks:"))
        lines.extend(
            "  "
            + _("{exam}, every {interval}").format(exam=t.exam, interval=months(t.every_months))
            for t in protocol.tracks
        )
    options = []
    if first.allowed[0] != first.allowed[1]:
        options.append(f"--early-interval {_span(*first.allowed)}")
    if first.until_allowed is not None:
        low, high = (m // 12 for m in first.until_allowed)
        options.append(f"--early-years {_span(low, high)}")
    options.append(_("--years 1–30 (default 10)"))
    lines += [
        _("Choices: {options}.").format(options=", ".join(options)),
        _("Start: {hint}.").format(hint=_(protocol.start_hint)),
        "",
        _("Source: {citation}").format(citation=source.citation)
        + (f" {source.url}" if source.url else ""),
    ]
    if source.quote:
        lines.append(
            _("Wording: “{quote}” ({origin})").format(
                quote=source.quote, origin=_(source.quoted_from)
            )
        )
    lines.append(_("Checked: {verification}").format(verification=_(source.verification)))
    lines.extend(_("Note: {note}").format(note=_(note)) for note in protocol.notes)
    lines += ["", disclaimer()]
    return "\n".join(lines) + "\n"

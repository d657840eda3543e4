"""The clinic note: the plan in a few plain lines, for a letter or a record's free-text note.

Written for a clinician, in the plan's language: the day it was seen from,
the rule and its source, the choices, the next visit and its window, the
three dates after it, extra tracks, scans recorded and not, the end, and the
notice. It never names the person: the letter or the record it goes into does.

Every logical line has a number of physical lines it may take, and the
numbers add up to `MOST_LINES`, so the note never grows past it, whatever the
protocol file, tracks or language; a line longer than its share is wrapped at
`WIDTH` characters and, past its share, cut at a word with " …".
"""

from __future__ import annotations

import textwrap
from datetime import date

from followup import _wording as wording
from followup._dates import Weekends
from followup._i18n import _, ngettext
from followup._protocols import Phase, Stream
from followup._schedule import Next, Schedule, Standing, Visit

__all__ = ["MOST_LINES", "WIDTH", "compact_rule", "note_items", "note_lines", "to_note"]

WIDTH = 100
MOST_LINES = 12
_MORE = "  "  # the indent of a line's continuation


def _fit(text: str, lines: int) -> list[str]:
    """`text` in at most `lines` lines of at most `WIDTH` characters; ISO dates stay whole."""
    return textwrap.wrap(
        text,
        width=WIDTH,
        subsequent_indent=_MORE,
        max_lines=lines,
        placeholder=" …",
        break_on_hyphens=False,
    )


def _end_of(phase: Phase) -> str:
    """`year 2`, or `month 30` when the phase does not end on a whole year."""
    end = phase.until_month or 0
    if end % 12 == 0:
        return _("year {year}").format(year=end // 12)
    return _("month {month}").format(month=end)


def compact_rule(stream: Stream) -> str:
    """`every 3 months to year 2, then 6 to year 5, then 12`: the intervals in use."""
    phases = stream.phases
    if len(phases) == 1:
        return _("every {months} months").format(months=phases[0].every_months)
    parts = [
        _("every {months} months to {end}").format(
            months=phases[0].every_months, end=_end_of(phases[0])
        )
    ]
    for phase in phases[1:]:
        if phase.until_month is None:
            parts.append(_("then {months}").format(months=phase.every_months))
        else:
            parts.append(
                _("then {months} to {end}").format(months=phase.every_months, end=_end_of(phase))
            )
    return ", ".join(parts)


def _rule_line(schedule: Schedule) -> str:
    citation = schedule.protocol.source.short_citation.rstrip(". ")
    rules = "; ".join(
        f"{wording.stream_exam(stream, short=True)}: {compact_rule(stream)}"
        for stream in schedule.protocol.own_streams
    )
    return _("{rules} (source: {source}).").format(rules=rules, source=citation)


def _weekend_choice(schedule: Schedule) -> str:
    code = schedule.holidays
    if schedule.weekends is Weekends.KEEP:
        if code:
            return _("weekends and holidays of {code} kept").format(code=code)
        return _("weekends kept")
    if schedule.weekends is Weekends.PREVIOUS:
        if code:
            return _("weekends and holidays of {code} to the weekday before").format(code=code)
        return _("weekends to the weekday before")
    if code:
        return _("weekends and holidays of {code} to the next weekday").format(code=code)
    return _("weekends to the next weekday")


def _choices_line(schedule: Schedule) -> str:
    first = schedule.protocol.lead.phases[0]
    parts = []
    if first.allowed[0] != first.allowed[1]:
        parts.append(
            _("{months} months in {phase} (source: {range})").format(
                months=first.every_months,
                phase=wording.phase_label(first),
                range=wording.span(*first.allowed),
            )
        )
    if first.until_allowed is not None:
        parts.append(
            _("first phase to month {month} (source: {range})").format(
                month=first.until_month, range=wording.span(*first.until_allowed)
            )
        )
    end = schedule.protocol.end_years
    if end is None:
        length = ngettext(
            "{years} year of follow-up (source: no end)",
            "{years} years of follow-up (source: no end)",
            schedule.years,
        )
    else:
        length = ngettext(
            "{years} year of follow-up (source: {end})",
            "{years} years of follow-up (source: {end})",
            schedule.years,
        )
    parts.append(length.format(years=schedule.years, end=end))
    parts.append(_weekend_choice(schedule))
    return _("Choices: {choices}.").format(choices="; ".join(parts))


def _next_line(upcoming: Next) -> str:
    visit = upcoming.visit
    if visit is None:
        return _("Next: none; no visit is left in this plan.")
    opens, closes = visit.window
    facts = {
        "number": visit.number,
        "weekday": wording.weekday(visit.date),
        "date": visit.date.isoformat(),
        "opens": opens.isoformat(),
        "closes": closes.isoformat(),
    }
    if upcoming.standing is Standing.OVERDUE:
        sentence = _(
            "Next: visit {number}, overdue: planned for {weekday} {date}; "
            "its window closed on {closes}."
        )
    elif upcoming.standing is Standing.DUE:
        sentence = _("Next: visit {number}, due now: {weekday} {date}; window {opens} to {closes}.")
    else:
        sentence = _("Next: visit {number}, {weekday} {date}; window {opens} to {closes}.")
    return sentence.format(**facts)


def _then_line(schedule: Schedule, upcoming: Next) -> str | None:
    visit = upcoming.visit
    if visit is None:
        return None
    ahead = (Standing.DUE, Standing.UPCOMING)
    after = [
        later
        for later in schedule.of(visit.stream)
        if later.number > visit.number and schedule.standing_of(later, upcoming.today) in ahead
    ][:3]
    if not after:
        return None
    days = ", ".join(f"{wording.weekday(later.date)} {later.date.isoformat()}" for later in after)
    return _("Then: {dates}.").format(dates=days)


def _tracks_line(schedule: Schedule, today: date) -> str | None:
    if not schedule.protocol.tracks:
        return None
    parts = []
    for track in schedule.protocol.tracks:
        ahead = [visit for visit in schedule.of(track) if visit.date >= today]
        rule = wording.track_rule(track)
        if ahead:
            rule = _("{rule}, next {date}").format(rule=rule, date=ahead[0].date.isoformat())
        parts.append(rule)
    return _("Extra tracks, not from the source: {tracks}.").format(tracks="; ".join(parts))


def _numbers(visits: list[Visit]) -> str:
    """`3` or `3–5`: the visits not recorded follow one another."""
    return wording.span(visits[0].number, visits[-1].number)


def _scans_line(schedule: Schedule, today: date) -> str | None:
    parts = []
    done = schedule.done
    if done:
        parts.append(
            ngettext(
                "{count} recorded, the last on {date}",
                "{count} recorded, the last on {date}",
                len(done),
            ).format(count=len(done), date=done[-1].date.isoformat())
        )
    unrecorded = Standing.NOT_RECORDED
    lead = schedule.of(schedule.protocol.lead)
    missing = [v for v in lead if schedule.standing_of(v, today) is unrecorded]
    if missing:
        parts.append(
            ngettext(
                "visit {visits} not recorded (its window closed)",
                "visits {visits} not recorded (their windows closed)",
                len(missing),
            ).format(visits=_numbers(missing))
        )
    return _("Scans: {scans}.").format(scans="; ".join(parts)) if parts else None


def _end_line(schedule: Schedule, today: date) -> str:
    if schedule.end_date < today:
        sentence = _("Follow-up ended on {date}. {weight}")
    else:
        sentence = _("Follow-up ends on {date}. {weight}")
    return sentence.format(date=schedule.end_date.isoformat(), weight=wording.weight(schedule))


def _shares(schedule: Schedule) -> list[tuple[str, int]]:
    """The note's lines, each with the most physical lines it may take: `MOST_LINES` in all."""
    today = schedule.today or schedule.treatment_date
    start = schedule.treatment_date.isoformat()
    if schedule.today is not None:
        head = _("Follow-up as of {today}, counted from the treatment on {date}.").format(
            today=today.isoformat(), date=start
        )
    else:
        head = _("Follow-up counted from the treatment on {date}.").format(date=start)
    upcoming = schedule.next_from(today)
    shares: list[tuple[str | None, int]] = [
        (head, 1),
        (_rule_line(schedule), 2),
        (_choices_line(schedule), 2),
        (_next_line(upcoming), 2),
        # The dates after the next give way to the extra tracks: twelve lines at most.
        (_tracks_line(schedule, today) or _then_line(schedule, upcoming), 1),
        (_scans_line(schedule, today), 1),
        (_end_line(schedule, today), 2),
        (_("Made with followup from a published rule: educational, not medical advice."), 1),
    ]
    return [(text, lines) for text, lines in shares if text]


def note_items(schedule: Schedule) -> list[str]:
    """The note's lines as whole sentences, unwrapped: for a page, which wraps them itself."""
    return [text for text, _lines in _shares(schedule)]


def note_lines(schedule: Schedule) -> list[str]:
    """The note, line by line, in the active language: 6 to `MOST_LINES` lines."""
    return [line for text, lines in _shares(schedule) for line in _fit(text, lines)]


def to_note(schedule: Schedule) -> str:
    """The note as plain text, one line per line, ending with a newline."""
    return "\n".join(note_lines(schedule)) + "\n"

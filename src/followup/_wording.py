"""The sentences that several outputs share, in one place, so they all say the same thing.

A phrase that only one exporter uses lives beside it (the calendar's titles in
`export/ics.py`, the sheet's lead in `export/sheet.py`). Each sentence is a
gettext message (`_`), filled in with `str.format`, so that a translator sees
whole sentences and can reorder them. Data defined elsewhere —
protocol names, exams, notes — is marked there with `N_` and translated here.
A source's own words are quoted as they were written, never translated.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import NamedTuple

from followup._dates import Weekends
from followup._i18n import _, ngettext
from followup._i18n import current as current_language
from followup._i18n import long_date as long_date
from followup._i18n import short_date as short_date
from followup._i18n import weekday as weekday
from followup._protocols import Phase, Protocol, Source, Stream
from followup._schedule import DEFAULT_YEARS, Next, Schedule, Standing, Visit, make_schedule

__all__ = [
    "Choice",
    "ChoiceWeights",
    "Fact",
    "ProtocolView",
    "StreamView",
    "Weighed",
    "about",
    "checked",
    "choice_weights",
    "choices",
    "counted_from",
    "disclaimer",
    "exam",
    "exam_short",
    "exams",
    "gap",
    "horizon",
    "horizon_short",
    "long_date",
    "months",
    "moved_note",
    "next_footer",
    "next_sentence",
    "our_translation",
    "phase_label",
    "phase_rule",
    "protocol_view",
    "rule",
    "short_date",
    "source",
    "span",
    "standing_label",
    "status",
    "stream_exam",
    "stream_phases",
    "stream_weight",
    "title",
    "track_note",
    "track_rule",
    "visit_details",
    "weekday",
    "weight",
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


def span(low: int, high: int) -> str:
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


def stream_exam(stream: Stream, *, short: bool = False) -> str:
    """A stream's exam in the active language; one added by choice is the user's words."""
    text = stream.exam_short if short else stream.exam
    return text if stream.by_choice else _(text)


def exams(protocol: Protocol) -> str:
    """The exams of the protocol's own streams, in the active language."""
    return "; ".join(stream_exam(s) for s in protocol.own_streams)


def exam(schedule: Schedule, visit: Visit) -> str:
    return stream_exam(visit.stream)


def exam_short(schedule: Schedule, visit: Visit) -> str:
    return stream_exam(visit.stream, short=True)


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


def status(schedule: Schedule, visit: Visit) -> str:
    """Where a visit stands on the day the plan was made: done, due now, overdue, …"""
    return standing_label(schedule.standing_of(visit))


def standing_label(standing: Standing) -> str:
    return {
        Standing.DONE: _("done"),
        Standing.DUE: _("due now"),
        Standing.OVERDUE: _("overdue"),
        Standing.NOT_RECORDED: _("not recorded"),
        Standing.UPCOMING: _("upcoming"),
        Standing.ENDED: _("ended"),
    }[standing]


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
    # Under `keep`, 1 January still moves: forward, as under `next`.
    if rule != Weekends.PREVIOUS:
        note = _("due {date}, {reason}; moved to the next open day")
    else:
        note = _("due {date}, {reason}; moved to the previous open day")
    return note.format(date=long_date(visit.due_date), reason=_closed_reason(visit))


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
    if visit.stream.by_choice:
        every = _("Every {interval}.").format(interval=months(visit.stream.every_months))
        return [head, timing, f"{every} {track_note()}"]
    window_line = _("Window: {window}; {rule}.").format(
        window=window(visit), rule=phase_rule(visit.phase)
    )
    return [head, timing, window_line]


def next_sentence(schedule: Schedule, upcoming: Next) -> str:
    """One sentence: the visit to book now, and where it stands."""
    visit, days = upcoming.visit, upcoming.days_until
    if visit is None or days is None:
        if schedule.end_date < upcoming.today:
            ended = _("Follow-up ended on {date}: no visit is left in this plan.")
        else:
            ended = _("No visit left in this plan: follow-up ends {date}.")
        return ended.format(date=schedule.end_date.isoformat())
    facts = {
        "number": visit.number,
        "total": schedule.count(visit),
        "exam": exam(schedule, visit),
        "date": long_date(visit.date),
        "closes": visit.window[1].isoformat(),
    }
    if upcoming.standing == Standing.OVERDUE:
        ago = upcoming.days_overdue or 0
        sentence = ngettext(
            "Next: visit {number} of {total}, {exam}, is overdue: its window closed on "
            "{closes}, {days} day ago. If it was done, record its date; if not, ask the "
            "care team when to have it.",
            "Next: visit {number} of {total}, {exam}, is overdue: its window closed on "
            "{closes}, {days} days ago. If it was done, record its date; if not, ask the "
            "care team when to have it.",
            ago,
        )
        return sentence.format(**facts, days=ago)
    if upcoming.standing == Standing.DUE:
        sentence = _(
            "Next: visit {number} of {total}, {exam}, is due now: planned for {date}; "
            "its window closes on {closes}."
        )
        return sentence.format(**facts)
    # Upcoming: its window has not opened, so the day is still ahead.
    when = ngettext("in {days} day", "in {days} days", days)
    return _(
        "Next: visit {number} of {total}, {exam}, on {date} ({when}). Window: {window}."
    ).format(**facts, when=when.format(days=days), window=window(visit))


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
    first = schedule.protocol.lead.phases[0]
    parts = []
    if first.allowed[0] != first.allowed[1]:
        parts.append(
            _("{interval} between visits in {phase} (the source allows {range})").format(
                interval=months(first.every_months),
                phase=phase_label(first),
                range=span(*first.allowed),
            )
        )
    if first.until_allowed is not None:
        parts.append(
            _("a first phase of {length} (the source gives {range} months)").format(
                length=months(first.until_month or 0), range=span(*first.until_allowed)
            )
        )
    others = schedule.protocol.own_streams[1:]
    if others and parts:
        # The choices set the first stream only: say which, and how the others are planned.
        lead = stream_exam(schedule.protocol.lead, short=True)
        parts = [_("{exam}: {choice}").format(exam=lead, choice=part) for part in parts]
    if any(p.allowed[0] != p.allowed[1] or p.until_allowed for s in others for p in s.phases):
        parts.append(_("the other streams at the stricter end of the source's ranges"))
    parts.append(
        {
            Weekends.NEXT: _("weekend dates move to the next weekday"),
            Weekends.PREVIOUS: _("weekend dates move to the weekday before"),
            Weekends.KEEP: _("weekend dates are kept"),
        }[schedule.weekends]
    )
    if schedule.holidays:
        if schedule.weekends == Weekends.KEEP:
            parts.append(_("public holidays of {code} are kept").format(code=schedule.holidays))
        else:
            parts.append(
                _("public holidays of {code} are moved the same way").format(code=schedule.holidays)
            )
    if schedule.weekends == Weekends.PREVIOUS:
        parts.append(_("1 January is always avoided: it moves to the open day before"))
    else:
        parts.append(_("1 January is always avoided: it moves to the next open day"))
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
    end = schedule.protocol.end_years
    values = {"years": schedule.years, "date": schedule.end_date.isoformat(), "end": end}
    if end is None:
        return ngettext(
            "Planned for {years} year, to {date}. The source sets no end to its last phase: "
            "this length is a choice to agree with the care team.",
            "Planned for {years} years, to {date}. The source sets no end to its last phase: "
            "this length is a choice to agree with the care team.",
            schedule.years,
        ).format(**values)
    if schedule.years > end:
        return ngettext(
            "Planned for {years} years, to {date}: past the end of follow-up the source "
            "sets, {end} year.",
            "Planned for {years} years, to {date}: past the end of follow-up the source "
            "sets, {end} years.",
            end,
        ).format(**values)
    return ngettext(
        "Planned for {years} year, to {date}; the source ends follow-up at {end} year.",
        "Planned for {years} years, to {date}; the source ends follow-up at {end} years.",
        end,
    ).format(**values)


def horizon_short(schedule: Schedule) -> str:
    end = schedule.protocol.end_years
    if end is None:
        return ngettext(
            "Follow-up length: {years} year, a choice (the source sets no end).",
            "Follow-up length: {years} years, a choice (the source sets no end).",
            schedule.years,
        ).format(years=schedule.years)
    if schedule.years > end:
        return _("Follow-up length: {years} years, past the source's end ({end} years).").format(
            years=schedule.years, end=end
        )
    return _("Follow-up length: {years} years (the source ends follow-up at {end}).").format(
        years=schedule.years, end=end
    )


def start(schedule: Schedule) -> str:
    return _("Counted from the treatment date {date}; {hint}.").format(
        date=long_date(schedule.treatment_date), hint=_(schedule.protocol.start_hint)
    )


def stream_phases(stream: Stream) -> str:
    return "; ".join(phase_rule(phase) for phase in stream.phases)


def phases(schedule: Schedule) -> str:
    """The phases of each stream; a stream's exam heads them when there are several."""
    streams = schedule.protocol.own_streams
    if len(streams) == 1:
        return stream_phases(streams[0]) + "."
    return " ".join(
        _("{exam}: {phases}.").format(exam=stream_exam(s), phases=stream_phases(s)) for s in streams
    )


def our_translation(source: Source) -> str | None:
    """Our translation of the source's words, marked as ours, when they are in another
    language than the reader's."""
    if not source.translation or current_language().startswith(source.quote_language):
        return None
    return _("Our translation: “{translation}”").format(translation=_(source.translation))


def rule(schedule: Schedule) -> str:
    """The source's own words, quoted and attributed; or the phases, for a local file."""
    source = schedule.protocol.source
    if not source.quote:
        return _("as set in the {file}: {phases}").format(
            file=_(source.quoted_from), phases=phases(schedule)
        )
    wording = _("“{quote}” (wording of the {origin})").format(
        quote=source.quote, origin=_(source.quoted_from)
    )
    translated = our_translation(source)
    return f"{wording}. {translated}" if translated else wording


def source(schedule: Schedule, *, short: bool = False) -> str:
    source = schedule.protocol.source
    citation = source.short_citation if short else source.citation
    return f"{citation} {source.url}" if source.url else citation


def checked(source: Source) -> str:
    """How far the source was checked: the status, where the quote was read, and a
    secondary source that agrees."""
    parts = [_(source.verification)]
    if source.read_at:
        parts.append(_("Quote read at {address}.").format(address=source.read_at))
    if source.confirmed_by:
        parts.append(_("Same intervals in: {source}.").format(source=source.confirmed_by))
    return " ".join(parts)


def track_rule(track: Stream) -> str:
    """`Brain MRI, every 12 months`: a stream added by choice and its cadence."""
    return _("{exam}, every {interval}").format(
        exam=track.exam, interval=months(track.every_months)
    )


def tracks(schedule: Schedule) -> str:
    listed = "; ".join(track_rule(track) for track in schedule.protocol.tracks)
    return f"{listed}. {track_note()}"


def stream_weight(schedule: Schedule, stream: Stream) -> str:
    """`CT/MRI, chest + abdomen: 19 visits over 10 years (years 1–2: 8, years 3–5: 6, from
    year 6: 5)`: how many visits one stream holds, and how many in each phase."""
    visits = schedule.of(stream)
    per_phase = [
        (phase, sum(1 for visit in visits if visit.phase == phase)) for phase in stream.phases
    ]
    shown = [(phase, count) for phase, count in per_phase if count]
    total = ngettext(
        "{exam}: {count} visit over {years} years",
        "{exam}: {count} visits over {years} years",
        len(visits),
    ).format(exam=stream_exam(stream, short=True), count=len(visits), years=schedule.years)
    if len(shown) < 2:
        return total
    parts = ", ".join(
        _("{phase}: {count}").format(count=count, phase=phase_label(phase))
        for phase, count in shown
    )
    return f"{total} ({parts})"


class Weighed(NamedTuple):
    """How many visits one stream holds with one set of choices: `label` says the choices
    (`every 3 months in years 1–2`) or names the stream, `counts` the visits for each
    length in `ChoiceWeights.years`."""

    label: str
    counts: list[int]


class ChoiceWeights(NamedTuple):
    """The visits a protocol's plan holds for each choice it leaves open, before any plan
    is made (for the web form and `protocols show`): `rows` for the lead stream, whose
    first phase the choices set; `others` for each other stream, which they leave alone."""

    years: list[int]
    lead: str
    rows: list[Weighed]
    others: list[Weighed]


# Counts do not depend on the day: any day away from month ends gives them.
_ANY_DAY = date(2025, 1, 15)


def choice_weights(protocol: Protocol) -> ChoiceWeights:
    """The visits for each early interval and first-phase length the source allows, over
    5, 10 and 15 years and the source's own end, in the active language."""
    years, rows, others = _choice_counts(protocol)
    return ChoiceWeights(
        list(years),
        stream_exam(protocol.lead, short=True),
        [
            Weighed(
                _("every {interval} in {phase}").format(
                    interval=months(every), phase=phase_label(first)
                ),
                list(counts),
            )
            for every, first, counts in rows
        ],
        [Weighed(stream_exam(stream, short=True), list(counts)) for stream, counts in others],
    )


_Counts = tuple[int, ...]


@functools.lru_cache(maxsize=64)
def _choice_counts(
    protocol: Protocol,
) -> tuple[_Counts, list[tuple[int, Phase, _Counts]], list[tuple[Stream, _Counts]]]:
    """The counts behind `choice_weights`, worked out once per protocol: they do not
    depend on the language."""
    years = tuple(sorted({5, 10, 15, protocol.end_years or DEFAULT_YEARS}))
    first = protocol.lead.phases[0]
    low, high = first.allowed
    lengths = [None] if first.until_allowed is None else [m // 12 for m in first.until_allowed]
    rows = []
    for every in range(low, high + 1):
        for early_years in dict.fromkeys(lengths):
            chosen = protocol.choose(early_interval=every, early_years=early_years)
            plans = [make_schedule(_ANY_DAY, protocol=chosen, years=n) for n in years]
            counts = tuple(len(plan.of(chosen.lead)) for plan in plans)
            rows.append((every, chosen.lead.phases[0], counts))
    plans = [make_schedule(_ANY_DAY, protocol=protocol, years=n) for n in years]
    others = [
        (stream, tuple(len(plan.of(stream)) for plan in plans)) for stream in protocol.streams[1:]
    ]
    return years, rows, others


def weight(schedule: Schedule) -> str:
    """What the plan weighs: its visits per stream and per phase."""
    return "; ".join(stream_weight(schedule, stream) for stream in schedule.protocol.streams) + "."


def about(schedule: Schedule) -> list[Fact]:
    """Labelled lines that every output carries: what produced this plan, and the notice."""
    protocol = schedule.protocol
    facts = [
        Fact("protocol", _("Protocol"), f"{_(protocol.name)} [{protocol.id}]"),
        Fact("rule", _("Rule"), rule(schedule)),
        Fact("phases", _("Phases"), phases(schedule)),
        Fact("source", _("Source"), source(schedule)),
        Fact("checked", _("Checked"), checked(protocol.source)),
        Fact("start", _("Start"), start(schedule)),
        Fact("choices", _("Choices"), choices(schedule)),
        Fact("length", _("Length"), horizon(schedule)),
        Fact("visits", _("Visits"), weight(schedule)),
    ]
    if protocol.tracks:
        facts.append(Fact("tracks", _("Extra tracks"), tracks(schedule)))
    facts.extend(Fact("note", _("Note"), _(note)) for note in protocol.notes)
    facts.append(Fact("notice", _("Notice"), disclaimer()))
    return facts


class Choice(NamedTuple):
    """A choice a protocol leaves open: the setting that makes it, and the range allowed
    (`3–4 months`). Each front end names the setting its own way (a flag, a label)."""

    field: str
    range: str


class StreamView(NamedTuple):
    """One stream of a protocol as outputs describe it."""

    id: str
    exam: str
    phases: list[str]
    quote: str | None
    by_choice: bool


class ProtocolView(NamedTuple):
    """A protocol as every output describes it, in the active language: `followup
    protocols show`, the web's protocol page and the API's protocol list."""

    id: str
    default: bool
    name: str
    streams: list[StreamView]
    choices: list[Choice]
    start: str
    end_years: int | None
    citation: str
    url: str | None
    quote: str
    quote_language: str
    translation: str | None
    quoted_from: str
    read_at: str | None
    confirmed_by: str | None
    checked: str
    notes: list[str]


def protocol_view(protocol: Protocol, default: str) -> ProtocolView:
    """Everything a plan from `protocol` rests on; `default` is the default protocol's id."""
    source = protocol.source
    first = protocol.lead.phases[0]
    choices = []
    if first.allowed[0] != first.allowed[1]:
        choices.append(
            Choice("early_interval", _("{range} months").format(range=span(*first.allowed)))
        )
    if first.until_allowed is not None:
        low, high = (months // 12 for months in first.until_allowed)
        choices.append(Choice("early_years", _("{range} years").format(range=span(low, high))))
    return ProtocolView(
        id=protocol.id,
        default=protocol.id == default,
        name=_(protocol.name),
        streams=[
            StreamView(
                stream.id,
                stream_exam(stream),
                [phase_rule(phase) for phase in stream.phases],
                stream.quote,
                stream.by_choice,
            )
            for stream in protocol.streams
        ],
        choices=choices,
        start=_(protocol.start_hint),
        end_years=protocol.end_years,
        citation=source.citation,
        url=source.url,
        quote=source.quote,
        quote_language=source.quote_language,
        translation=our_translation(source),
        quoted_from=_(source.quoted_from),
        read_at=source.read_at,
        confirmed_by=source.confirmed_by,
        checked=_(source.verification),
        notes=[_(note) for note in protocol.notes],
    )

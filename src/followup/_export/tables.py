"""Tabular exports: CSV, Markdown, JSON, and the terminal table (rich)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from followup import _wording as wording
from followup._i18n import N_, _
from followup._protocols import Protocol
from followup._schedule import Recorded, Schedule, Standing, Visit

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

__all__ = [
    "HEADERS",
    "headers",
    "next_json",
    "protocol_json",
    "rich_table",
    "rows",
    "terminal_table",
    "to_csv",
    "to_json",
    "to_markdown",
    "visit_json",
    "wrap_words",
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
        wording.status(schedule, visit),
        visit.due_date.isoformat(),
        wording.counted_from(visit),
        wording.window(visit),
        _("extra track") if visit.stream.by_choice else wording.phase_label(visit.phase),
        wording.exam(schedule, visit),
        wording.moved_note(visit, schedule.weekends),
    )


def rows(schedule: Schedule) -> list[tuple[str, ...]]:
    """One row of text cells per visit, every stream's, by date; see `HEADERS`."""
    return [_row(schedule, visit) for visit in schedule.visits]


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


def _recorded(schedule: Schedule, visit: Visit) -> str:
    """A visit done as `--done` gives it: the date, after its stream's id for a stream
    other than the lead."""
    lead = visit.stream == schedule.protocol.lead
    return str(Recorded(visit.date, None if lead else visit.stream.id))


def visit_json(schedule: Schedule, visit: Visit) -> dict[str, Any]:
    """One visit as JSON: dates in ISO form, the anchor, window and phase spelled out."""
    low, high = visit.phase.allowed
    return {
        "stream": visit.stream.id,
        "number": visit.number,
        "of": schedule.count(visit),
        "status": schedule.standing_of(visit).value,
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
            "early_interval": protocol.lead.phases[0].every_months,
            "early_until_month": protocol.lead.phases[0].until_month,
            "years": schedule.years,
            "weekends": schedule.weekends.value,
            "holidays": schedule.holidays,
            "done": [_recorded(schedule, visit) for visit in schedule.done],
        },
        "protocol": protocol_json(protocol),
        "notes": _notes(schedule),
        "disclaimer": wording.disclaimer(),
        "weight": wording.weight(schedule),
        "visits": [visit_json(schedule, visit) for visit in schedule.visits],
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
        "status": upcoming.standing.value,
        "days_until": upcoming.days_until,
        "overdue": upcoming.standing == Standing.OVERDUE,
        "days_overdue": upcoming.days_overdue,
        "window": {"opens": visit.window[0].isoformat(), "closes": visit.window[1].isoformat()}
        if visit
        else None,
        "visits_not_recorded": upcoming.unrecorded,
        "visits_total": len(schedule.visits),
        "visits_done": len(schedule.done),
        "end_date": schedule.end_date.isoformat(),
        "protocol": {"id": schedule.protocol.id, "name": _(schedule.protocol.name)},
        "source": protocol_json(schedule.protocol)["source"],
        "sentence": wording.next_sentence(schedule, upcoming),
        "disclaimer": wording.disclaimer(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _notes(schedule: Schedule) -> dict[str, str]:
    """The labelled lines about the plan, keyed in English; several notes join into one."""
    notes: dict[str, str] = {}
    for fact in wording.about(schedule):
        notes[fact.key] = f"{notes[fact.key]} {fact.text}" if fact.key in notes else fact.text
    return notes


def protocol_json(protocol: Protocol) -> dict[str, Any]:
    """A protocol as JSON: its phases with the ranges the source gives, and its source, in
    the words of its one description (`wording.protocol_view`)."""
    view = wording.protocol_view(protocol, "")
    return {
        "id": view.id,
        "name": view.name,
        "streams": [
            {
                "id": stream.id,
                "exam": stream_view.exam,
                "by_choice": stream.by_choice,
                "quote": stream.quote,
                "note": wording.track_note() if stream.by_choice else None,
                "phases": [
                    {
                        "from_month": phase.from_month,
                        "until_month": phase.until_month,
                        "every_months": phase.every_months,
                        "allowed_months": list(phase.allowed),
                        "until_allowed": list(phase.until_allowed) if phase.until_allowed else None,
                        "label": wording.phase_label(phase),
                        "rule": rule,
                    }
                    for phase, rule in zip(stream.phases, stream_view.phases, strict=True)
                ],
            }
            for stream, stream_view in zip(protocol.streams, view.streams, strict=True)
        ],
        "end_years": view.end_years,
        "start": view.start,
        "notes": view.notes,
        "source": {
            "citation": view.citation,
            "year": protocol.source.year,
            "url": view.url,
            "quote": view.quote,
            "our_translation": view.translation,
            "quoted_from": view.quoted_from,
            "read_at": view.read_at,
            "confirmed_by": view.confirmed_by,
            "verification": view.checked,
        },
    }


def rich_table(schedule: Schedule) -> RenderableType:
    """The schedule for a terminal, with what produced it underneath.

    The visits fit the width they are printed at: a table whose columns give
    way by priority (see `_KEEP`), or one block per visit when even the
    essential columns do not fit. All text is made here, in the active language.
    """
    from rich.console import Group
    from rich.text import Text

    about = [(_("Exam"), wording.exams(schedule.protocol))]
    about += [(fact.label, fact.text) for fact in wording.about(schedule)]
    notes = [Text.assemble((f"{label}: ", "bold"), text) for label, text in about]
    return Group(_Visits(schedule), *notes)


# The columns of the terminal table, in the order they are shown.
_ORDER = ("number", "date", "status", "exam", "from", "window", "moved")
# Columns that never go: the date; the exam when the plan has extra tracks (a CT
# and a brain MRI on one day would look alike without it); the status when
# scans are done. Without room for them the visits print as blocks.
_ESSENTIAL = ("date", "status", "exam")
# The other columns, most wanted first; on a narrower terminal they give way
# from the end of this list, and a column that gives way takes those after it:
# - the visit number: two or three characters, and what "From" refers to;
# - moved from: why a date is not the rule's, and which holiday it fell on,
#   which the date alone cannot tell;
# - from (counted from): the widest, and it follows from the phases and the
#   scans done, which the notes underneath list;
# - the window: the same few numbers row after row, spelled out in the notes.
_KEEP = ("number", "moved", "from", "window")
_RULES = 3  # cells a column adds beside its text: padding on both sides and a rule


@dataclass(frozen=True)
class _Column:
    """One column's text, and the widths it can be laid out at (in terminal cells)."""

    header: str
    cells: tuple[str, ...]
    least: int  # narrowest: no word or date split, and the exam on two lines at most
    most: int  # every cell and the header on one line
    wraps: bool  # cells may wrap between words


def _cell_len(text: str) -> int:
    """How many terminal cells `text` takes (rich's measure; imported when a table is drawn)."""
    from rich.cells import cell_len

    return cell_len(text)


def _words_width(texts: Iterable[str]) -> int:
    return max((_cell_len(word) for text in texts for word in text.split()), default=0)


def _widest(texts: Iterable[str]) -> int:
    return max((_cell_len(text) for text in texts), default=0)


def wrap_words(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words only."""
    lines: list[str] = []
    for word in text.split():
        if lines and _cell_len(lines[-1]) + 1 + _cell_len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _column(header: str, cells: list[str], *, wraps: bool = False, least: int = 0) -> _Column:
    """A column; one that does not wrap is as wide as its widest cell, its header may wrap."""
    narrowest = max(least, _words_width([header]), _words_width(cells) if wraps else _widest(cells))
    most = max(narrowest, _widest([header, *cells]))
    return _Column(header, tuple(cells), narrowest, most, wraps)


def _two_lines(texts: list[str]) -> int:
    """The narrowest width that wraps each of `texts` on two lines at most."""
    width = _words_width(texts)
    while any(len(wrap_words(text, width)) > 2 for text in texts):
        width += 1
    return width


def _columns(schedule: Schedule) -> dict[str, _Column]:
    """The columns this plan can show, by key; see `_ORDER`."""
    visits = schedule.visits
    columns = {
        "number": _column("#", [str(visit.number) for visit in visits]),
        "date": _column(_("Date"), [_day(visit.date) for visit in visits]),
        "from": _column(_("From"), [_counted_from_short(visit) for visit in visits]),
        "window": _column(_("Window"), [wording.span(*visit.phase.allowed) for visit in visits]),
        # A holiday's name can be long: it wraps, the date it was due does not.
        "moved": _column(
            _("Moved from"),
            [_moved_short(visit) for visit in visits],
            wraps=True,
            least=_widest(_day(visit.due_date) for visit in visits if visit.moved),
        ),
    }
    if schedule.done:
        columns["status"] = _column(
            _("Status"), [wording.status(schedule, visit) for visit in visits]
        )
    if schedule.several_streams:
        exams = [wording.exam_short(schedule, visit) for visit in visits]
        columns["exam"] = _column(_("Exam"), exams, wraps=True, least=_two_lines(exams))
    return columns


def _layout(columns: dict[str, _Column], width: int) -> dict[str, int] | None:
    """The width of each column shown, in `_ORDER`; None when the essential ones do not fit."""

    def used(keys: list[str]) -> int:
        return 1 + sum(columns[key].least + _RULES for key in keys)

    shown = [key for key in _ESSENTIAL if key in columns]
    if used(shown) > width:
        return None
    for key in _KEEP:
        if used([*shown, key]) > width:
            break
        shown.append(key)
    widths = {key: columns[key].least for key in shown}
    spare = width - used(shown)
    for key in shown:  # the room left goes to the essential columns first
        grow = min(spare, columns[key].most - widths[key])
        widths[key] += grow
        spare -= grow
    return {key: widths[key] for key in _ORDER if key in widths}


class _Visits:
    """The visits as a table fitted to the width they are printed at, or as blocks."""

    def __init__(self, schedule: Schedule) -> None:
        self.title = wording.title(schedule)
        self.columns = _columns(schedule)
        # What "From" and "Window" count, for the columns shown.
        self.captions = {
            ("from", "window"): _(
                "From: months after the treatment, or after the last visit done. "
                "Window: months after the previous visit."
            ),
            ("from",): _("From: months after the treatment, or after the last visit done."),
        }
        self.done = [visit.done for visit in schedule.visits]
        self.blocks = [_block(schedule, visit) for visit in schedule.visits]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        widths = _layout(self.columns, options.max_width)
        if widths is None:
            yield from _blocks(self.title, self.blocks, self.done, options.max_width)
            return
        # rich wraps a table's title to the table's width: a word wider than that
        # (a long name) would be broken, so such a title goes above the table.
        inside = _words_width([self.title]) <= 1 + sum(width + _RULES for width in widths.values())
        if not inside:
            yield Text(self.title, style="bold")
        yield self._table(widths, self.title if inside else None)

    def _table(self, widths: dict[str, int], title: str | None) -> RenderableType:
        from rich.markup import escape
        from rich.table import Table

        table = Table(
            title=None if title is None else escape(title),
            title_style="bold",
            caption=self.captions.get(tuple(key for key in widths if key in {"from", "window"})),
        )
        for key, width in widths.items():
            column = self.columns[key]
            table.add_column(
                # A header wider than its column wraps between words, here.
                escape("\n".join(wrap_words(column.header, width))),
                width=width,
                no_wrap=not column.wraps,
                overflow="ellipsis",  # never needed: no word is wider than its column
                justify="right" if key == "number" else "left",
            )
        for index, done in enumerate(self.done):
            cells = (escape(self.columns[key].cells[index]) for key in widths)
            table.add_row(*cells, style="dim" if done else None)
        return table


class _Block(NamedTuple):
    """One visit as lines, for a terminal too narrow for a table."""

    head: str  # number, date and status
    exam: str | None  # when the plan has extra tracks
    details: list[str]


def _block(schedule: Schedule, visit: Visit) -> _Block:
    head = f"{visit.number} · {_day(visit.date)}"
    if schedule.done:
        head += f" · {wording.status(schedule, visit)}"
    exam = wording.exam_short(schedule, visit) if schedule.several_streams else None
    details = [wording.counted_from(visit), wording.window(visit)]
    details += [note for note in [wording.moved_note(visit, schedule.weekends)] if note]
    return _Block(head, exam, details)


def _blocks(title: str, blocks: list[_Block], done: list[bool], width: int) -> RenderResult:
    """`3 · Mon 2025-12-15 · CT/MRI, chest + abdomen`, then the details indented."""
    from rich.text import Text

    indent = "    "
    yield Text(title, style="bold")
    for block, is_done in zip(blocks, done, strict=True):
        style = "dim" if is_done else ""
        head, details = block.head, block.details
        if block.exam is not None:
            joined = f"{head} · {block.exam}"
            if _cell_len(joined) <= width:
                head = joined
            else:
                details = [block.exam, *details]
        yield Text(head, style=style)
        for detail in details:
            for line in wrap_words(detail, width - len(indent)):
                yield Text(indent + line, style=style)


def _day(day: date) -> str:
    """`Tue 2024-04-30`, `mar 2024-04-30`: the weekday, and the ISO date no table splits."""
    text = wording.short_date(day)
    if day.isoformat() in text:
        return text
    # Babel's short form ("mar 30 abr 2024") starts with the weekday as the language shortens it.
    return f"{text.split(' ', 1)[0]} {day.isoformat()}"


def _moved_short(visit: Visit) -> str:
    """`Sat 2026-01-31`: the rule's date when the visit was moved, else ''."""
    if not visit.moved:
        return ""
    holiday = f" ({visit.holiday})" if visit.holiday else ""
    return f"{_day(visit.due_date)}{holiday}"


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

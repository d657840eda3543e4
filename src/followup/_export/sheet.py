"""The printable sheet: one page of visits for the fridge or the clinic, as HTML or PDF.

Both formats are drawn from the same `SheetContent`, so they say the same
thing. The HTML is one self-contained file (inline CSS, no fonts, scripts or
images to fetch) that prints on A4 and US Letter and reads on a phone. The PDF
is written directly with fpdf2 (the `pdf` extra) and a DejaVu font shipped with
the package, so every accented letter prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import TYPE_CHECKING

from followup import _i18n as i18n
from followup import _wording as wording
from followup._errors import MissingDependency, install_command
from followup._export import Paper
from followup._export.templates import environment
from followup._i18n import _
from followup._schedule import Schedule, Visit

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = [
    "ChartContent",
    "SheetContent",
    "chart_content",
    "content",
    "new_pdf",
    "require_pdf",
    "to_html",
    "to_pdf",
]


@dataclass(frozen=True)
class SheetRow:
    number: str
    weekday: str
    date: str
    note: str  # why the date moved, or when the visit was done; '' otherwise
    note_wraps: bool  # a holiday's name may make the note too long for one line
    window: str
    exam: str
    done: bool


@dataclass(frozen=True)
class SheetContent:
    """Everything the sheet says, in reading order, as plain text."""

    lang: str
    title: str
    lead: str
    about: list[wording.Fact]  # page 1, above the visits: the rule and what it gives
    details: list[wording.Fact]  # page 2, above the questions: its source, choices, notes
    source_url: str | None
    headers: tuple[str, str, str, str, str, str]
    window_note: str
    rows: list[SheetRow]
    questions_title: str
    questions: tuple[str, ...]
    notes_title: str
    notice: str
    generated: str


@dataclass(frozen=True)
class ChartRow:
    number: str
    date: str  # the weekday and the date shown
    due: str  # the rule's date; a holiday's name would be in the plan's language
    window: str  # the first and last day of the window
    status: str


@dataclass(frozen=True)
class ChartContent:
    """The page for the clinic's chart, in the clinic's language: the clinic note's lines
    (the exams among them), then every visit with its window and status."""

    lang: str
    title: str
    summary: list[str]
    headers: tuple[str, str, str, str, str]
    rows: list[ChartRow]
    tracks_note: str | None
    generated: str


def _note(visit: Visit) -> str:
    """Why the date shown is not the rule's: `due 2025-12-25 (Christmas Day)`, `due Saturday
    2026-01-31`; when a visit done was planned for. The ISO date reads alike in every language."""
    due = visit.due_date.isoformat()
    if visit.done:
        return _("planned for {date}").format(date=due)
    if not visit.moved:
        return ""
    if visit.holiday:
        return _("due {date} ({holiday})").format(date=due, holiday=visit.holiday)
    # Moved off a weekend: the weekday says so in one word.
    return _("due {date}").format(date=f"{i18n.column_weekday(visit.due_date)} {due}")


def _row(schedule: Schedule, visit: Visit) -> SheetRow:
    label = f"{visit.number}*" if visit.stream.by_choice else f"{visit.number}"
    return SheetRow(
        number=label,
        weekday=i18n.column_weekday(visit.date),
        date=visit.date.isoformat(),
        note=_note(visit),
        note_wraps=bool(visit.holiday) and not visit.done,
        window=wording.gap(visit),
        exam=wording.exam_short(schedule, visit)
        + (_(" (extra track)") if visit.stream.by_choice else ""),
        done=visit.done,
    )


def _window_note(schedule: Schedule) -> str:
    if schedule.protocol.tracks:
        return _(
            "Window: months after the previous visit (for the first, after the treatment). "
            "* marks an extra track."
        )
    return _("Window: months after the previous visit (for the first, after the treatment).")


def _lead(schedule: Schedule) -> str:
    exams = wording.exams(schedule.protocol)
    return _("{exam}, counted from the treatment date {date} ({hint}).").format(
        exam=exams,
        date=i18n.long_date(schedule.treatment_date),
        hint=_(schedule.protocol.start_hint),
    )


# The facts above the visits; the others (source, checks, choices, length, notes) open
# the second page, so that the visits of a long plan keep to the first.
_FIRST_PAGE = {"protocol", "rule", "phases", "tracks", "visits"}


def _made(stamp: date, version: str) -> str:
    return _("Made on {date} by followup {version}.").format(
        date=stamp.isoformat(), version=version
    )


def content(schedule: Schedule, *, generated: datetime, version: str) -> SheetContent:
    # The lead and the footer already say when follow-up starts, and the notice.
    facts = [fact for fact in wording.about(schedule) if fact.key not in {"start", "notice"}]
    about = [fact for fact in facts if fact.key in _FIRST_PAGE]
    return SheetContent(
        lang=i18n.current(),
        title=wording.title(schedule),
        lead=_lead(schedule),
        about=about,
        details=[fact for fact in facts if fact.key not in _FIRST_PAGE],
        source_url=schedule.protocol.source.url,
        headers=("#", _("Date"), _("Window"), _("Exam"), _("Done"), _("Result, notes")),
        window_note=_window_note(schedule),
        rows=[_row(schedule, visit) for visit in schedule.visits],
        questions_title=_("Questions to bring to the care team"),
        questions=tuple(_(question) for question in schedule.protocol.questions),
        notes_title=_("Notes from the care team"),
        notice=wording.disclaimer(),
        generated=_made(generated.date(), version),
    )


def _chart_row(schedule: Schedule, visit: Visit) -> ChartRow:
    opens, closes = visit.window
    return ChartRow(
        number=f"{visit.number}*" if visit.stream.by_choice else f"{visit.number}",
        date=f"{i18n.column_weekday(visit.date)} {visit.date.isoformat()}",
        due=visit.due_date.isoformat(),
        window=f"{opens.isoformat()} – {closes.isoformat()}",
        status=wording.status(schedule, visit),
    )


def chart_content(schedule: Schedule, *, generated: datetime, version: str) -> ChartContent:
    """The chart's page, in the active language."""
    from followup._export.note import note_items

    return ChartContent(
        lang=i18n.current(),
        title=_("For the chart: {title}").format(title=wording.title(schedule)),
        summary=note_items(schedule),
        headers=("#", _("Date"), _("Due by the rule"), _("Window"), _("Status")),
        rows=[_chart_row(schedule, visit) for visit in schedule.visits],
        tracks_note=_("* marks a visit of an extra track, named above.")
        if schedule.protocol.tracks
        else None,
        generated=_made(generated.date(), version),
    )


def _chart(
    schedule: Schedule, chart_lang: str | None, generated: datetime, version: str
) -> ChartContent | None:
    if chart_lang is None:
        return None
    with i18n.using(chart_lang):
        return chart_content(schedule, generated=generated, version=version)


def to_html(
    schedule: Schedule, *, generated: datetime, version: str, chart_lang: str | None = None
) -> str:
    """The sheet as one self-contained HTML page, from the `sheet.html` template; with
    `chart_lang`, a last page for the clinic's chart in that language."""
    sheet = content(schedule, generated=generated, version=version)
    chart = _chart(schedule, chart_lang, generated, version)
    template = environment().get_template("sheet.html")
    return template.render(sheet=sheet, chart=chart, version=version)


_PAPER = {"a4": "A4", "letter": "Letter"}


def require_pdf() -> None:
    """Fail early, with how to fix it, when the PDF library is not installed."""
    try:
        import fpdf  # noqa: F401
    except ImportError:
        message = _("PDF output needs the pdf extra: {command}")
        raise MissingDependency(message.format(command=install_command("pdf"))) from None


def to_pdf(
    schedule: Schedule,
    *,
    generated: datetime,
    version: str,
    paper: Paper = Paper.A4,
    chart_lang: str | None = None,
    link: str | None = None,
) -> bytes:
    """The sheet as a PDF, drawn directly with fpdf2 (no browser needed); with `chart_lang`,
    a last page for the clinic's chart in that language; with `link` (a web plan link),
    its QR code under the notes, to open the plan on a phone."""
    require_pdf()
    sheet = content(schedule, generated=generated, version=version)
    pdf = new_pdf(paper, title=sheet.title, lang=sheet.lang, made=generated, version=version)

    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 8, sheet.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11.5)
    pdf.multi_cell(0, 5.3, sheet.lead, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1.5)
    _pdf_about(pdf, sheet.about)
    pdf.ln(2)

    _pdf_visits(pdf, sheet)
    _pdf_questions(pdf, sheet, room=QR_MM + 16 if link else 0.0)
    if link is not None:
        _pdf_link(pdf, link)
    chart = _chart(schedule, chart_lang, generated, version)
    if chart is not None:
        _pdf_chart(pdf, chart)
    return bytes(pdf.output())


def new_pdf(
    paper: Paper, *, title: str, lang: str, made: datetime, version: str, landscape: bool = False
) -> FPDF:
    """A document on `paper`, its first page open, with the sheet's margins and the DejaVu
    fonts, and its title, language, date and maker (followup `version`)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L" if landscape else "P", format=_PAPER[paper])
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(True, margin=11)
    fonts = resources.files("followup") / "fonts"
    with resources.as_file(fonts / "DejaVuSansCondensed.ttf") as regular:
        pdf.add_font("DejaVu", "", str(regular))
    with resources.as_file(fonts / "DejaVuSansCondensed-Bold.ttf") as bold:
        pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_creation_date(made)
    pdf.set_title(title)
    pdf.set_lang(lang)
    pdf.set_creator(f"followup {version}")
    pdf.add_page()
    return pdf


# The facts under the title: small print, in a column of labels as wide as the
# widest label, up to a fifth of the page; a longer label has its value under it.
_ABOUT_PT = 8.5
_ABOUT_LINE = 3.8  # mm
_LABEL_GAP = 2.5  # mm between a label and its value


def _label_column(pdf: FPDF, facts: list[wording.Fact]) -> float:
    """The width in mm of the labels' column: the widest label and a gap, up to a fifth of
    the page."""
    pdf.set_font("DejaVu", "B", _ABOUT_PT)
    widest = max((pdf.get_string_width(fact.label) for fact in facts), default=0.0)
    return min(widest + _LABEL_GAP, pdf.epw / 5)


def _pdf_about(pdf: FPDF, facts: list[wording.Fact]) -> None:
    """`Label  value`, each value wrapped in its own column beside the labels."""
    column = _label_column(pdf, facts)
    for fact in facts:
        pdf.set_font("DejaVu", "B", _ABOUT_PT)
        if pdf.get_string_width(fact.label) + _LABEL_GAP <= column:
            pdf.cell(column, _ABOUT_LINE, fact.label)
        else:
            pdf.multi_cell(0, _ABOUT_LINE, fact.label, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.set_x(pdf.l_margin + column)
        pdf.set_font("DejaVu", "", _ABOUT_PT)
        pdf.multi_cell(0, _ABOUT_LINE, fact.text, new_x="LMARGIN", new_y="NEXT", align="L")


_PADDING = 1.2  # mm inside each cell of the table of visits, on every side
_SLACK = 0.5  # mm, so that rounding never wraps a text measured to fit
# A date's note wider than this (one naming a holiday) and an exam wider than
# that wrap between words, so that the result column keeps room to write in.
_DATE_MOST = 56.0
_EXAM_MOST = 48.0


def _widest(pdf: FPDF, texts: list[str], *, bold: bool = False) -> float:
    pdf.set_font("DejaVu", "B" if bold else "", 11)
    return max((pdf.get_string_width(text) for text in texts), default=0.0)


def _col_widths(pdf: FPDF, sheet: SheetContent) -> tuple[float, ...]:
    """Widths in mm, measured: each column as wide as its widest text, header included, so
    that "10*", a weekday with its date, "3–4 months" and "Done" never wrap; a date's note
    and the exam up to a limit, beyond which they wrap between words; the result column
    takes what is left."""
    headers = [_widest(pdf, [header], bold=True) for header in sheet.headers]
    rows = sheet.rows
    notes = [width for row in rows if (width := _widest(pdf, [row.note])) <= _DATE_MOST]
    cells = (
        _widest(pdf, [row.number for row in rows], bold=True),
        max(_widest(pdf, [f"{row.weekday} {row.date}" for row in rows]), *notes, 0),
        _widest(pdf, [row.window for row in rows]),
        min(_widest(pdf, [row.exam for row in rows]), _EXAM_MOST),
        _widest(pdf, ["☐", "☑"]),
    )
    inner = [max(header, cell) for header, cell in zip(headers[:-1], cells, strict=True)]
    widths = tuple(width + 2 * _PADDING + _SLACK for width in inner)
    return (*widths, pdf.epw - sum(widths))


def _pdf_visits(pdf: FPDF, sheet: SheetContent) -> None:
    """The table of visits, its header repeated on every page, and the note under it."""
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", 11)
    with pdf.table(
        col_widths=_col_widths(pdf, sheet),
        headings_style=FontFace(emphasis="BOLD", size_pt=11),
        line_height=5.2,
        padding=(_PADDING, _PADDING),
        borders_layout="HORIZONTAL_LINES",
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "CENTER", "LEFT"),
        repeat_headings=1,
    ) as table:
        table.row(list(sheet.headers))
        for row in sheet.rows:
            cells = table.row()
            cells.cell(row.number, style=FontFace(emphasis="BOLD"))
            cells.cell(f"{row.weekday} {row.date}" + (f"\n{row.note}" if row.note else ""))
            cells.cell(row.window)
            cells.cell(row.exam)
            cells.cell("☑" if row.done else "☐")
            cells.cell("")
    pdf.set_font("DejaVu", "", 11)
    pdf.ln(1)
    pdf.multi_cell(0, 5, sheet.window_note, new_x="LMARGIN", new_y="NEXT", align="L")


def _pdf_questions(pdf: FPDF, sheet: SheetContent, room: float) -> None:
    """Page two: the plan's source, choices and notes, questions for the care team, lines
    for notes, and the notice; `room` (mm) is kept free at the end for what follows on the page. The
    lines for notes fill what is left: from 3 to 7 of them."""
    pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    for fact in sheet.details:
        text = f"{fact.label}: {fact.text}"
        pdf.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(0.8)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, sheet.questions_title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for index, question in enumerate(sheet.questions, start=1):
        pdf.multi_cell(0, 5.5, f"{index}. {question}", new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1.5)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, sheet.notes_title, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y()
    free = pdf.h - pdf.b_margin - top - room - _NOTICE_MM
    lines = max(2, min(7, int(free // 9) - 1))
    for line in range(1, lines + 1):
        pdf.line(pdf.l_margin, top + 9 * line, pdf.w - pdf.r_margin, top + 9 * line)
    pdf.set_y(top + 9 * (lines + 1) + 4)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 5.2, sheet.notice, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 5.2, sheet.generated, new_x="LMARGIN", new_y="NEXT")


# A QR code printed this wide (with its quiet zone; 3 cm at least) scans from paper with a
# phone camera; the second page keeps room for it.
QR_MM = 32.0
_NOTICE_MM = 22.0  # the notice and the line saying when the sheet was made, at most


def _pdf_link(pdf: FPDF, link: str) -> None:
    """The plan link as a QR code, with what it is for and the link itself."""
    import segno  # the web's only: it alone gives sheets a link

    code = segno.make(link, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    size = len(matrix) + 8  # four modules of quiet zone on each side
    module = QR_MM / size
    if pdf.get_y() + QR_MM + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    left, top = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(0)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pdf.rect(left + (x + 4) * module, top + (y + 4) * module, module, module, "F")
    pdf.set_xy(left + QR_MM + 4, top + 6)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 5.2, i18n._("Scan with the phone's camera to open this plan"), align="L")
    pdf.set_x(left + QR_MM + 4)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, link, align="L")
    pdf.set_y(top + QR_MM + 2)


def _pdf_chart(pdf: FPDF, chart: ChartContent) -> None:
    """The chart's page: the clinic note's lines (the notice last), then the visits with
    windows and statuses; tight enough for 30 visits on one page of Letter."""
    from fpdf.fonts import FontFace

    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, chart.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 11)
    for line in chart.summary:
        pdf.multi_cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    rows = [list(chart.headers)] + [
        [row.number, row.date, row.due, row.window, row.status] for row in chart.rows
    ]
    widths = [
        _widest(pdf, [cells[column] for cells in rows], bold=True) + 2 * _PADDING + _SLACK
        for column in range(4)
    ]
    pdf.set_font("DejaVu", "", 11)
    with pdf.table(
        col_widths=(*widths, pdf.epw - sum(widths)),
        headings_style=FontFace(emphasis="BOLD", size_pt=11),
        line_height=4.8,
        padding=(0.4, _PADDING),
        borders_layout="HORIZONTAL_LINES",
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"),
        repeat_headings=1,
    ) as table:
        for cells in rows:
            table.row(cells)
    pdf.ln(1)
    if chart.tracks_note:
        pdf.multi_cell(0, 4.8, chart.tracks_note, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.multi_cell(0, 4.8, chart.generated, new_x="LMARGIN", new_y="NEXT")

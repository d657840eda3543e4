"""The printable sheet: one page of visits for the fridge or the clinic, as HTML or PDF.

Both formats are drawn from the same `SheetContent`, so they say the same
thing. The HTML is one self-contained file (inline CSS, no fonts, scripts or
images to fetch) that prints on A4 and US Letter and reads on a phone. The PDF
is written directly with fpdf2 (the `pdf` extra) and a DejaVu font shipped with
the package, so every accented letter prints.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import TYPE_CHECKING

from followup import i18n, wording
from followup.errors import MissingDependency
from followup.export import Paper
from followup.i18n import _
from followup.schedule import Schedule, Visit

if TYPE_CHECKING:
    import jinja2
    from fpdf import FPDF

__all__ = ["SheetContent", "content", "require_pdf", "to_html", "to_pdf"]


@dataclass(frozen=True)
class SheetRow:
    number: str
    weekday: str
    date: str
    note: str  # why the date moved, or when the visit was done; '' otherwise
    window: str
    exam: str
    done: bool


@dataclass(frozen=True)
class SheetContent:
    """Everything the sheet says, in reading order, as plain text."""

    lang: str
    title: str
    lead: str
    about: list[wording.Fact]
    source_url: str | None
    headers: tuple[str, str, str, str, str, str]
    window_note: str
    rows: list[SheetRow]
    questions_title: str
    questions: tuple[str, ...]
    notes_title: str
    notice: str
    generated: str


def _row(schedule: Schedule, visit: Visit) -> SheetRow:
    if visit.done:
        note = _("planned for {date}").format(date=visit.due_date.isoformat())
    elif visit.moved:
        # The ISO date keeps the note on one line in every language.
        note = _("due {date}").format(date=visit.due_date.isoformat())
    else:
        note = ""
    label = f"{visit.number}" if visit.track is None else f"{visit.number}*"
    return SheetRow(
        number=label,
        weekday=i18n.column_weekday(visit.date),
        date=visit.date.isoformat(),
        note=note,
        window=wording.gap(visit),
        exam=wording.exam_short(schedule, visit) + (_(" (extra track)") if visit.track else ""),
        done=visit.done,
    )


def _window_note() -> str:
    return _(
        "Window: months after the previous visit (for the first, after the treatment). "
        "* marks an extra track."
    )


def _lead(schedule: Schedule) -> str:
    return _("{exam}, counted from the treatment date {date} ({hint}).").format(
        exam=_(schedule.protocol.exam),
        date=i18n.long_date(schedule.treatment_date),
        hint=_(schedule.protocol.start_hint),
    )


def _made(stamp: date, version: str) -> str:
    return _("Made on {date} by followup {version}.").format(
        date=stamp.isoformat(), version=version
    )


def content(schedule: Schedule, *, generated: datetime, version: str) -> SheetContent:
    # The lead and the footer already say when follow-up starts, and the notice.
    about = [fact for fact in wording.about(schedule) if fact.key not in {"start", "notice"}]
    return SheetContent(
        lang=i18n.current(),
        title=wording.title(schedule),
        lead=_lead(schedule),
        about=about,
        source_url=schedule.protocol.source.url,
        headers=("#", _("Date"), _("Window"), _("Exam"), _("Done"), _("Result, notes")),
        window_note=_window_note(),
        rows=[_row(schedule, visit) for visit in schedule.all_visits()],
        questions_title=_("Questions to bring to the care team"),
        questions=tuple(_(question) for question in schedule.protocol.questions),
        notes_title=_("Notes from the care team"),
        notice=wording.disclaimer(),
        generated=_made(generated.date(), version),
    )


@functools.cache
def _environment() -> jinja2.Environment:
    # Imported here, not at the top: jinja2 would slow every command's start-up.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("followup", "templates"),
        autoescape=True,
        finalize=_e,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _e(value: object) -> object:
    """The template's finalize: escape text with html.escape, as the sheet always has.

    markupsafe writes quotes as &#34; and &#39;, html.escape as &quot; and
    &#x27;; escaping here, before autoescape (which leaves `Markup` alone),
    keeps the page the same byte for byte. Anything else autoescape escapes.
    """
    if isinstance(value, str) and not hasattr(value, "__html__"):
        from markupsafe import Markup

        # Safe: the text has just been escaped.
        return Markup(html.escape(value, quote=True))  # noqa: S704
    return value


def to_html(schedule: Schedule, *, generated: datetime, version: str) -> str:
    """The sheet as one self-contained HTML page, from the `sheet.html` template."""
    sheet = content(schedule, generated=generated, version=version)
    return _environment().get_template("sheet.html").render(sheet=sheet, version=version)


_PAPER = {"a4": "A4", "letter": "Letter"}


def require_pdf() -> None:
    """Fail early, with how to fix it, when the PDF library is not installed."""
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise MissingDependency(
            _("PDF output needs the pdf extra: pip install 'followup[pdf]'")
        ) from None


def to_pdf(
    schedule: Schedule, *, generated: datetime, version: str, paper: Paper = Paper.A4
) -> bytes:
    """The sheet as a PDF, drawn directly with fpdf2 (no browser needed)."""
    require_pdf()
    from fpdf import FPDF

    sheet = content(schedule, generated=generated, version=version)
    pdf = FPDF(format=_PAPER[paper])
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(True, margin=11)
    pdf.set_creation_date(generated)
    pdf.set_title(sheet.title)
    pdf.set_lang(sheet.lang)
    pdf.set_creator(f"followup {version}")
    fonts = resources.files("followup") / "fonts"
    with resources.as_file(fonts / "DejaVuSansCondensed.ttf") as regular:
        pdf.add_font("DejaVu", "", str(regular))
    with resources.as_file(fonts / "DejaVuSansCondensed-Bold.ttf") as bold:
        pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_page()

    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 8, sheet.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11.5)
    pdf.multi_cell(0, 5.3, sheet.lead, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1.5)
    for label, text in ((fact.label, fact.text) for fact in sheet.about):
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.cell(23, 3.8, label)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(0, 3.8, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)

    _pdf_visits(pdf, sheet)
    _pdf_questions(pdf, sheet)
    return bytes(pdf.output())


def _pdf_visits(pdf: FPDF, sheet: SheetContent) -> None:
    """The table of visits, its header repeated on every page, and the note under it."""
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", 11)
    # Widths in mm, measured for 11 pt: a long weekday and date, "3–4 months",
    # the seed's exam on one line; the result column takes what is left.
    fixed = (8, 46, 24, 48, 14)
    with pdf.table(
        col_widths=(*fixed, pdf.epw - sum(fixed)),
        headings_style=FontFace(emphasis="BOLD", size_pt=10),
        line_height=5.2,
        padding=(1.2, 1.2),
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
    pdf.set_font("DejaVu", "", 8.5)
    pdf.ln(1)
    pdf.multi_cell(0, 4, sheet.window_note, new_x="LMARGIN", new_y="NEXT")


def _pdf_questions(pdf: FPDF, sheet: SheetContent) -> None:
    """Page two: questions for the care team, lines for notes, and the notice."""
    pdf.add_page()
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
    for line in range(1, 8):
        pdf.line(pdf.l_margin, top + 9 * line, pdf.w - pdf.r_margin, top + 9 * line)
    pdf.set_y(top + 9 * 8 + 4)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(0, 4.5, sheet.notice, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 4.5, sheet.generated, new_x="LMARGIN", new_y="NEXT")

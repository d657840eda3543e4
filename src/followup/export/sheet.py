"""The printable sheet: one page of visits for the fridge or the clinic, as HTML or PDF.

Both formats are drawn from the same `SheetContent`, so they say the same
thing. The HTML is one self-contained file (inline CSS, no fonts, scripts or
images to fetch) that prints on A4 and US Letter and reads on a phone. The PDF
is written directly with fpdf2 (the `pdf` extra) and a DejaVu font shipped with
the package, so every accented letter prints.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING

from followup import i18n, wording
from followup.errors import MissingDependency
from followup.i18n import _
from followup.schedule import Schedule, Visit

if TYPE_CHECKING:
    from followup.export import Paper

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


def content(schedule: Schedule, *, generated: datetime, version: str) -> SheetContent:
    # The lead and the footer already say when follow-up starts, and the notice.
    about = [fact for fact in wording.about(schedule) if fact.key not in {"start", "notice"}]
    return SheetContent(
        lang=i18n.current(),
        title=wording.title(schedule),
        lead=wording.sheet_lead(schedule),
        about=about,
        source_url=schedule.protocol.source.url,
        headers=("#", _("Date"), _("Window"), _("Exam"), _("Done"), _("Result, notes")),
        window_note=wording.sheet_window_note(),
        rows=[_row(schedule, visit) for visit in schedule.all_visits()],
        questions_title=_("Questions to bring to the care team"),
        questions=tuple(wording.questions(schedule)),
        notes_title=_("Notes from the care team"),
        notice=wording.disclaimer(),
        generated=wording.generated(generated.date(), version),
    )


# Print first: 11 pt and more, black on white, rules instead of shading; the
# same page turns into stacked cards on a narrow screen.
_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #000;
  font: 11pt/1.35 "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 6mm; }
h1 { font-size: 18pt; margin: 0 0 1.5mm; line-height: 1.15; overflow-wrap: anywhere; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; }
.lead { font-size: 11.5pt; margin: 0 0 2.5mm; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: 0.4mm 3mm;
  margin: 0 0 3mm; font-size: 8.5pt; line-height: 1.3; }
dl.about dt { font-weight: bold; }
dl.about dd { margin: 0; overflow-wrap: anywhere; }
a { color: inherit; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
th { text-align: left; font-size: 9.5pt; white-space: nowrap;
  border-bottom: 1.5pt solid #000; padding: 1mm 1.5mm; }
td { border-bottom: 0.5pt solid #555; padding: 1mm 1.5mm; vertical-align: top; }
tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; width: 2.6em; white-space: nowrap; }
td.num { font-weight: bold; }
td.date { white-space: nowrap; width: 11.5em; }
td.date .day { font-weight: bold; }
.note { display: block; font-size: 8.5pt; line-height: 1.15; white-space: normal; }
td.window { white-space: nowrap; width: 6.5em; }
td.exam { width: 14em; }
.box { width: 3.6em; text-align: center; }
.tick { display: inline-block; width: 5mm; height: 5mm; border: 1pt solid #000;
  font-size: 9pt; line-height: 5mm; vertical-align: middle; }
p.window-note { font-size: 8.5pt; margin: 1.5mm 0 0; }
.questions { break-before: page; page-break-before: always; }
.questions li { margin: 0 0 3mm; }
.lines div { height: 9mm; border-bottom: 0.75pt solid #555; }
footer { margin-top: 5mm; font-size: 9pt; border-top: 0.5pt solid #555; padding-top: 2mm; }
footer p { margin: 0 0 1mm; }
footer .notice { font-weight: bold; }
@page { margin: 10mm 12mm 11mm; }
@media print {
  main { max-width: none; padding: 0; }
}
@media screen and (max-width: 640px) {
  main { padding: 4mm 3mm; }
  h1 { font-size: 16pt; }
  dl.about { grid-template-columns: 1fr; font-size: 10pt; }
  dl.about dd { margin-bottom: 1.5mm; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 0.5pt solid #555; border-radius: 2mm; margin: 0 0 3mm; padding: 2mm 3mm; }
  td { border: 0; padding: 0.5mm 0; width: auto; }
  td.num, td.date, td.window, td.exam, td.box, td.result { width: auto; text-align: left; }
  td.num::before { content: "#"; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
  td.date { white-space: normal; }
  td.result { min-height: 12mm; border-top: 0.5pt dashed #777; margin-top: 1mm; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(schedule: Schedule, *, generated: datetime, version: str) -> str:
    """The sheet as one self-contained HTML page."""
    sheet = content(schedule, generated=generated, version=version)
    number, day, window, exam, done, result = (_e(h) for h in sheet.headers)
    about = "\n".join(
        f"<dt>{_e(fact.label)}</dt><dd>{_e(fact.text)}</dd>"
        if fact.key != "source" or not sheet.source_url
        else f"<dt>{_e(fact.label)}</dt><dd>{_e(fact.text.removesuffix(sheet.source_url))}"
        f'<a href="{_e(sheet.source_url)}">{_e(sheet.source_url)}</a></dd>'
        for fact in sheet.about
    )
    rows = "\n".join(
        "<tr>"
        f'<td class="num">{_e(row.number)}</td>'
        f'<td class="date" data-label="{day}">{_e(row.weekday)} '
        f'<span class="day">{_e(row.date)}</span>'
        + (f'<span class="note">{_e(row.note)}</span>' if row.note else "")
        + "</td>"
        f'<td class="window" data-label="{window}">{_e(row.window)}</td>'
        f'<td class="exam" data-label="{exam}">{_e(row.exam)}</td>'
        f'<td class="box" data-label="{done}">'
        f'<span class="tick">{"✓" if row.done else ""}</span></td>'
        f'<td class="result" data-label="{result}"></td>'
        "</tr>"
        for row in sheet.rows
    )
    questions = "\n".join(f"<li>{_e(q)}</li>" for q in sheet.questions)
    return f"""<!DOCTYPE html>
<html lang="{_e(sheet.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="followup {_e(version)}">
<title>{_e(sheet.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<header>
<h1>{_e(sheet.title)}</h1>
<p class="lead">{_e(sheet.lead)}</p>
<dl class="about">
{about}
</dl>
</header>
<table>
<thead><tr><th class="num">{number}</th><th>{day}</th><th>{window}</th><th>{exam}</th>\
<th class="box">{done}</th><th>{result}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p class="window-note">{_e(sheet.window_note)}</p>
<section class="questions">
<h2>{_e(sheet.questions_title)}</h2>
<ol>
{questions}
</ol>
<h2>{_e(sheet.notes_title)}</h2>
<div class="lines">{"<div></div>" * 7}</div>
</section>
<footer>
<p class="notice">{_e(sheet.notice)}</p>
<p>{_e(sheet.generated)}</p>
</footer>
</main>
</body>
</html>
"""


_PAPER = {"a4": "A4", "letter": "Letter"}


def require_pdf() -> None:
    """Fail early, with how to fix it, when the PDF library is not installed."""
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise MissingDependency(
            _("PDF output needs the pdf extra: pip install 'followup[pdf]'")
        ) from None


def to_pdf(schedule: Schedule, *, generated: datetime, version: str, paper: Paper = "a4") -> bytes:
    """The sheet as a PDF, drawn directly with fpdf2 (no browser needed)."""
    require_pdf()
    from fpdf import FPDF
    from fpdf.fonts import FontFace

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
    return bytes(pdf.output())

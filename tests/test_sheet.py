"""The printable sheet: what it says, that it is self-contained and safe, and the PDF."""

from __future__ import annotations

import builtins
import html
import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
from typer.testing import CliRunner

import followup
from followup import _i18n as i18n
from followup import _wording as wording
from followup._errors import install_command
from followup._export import Paper
from followup._export.sheet import (
    _PADDING,
    _col_widths,
    _label_column,
    _pdf_about,
    content,
    new_pdf,
    to_html,
    to_pdf,
)
from followup.cli import app

from .conftest import need_tool

if TYPE_CHECKING:
    from fpdf import FPDF

HOSTILE = '<script>alert(1)</script> & "Zoë"'


def _html(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["plan", *args, "--format", "html", "-o", "-"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sheet_says_what_the_plan_is(runner: CliRunner) -> None:
    """Title with the name, the treatment date, rule, source link, choices, visits, questions, notice."""
    page = _html(runner, "2024-01-31", "--name", "Ana")
    assert "<title>Follow-up plan for Ana</title>" in page
    assert "<h1>Follow-up plan for Ana</h1>" in page
    assert 'counted from the treatment date Wednesday <span class="nobr">2024-01-31</span>' in page
    assert "the usual choice is the day of the last liver surgery or ablation" in page
    assert "“CT or MRI of the chest and abdomen every 3–4 months" in page
    assert '<a href="https://www.mdpi.com/2072-6694/17/8/1295">' in page
    assert "3 months between visits in years 1–2 (the source allows 3–4)" in page
    assert "this length is a choice" in page
    assert page.count('<span class="tick">') == 19
    assert 'Wednesday <span class="day">2024-07-31</span>' in page
    assert 'due Saturday <span class="nobr">2026-01-31</span>' in page
    assert "oligometastatic" in page
    assert "Notes from the care team" in page
    assert "not medical advice" in page
    assert 'Made on <span class="nobr">2026-01-01</span> by followup ' in page
    assert '<html lang="en">' in page


def test_sheet_is_self_contained(runner: CliRunner) -> None:
    """No scripts, stylesheets, fonts or images to fetch: it works offline and prints alike."""
    page = _html(runner, "2024-01-31", "--track", "Brain MRI", "--every", "12")
    lowered = page.lower()
    for needle in ("<script", "<link", "<img", "@import", "url(", "src=", "@font-face", "<iframe"):
        assert needle not in lowered, needle
    assert re.findall(r'href="([^"]+)"', page) == ["https://www.mdpi.com/2072-6694/17/8/1295"]


def test_user_text_is_escaped(runner: CliRunner, tmp_path: Path) -> None:
    """A name with markup shows as text, everywhere it appears."""
    page = _html(runner, "2024-01-31", "--name", HOSTILE)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Zoë&#34;" in page
    path = tmp_path / "centre.toml"
    path.write_text(
        'name = "<b>Centre</b>"\nexam = "<i>CT</i>"\n[[phases]]\nevery_months = 6\n'
        '[source]\ncitation = "x"\nurl = "https://x.org/\\" onclick=\\"x"\n'
    )
    page = _html(runner, "2024-01-31", "--protocol", str(path))
    assert "<b>" not in page
    assert "<i>" not in page
    assert 'href="https://x.org/&#34; onclick=&#34;x"' in page


def test_done_visits_are_ticked(runner: CliRunner) -> None:
    """A visit done shows a tick and the date it was planned for."""
    page = _html(runner, "2024-01-31", "--done", "2024-05-06")
    assert '<span class="tick">✓</span>' in page
    assert 'planned for <span class="nobr">2024-04-30</span>' in page


def test_questions_follow_the_protocol(runner: CliRunner) -> None:
    """The liver-metastasis questions come with the seed's protocol; other presets get general ones."""
    assert "liver metastases few and confined" in _html(runner, "2024-01-31")
    other = _html(runner, "2024-01-31", "--protocol", "uk-low-grade")
    assert "liver" not in other.split('class="questions"')[1]
    assert "clinical trials" in other


def visit_dates(runner: CliRunner, *args: str) -> list[str]:
    """The dates shown for every visit of a plan, read from its JSON."""
    result = runner.invoke(app, ["plan", *args, "--format", "json", "-o", "-"])
    return [visit["date"] for visit in json.loads(result.stdout)["visits"]]


def _pdf_text(data: bytes, tmp_path: Path, *pages: int) -> str:
    need_tool("pdftotext", "Debian package poppler-utils")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", *first_last, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(data: bytes, tmp_path: Path) -> int:
    need_tool("pdfinfo", "Debian package poppler-utils")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_sheet(runner: CliRunner, tmp_path: Path, paper: str) -> None:
    """The PDF carries every date and the name in any script; the table fits page 1, the rest page 2."""
    name = "João Muñoz Ñúñez"
    result = runner.invoke(
        app, ["plan", "2024-01-31", "--name", name, "--format", "pdf", "--paper", paper, "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"%PDF-")
    assert _pages(data, tmp_path) == 2
    first = _pdf_text(data, tmp_path, 1)
    assert f"Follow-up plan for {name}" in first
    for day in visit_dates(runner, "2024-01-31"):
        assert day in first
    second = _pdf_text(data, tmp_path, 2)
    assert "Questions to bring to the care team" in second
    assert "not medical advice" in second


def test_pdf_by_suffix_and_reproducible(runner: CliRunner, tmp_path: Path) -> None:
    """-o x.pdf writes a PDF; with SOURCE_DATE_EPOCH it is the same bytes every time."""
    target = tmp_path / "sheet.pdf"
    assert runner.invoke(app, ["plan", "2024-01-31", "-o", str(target)]).exit_code == 0
    first = target.read_bytes()
    assert runner.invoke(app, ["plan", "2024-01-31", "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == first
    assert b"/CreationDate (D:20260101" in first


def test_pdf_without_the_extra_says_how_to_install_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without fpdf2 installed: one line naming the extra, exit 1, no file."""
    real_import = builtins.__import__

    def no_fpdf(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "fpdf" or name.startswith("fpdf."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fpdf)
    target = tmp_path / "sheet.pdf"
    result = runner.invoke(app, ["plan", "2024-01-31", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: PDF output needs the pdf extra: {install_command('pdf')}\n"
    assert not target.exists()


def test_fonts_ship_with_their_licence() -> None:
    """The PDF font is in the package, with its licence beside it."""
    fonts = Path(__file__).resolve().parent.parent / "src" / "followup" / "fonts"
    assert (fonts / "DejaVuSansCondensed.ttf").stat().st_size > 100_000
    assert "Bitstream Vera" in (fonts / "LICENSE-DejaVu.txt").read_text()


# --- Layout: measured, never overlapping -------------------------------------------------

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
POINTS_PER_MM = 72 / 25.4
# A word's box in pdftotext is about 1.164 times its font size (DejaVu's ascent and descent).
BOX_PER_POINT = 1.164


class Word(NamedTuple):
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def points(self) -> float:
        """The font size the word was set in."""
        return (self.y1 - self.y0) / BOX_PER_POINT


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _boxes(data: bytes, tmp_path: Path) -> list[list[Word]]:
    """Every word of each page with its box in points, as poppler's pdftotext -bbox reads it."""
    need_tool("pdftotext", "Debian package poppler-utils")
    path = tmp_path / "boxes.pdf"
    path.write_bytes(data)
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = xml.split("<page ")[1:]
    return [
        [Word(html.unescape(m[4]), *map(float, m[:4])) for m in _WORD.findall(page)]
        for page in pages
    ]


def _overlaps(words: list[Word], slack: float = 0.3) -> list[tuple[str, str]]:
    """Pairs of words whose boxes cross by more than `slack` points both ways."""
    found = []
    ordered = sorted(words, key=lambda word: word.y0)
    for index, word in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.y0 > word.y1 - slack:
                break
            if min(word.x1, other.x1) - max(word.x0, other.x0) > slack:
                found.append((word.text, other.text))
    return found


def _schedule(lang: str, *, track: str | None = None, every: int = 12, years: int = 10) -> Any:
    settings = {"treatment_date": "2025-09-25", "holidays": "ES-MD", "years": years, "lang": lang}
    if track:
        settings["tracks"] = [{"exam": track, "every_months": every}]
    return followup.schedule_for(followup.Settings.from_mapping(settings), date(2025, 9, 1))


def _blank_pdf() -> FPDF:
    """An A4 sheet with the fonts, its first page open."""
    return new_pdf(
        Paper.A4, title="t", lang="en", made=datetime(2026, 1, 1, tzinfo=UTC), version="0"
    )


@pytest.fixture
def measure() -> Iterator[FPDF]:
    """An empty A4 sheet with the fonts, to measure text with; its font files closed after."""
    from fpdf.fonts import TTFFont

    pdf = _blank_pdf()
    yield pdf
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()


def _pdf(schedule: Any, lang: str, paper: Paper = Paper.A4) -> bytes:
    with i18n.using(lang):
        return to_pdf(schedule, generated=GENERATED, version="0.1.0", paper=paper)


TRACKS = {"en": "Brain MRI", "es": "RM cerebral", "pt": "RM de crânio", "pt-BR": "RM de crânio"}


@pytest.mark.untraced  # a grid of languages and papers: coverage is the PDF tests' above
@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER])
@pytest.mark.parametrize("lang", ["en", "es", "pt", "pt-BR"])
def test_pdf_words_never_overlap(tmp_path: Path, lang: str, paper: Paper) -> None:
    """With a track and public holidays, no word's box crosses another's, on any page."""
    data = _pdf(_schedule(lang, track=TRACKS[lang]), lang, paper)
    for number, words in enumerate(_boxes(data, tmp_path), start=1):
        assert _overlaps(words) == [], f"page {number}"


def test_the_overlap_check_can_fail() -> None:
    """Two words drawn over each other are caught; words side by side or stacked are not."""
    label, value = Word("adicionais", 40, 100, 80, 110), Word("RM", 78, 100, 90, 110)
    assert _overlaps([label, value]) == [("adicionais", "RM")]
    assert _overlaps([label, value._replace(x0=81, x1=95)]) == []
    assert _overlaps([label, label._replace(y0=110, y1=120)]) == []


def test_pdf_labels_leave_room_for_their_values(tmp_path: Path, measure: FPDF) -> None:
    """ "Séries adicionais" ends before its value starts; every label ends before the values'
    column, where every value starts."""
    schedule = _schedule("pt-BR", track="RM de crânio")
    words = _boxes(_pdf(schedule, "pt-BR"), tmp_path)[0]
    label = next(w for w in words if w.text == "adicionais" and w.points < 10)
    value = min((w for w in words if w.y0 == label.y0 and w.x0 > label.x0), key=lambda w: w.x0)
    assert value.text == "RM"
    assert value.x0 - label.x1 > 2 * POINTS_PER_MM
    with i18n.using("pt-BR"):
        about = content(schedule, generated=GENERATED, version="0").about
    column = (12 + _label_column(measure, about)) * POINTS_PER_MM
    facts = [w for w in words if w.points < 10]
    assert [w.text for w in facts if w.x0 < column - 0.5 and w.x1 > column - 2] == []
    assert min(w.x0 for w in facts if w.x0 >= column - 0.5) == pytest.approx(column, abs=3)


def test_pdf_label_columns_are_measured(measure: FPDF) -> None:
    """The label column fits the widest label (get_string_width); a long label goes above its value."""
    with i18n.using("pt-BR"):
        sheet = content(_schedule("pt-BR", track="RM de crânio"), generated=GENERATED, version="0")
    pdf = measure
    pdf.set_font("DejaVu", "B", 8.5)
    widest = max(pdf.get_string_width(fact.label) for fact in sheet.about)
    assert widest == pdf.get_string_width("Séries adicionais")
    assert _label_column(pdf, sheet.about) >= widest + 2
    long = wording.Fact("note", "A label far longer than any the sheet has today, on purpose", "x")
    assert _label_column(pdf, [long]) == pdf.epw / 5
    pdf.add_page()
    top = pdf.get_y()
    _pdf_about(pdf, [long])
    assert pdf.get_y() >= top + 2 * 3.8  # the label's line, then the value's


def test_pdf_long_label_puts_its_value_underneath(tmp_path: Path) -> None:
    """A label wider than its column is printed on its own line, its value below, unmixed."""
    pdf = _blank_pdf()
    label = "Uma etiqueta comprida demais para a coluna"
    _pdf_about(pdf, [wording.Fact("note", label, "valor")])
    words = _boxes(bytes(pdf.output()), tmp_path)[0]
    value = next(w for w in words if w.text == "valor")
    assert max(w.y1 for w in words if w.text in label.split()) <= value.y0
    assert _overlaps(words) == []


@pytest.mark.untraced  # long plans' PDFs, as generated inputs: see conftest
@pytest.mark.parametrize(
    ("every", "years", "numbers"), [(12, 10, ["10*"]), (3, 30, ["100*", "119*"])]
)
def test_pdf_visit_numbers_stay_on_one_line(
    tmp_path: Path, every: int, years: int, numbers: list[str]
) -> None:
    """ "10*" and three-digit numbers of a 30-year track sit whole in the # column."""
    schedule = _schedule("pt-BR", track="RM de crânio", every=every, years=years)
    pages = _boxes(_pdf(schedule, "pt-BR"), tmp_path)
    for number in numbers:
        ((page, box),) = [(p, w) for p in pages for w in p if w.text == number]
        row = [w for w in page if abs(w.y0 - box.y0) < 1 and w.x0 > box.x0]
        assert box.x1 < min(w.x0 for w in row)
    date_column = min(w.x0 for page in pages for w in page if re.fullmatch(r"\d{4}-.*", w.text))
    assert not [w for page in pages for w in page if w.text == "*" and w.x0 < date_column]


@pytest.mark.parametrize("lang", ["en", "es", "pt", "pt-BR"])
def test_pdf_columns_fit_their_widest_text(lang: str, measure: FPDF) -> None:
    """Measured with get_string_width: numbers, dates, windows and the Done header fit their
    columns without wrapping, weekend notes too, and the result column keeps room to write."""
    with i18n.using(lang):
        schedule = _schedule(lang, track=TRACKS[lang], every=3, years=30)
        sheet = content(schedule, generated=GENERATED, version="0")
    pdf = measure
    widths = _col_widths(pdf, sheet)
    room = [width - 2 * _PADDING for width in widths]

    def fits(column: int, texts: list[str], style: str = "") -> bool:
        pdf.set_font("DejaVu", style, 11)
        return max(pdf.get_string_width(text) for text in texts) <= room[column]

    assert fits(0, [row.number for row in sheet.rows], "B")
    assert fits(1, [f"{row.weekday} {row.date}" for row in sheet.rows])
    assert fits(1, [row.note for row in sheet.rows if row.note and not row.note_wraps])
    assert fits(2, [row.window for row in sheet.rows])
    assert fits(4, [sheet.headers[4]], "B")
    assert widths[-1] >= 25
    assert sum(widths) == pytest.approx(pdf.epw)


def test_pdf_text_is_at_least_11_points_outside_the_facts_block(tmp_path: Path) -> None:
    """Only the facts under the title are smaller than 11 pt, as the README says."""
    pages = _boxes(_pdf(_schedule("en", track="Brain MRI"), "en"), tmp_path)
    header = next(w for w in pages[0] if w.text == "#")
    small = [(n, w.text) for n, page in enumerate(pages) for w in page if w.points < 10.9]
    assert small
    assert all(n == 0 for n, _text in small)
    assert all(w.y1 <= header.y0 for w in pages[0] if w.points < 10.9)


def test_css_sizes_below_11_points_are_the_ones_the_readme_names() -> None:
    """In sheet.css, only the facts block, the note under a moved date and the tick's mark
    are set below 11 pt."""
    css = (resources.files("followup") / "templates" / "sheet.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    small = set()
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for size in re.findall(r"font(?:-size)?:\s*([\d.]+)pt", body):
            if float(size) < 11:
                small.add(selector.strip())
    assert small == {"dl.about", ".note", ".tick"}


def test_sheet_names_the_holiday_and_the_weekend(tmp_path: Path) -> None:
    """A date moved off a holiday names it; one moved off a weekend names the weekday."""
    schedule = _schedule("en")
    page = to_html(schedule, generated=GENERATED, version="0")
    assert 'due <span class="nobr">2025-12-25</span> (Christmas Day)' in page
    assert 'due Saturday <span class="nobr">2027-09-25</span>' in page
    text = " ".join(w.text for page in _boxes(_pdf(schedule, "en"), tmp_path) for w in page)
    assert "due 2025-12-25 (Christmas Day)" in text
    assert "due Saturday 2027-09-25" in text


def test_window_note_mentions_the_star_only_with_a_track(tmp_path: Path) -> None:
    """ "* marks an extra track" appears when the plan has one, in the HTML and the PDF."""
    star = "* marks an extra track."
    plain, tracked = _schedule("en"), _schedule("en", track="Brain MRI")
    assert star not in to_html(plain, generated=GENERATED, version="0")
    assert star in to_html(tracked, generated=GENERATED, version="0")
    for schedule, present in ((plain, False), (tracked, True)):
        words = [w.text for page in _boxes(_pdf(schedule, "en"), tmp_path) for w in page]
        assert ("marks" in words) is present


@pytest.mark.parametrize("lang", ["en", "es", "pt", "pt-BR"])
def test_html_keeps_every_date_on_one_line(lang: str) -> None:
    """Every ISO date in the page's text is inside an element that does not wrap."""
    with i18n.using(lang):
        page = to_html(_schedule(lang, track=TRACKS[lang]), generated=GENERATED, version="0")
    body = page.split("<body>")[1]
    body = re.sub(r'href="[^"]*"', "", body)
    body = re.sub(r'<span class="(?:nobr|day)">\d{4}-\d{2}-\d{2}</span>', "", body)
    assert re.findall(r"\d{4}-\d{2}-\d{2}", body) == []
    assert ".nobr { white-space: nowrap; }" in page

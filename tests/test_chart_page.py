"""Two languages on one sheet: `--chart-lang` adds a page for the clinic's chart."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import followup
from followup import _i18n as i18n
from followup._export import Paper, RenderOptions
from followup._export.sheet import to_html, to_pdf
from followup._patient import parse_patient, to_toml
from followup.cli import app

from .test_sheet import _boxes, _overlaps, _schedule

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
TRACKS = {"en": "Brain MRI", "es": "RM cerebral", "pt": "RM de crânio", "pt-BR": "RM de crânio"}


def _busy(lang: str) -> Any:
    """A plan with a track and Madrid's holidays, in `lang`: 29 visits."""
    return _schedule(lang, track=TRACKS[lang])


def _pdf(schedule: Any, lang: str, chart_lang: str | None, paper: Paper = Paper.A4) -> bytes:
    with i18n.using(lang):
        return to_pdf(
            schedule, generated=GENERATED, version="0.1.0", paper=paper, chart_lang=chart_lang
        )


def _html(schedule: Any, lang: str, chart_lang: str | None) -> str:
    with i18n.using(lang):
        return to_html(schedule, generated=GENERATED, version="0", chart_lang=chart_lang)


def test_the_html_sheet_ends_with_a_page_in_the_charts_language() -> None:
    """A Spanish sheet with an English chart page: the page's own `lang`, a page break before
    it, the plan summed up for a clinician and every visit with its window and status."""
    page = _html(_busy("es"), "es", "en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="es">')
    chart = page.split('<section class="chart" lang="en">')[1]
    assert "<h2>For the chart: Follow-up plan</h2>" in chart
    assert "Due by the rule" in chart
    assert "RM cerebral, every 12 months" in chart
    assert chart.count("<tr>") == 1 + 29
    assert "* marks a visit of an extra track, named above." in chart
    assert "Made with followup from a published rule" in chart
    assert ".chart { break-before: page; page-break-before: always; }" in page
    assert "chart" not in _html(_busy("es"), "es", None).split("<body>")[1]


def test_the_chart_page_keeps_every_date_on_one_line() -> None:
    """As on the patient's pages, every ISO date of the chart's text is kept whole."""
    body = _html(_busy("pt"), "pt", "pt-BR").split('<section class="chart"')[1]
    body = re.sub(r'<span class="(?:nobr|day)">\d{4}-\d{2}-\d{2}</span>', "", body)
    assert re.findall(r"\d{4}-\d{2}-\d{2}", body) == []


# Each paper once, and each chart language once: the longest words are Portuguese's.
@pytest.mark.parametrize(
    ("lang", "chart_lang", "paper"),
    [("es", "en", Paper.LETTER), ("pt", "pt", Paper.A4), ("en", "pt-BR", Paper.LETTER)],
)
def test_the_pdf_gets_one_more_page_for_the_chart(
    tmp_path: Path, lang: str, chart_lang: str, paper: Paper
) -> None:
    """29 visits and the clinician's summary fit one page, in 11 pt, no word over another,
    in the chart's language."""
    schedule = _busy(lang)
    without = _boxes(_pdf(schedule, lang, None, paper), tmp_path)
    pages = _boxes(_pdf(schedule, lang, chart_lang, paper), tmp_path)
    assert len(pages) == len(without) + 1
    chart = pages[-1]
    assert _overlaps(chart) == []
    assert all(word.points >= 10.9 for word in chart)
    with i18n.using(chart_lang):
        title = i18n._("For the chart: {title}").split(":")[0]
        due = i18n._("Due by the rule")
    text = " ".join(word.text for word in chart)
    assert text.startswith(title)
    assert due in text
    assert "2035-09-25" in text  # the last visit, on the same page


def test_the_command_line_takes_chart_lang(runner: CliRunner, tmp_path: Path) -> None:
    """`--chart-lang en` on a Spanish plan: one more page; a language followup does not
    speak is bad input that names the choices."""
    out = tmp_path / "ana.html"
    result = runner.invoke(
        app,
        [
            "plan",
            "2024-01-31",
            "--name",
            "Ana",
            "--lang",
            "es",
            "--chart-lang",
            "en",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert '<section class="chart" lang="en">' in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["plan", "2024-01-31", "--chart-lang", "fr", "-o", "-"])
    assert bad.exit_code == 2
    assert bad.stderr == "Error: --chart-lang 'fr' is not allowed: choose en, es, pt or pt-BR\n"


def test_a_patient_file_keeps_the_chart_language(tmp_path: Path) -> None:
    """`chart_lang` is a key of the patient file, written back as read."""
    path = tmp_path / "ana.toml"
    settings = parse_patient('treatment_date = 2024-01-31\nchart_lang = "pt"\n', path)
    assert settings.chart_lang == "pt"
    assert parse_patient(to_toml(settings), path) == settings
    assert RenderOptions.for_settings(settings).chart_lang == "pt"
    with pytest.raises(followup.InvalidSetting, match="chart_lang"):
        parse_patient('treatment_date = 2024-01-31\nchart_lang = "de"\n', path)
    with pytest.raises(followup.InvalidSetting):
        RenderOptions(chart_lang="de")


def test_a_roster_row_can_ask_for_its_chart_page(runner: CliRunner, tmp_path: Path) -> None:
    """Column chart_lang: that row's sheet has the chart page; the others do not, unless
    --chart-lang gives one to all."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,treatment_date,lang,chart_lang\np1,2024-01-31,es,en\np2,2024-01-31,pt,\n",
        encoding="utf-8",
    )
    out = tmp_path / "plans"
    result = runner.invoke(
        app,
        ["batch", str(roster), "--out-dir", str(out), "--format", "html", "--today", "2024-02-01"],
    )
    assert result.exit_code == 0, result.output
    assert '<section class="chart" lang="en">' in (out / "p1.html").read_text(encoding="utf-8")
    assert '<section class="chart"' not in (out / "p2.html").read_text(encoding="utf-8")
    again = tmp_path / "again"
    result = runner.invoke(
        app,
        ["batch", str(roster), "--out-dir", str(again), "--format", "html", "--chart-lang", "pt"],
    )
    assert result.exit_code == 0, result.output
    assert '<section class="chart" lang="pt">' in (again / "p2.html").read_text(encoding="utf-8")
    assert '<section class="chart" lang="en">' in (again / "p1.html").read_text(encoding="utf-8")


def test_the_chart_summary_is_the_clinic_note_in_the_charts_language() -> None:
    """The chart page's lines are the clinic note's, whole, in the chart's language."""
    from followup._export.note import note_items
    from followup._export.sheet import chart_content

    schedule = followup.make_schedule(date(2024, 1, 31), name="Ana", today=date(2024, 2, 1))
    with i18n.using("pt-BR"):
        chart = chart_content(schedule, generated=GENERATED, version="0")
        assert chart.summary == note_items(schedule)
    assert chart.lang == "pt-BR"
    assert chart.title == "Para o prontuário: Plano de acompanhamento de Ana"
    assert chart.tracks_note is None

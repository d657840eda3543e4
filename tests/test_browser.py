"""The printable sheet in a real browser: headless Chromium prints it on A4 and Letter.

Chromium comes from the system (Debian's `chromium`), driven by Playwright; no
test downloads a browser. Screenshots of the page on a desktop and a phone, and
of each printed PDF's first page, are saved under test-artifacts/ for a person
to look at.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from followup.cli import app

from .conftest import need_tool

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


def _sheet(runner: CliRunner, tmp_path: Path, *args: str) -> tuple[Path, list[str]]:
    page = tmp_path / "sheet.html"
    result = runner.invoke(app, ["plan", *args, "-o", str(page)])
    assert result.exit_code == 0, result.output
    plan = json.loads(runner.invoke(app, ["plan", *args, "--format", "json", "-o", "-"]).stdout)
    dates = [v["date"] for v in plan["visits"]]
    return page, dates


def _pdf_facts(pdf: Path, *, first_page_png: Path | None = None) -> tuple[int, str, str]:
    need_tool("pdfinfo", "Debian package poppler-utils")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if first_page_png is not None:
        need_tool("pdftoppm", "Debian package poppler-utils")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(first_page_png.with_suffix("")),
            ],
            check=True,
        )
    return pages, text, first


@pytest.mark.parametrize("lang", ["en", "es", "pt", "pt-BR"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_default_plan_prints_on_two_pages(
    browser: Any, runner: CliRunner, tmp_path: Path, paper: str, lang: str
) -> None:
    """The 10-year plan: every visit on page 1, questions and notes on page 2, in every language."""
    page_file, dates = _sheet(
        runner, tmp_path, "2024-01-31", "--name", "João Muñoz Ñúñez", "--lang", lang
    )
    page = browser.new_page()
    page.goto(page_file.as_uri())
    pdf = tmp_path / f"sheet-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    page.close()
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / f"sheet-print-{lang}-{paper.lower()}-page1.png"
    pages, text, first = _pdf_facts(pdf, first_page_png=png)
    assert pages == 2
    assert "João Muñoz Ñúñez" in first
    for day in dates:
        assert day in first, day
    questions = {
        "en": "Questions to bring",
        "es": "Preguntas para llevar",
        "pt": "Perguntas para levar",
        "pt-BR": "Perguntas para levar",
    }[lang]
    assert questions not in first
    assert questions in text


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_long_plan_repeats_the_header_and_keeps_rows_whole(
    browser: Any, runner: CliRunner, tmp_path: Path, paper: str
) -> None:
    """Thirty years with an extra track spill over pages: each page starts with the header row."""
    page_file, dates = _sheet(
        runner, tmp_path, "2024-01-31", "--years", "30", "--track", "Brain MRI", "--every", "6"
    )
    page = browser.new_page()
    page.goto(page_file.as_uri())
    pdf = tmp_path / "long.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    page.close()
    pages, text, _ = _pdf_facts(pdf)
    assert pages >= 3
    for day in dates:
        assert day in text
    need_tool("pdftotext", "Debian package poppler-utils")
    table_pages = 0
    for number in range(1, pages + 1):
        page_text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if re.search(r"\d{4}-\d{2}-\d{2}", page_text) and "Questions to bring" not in page_text:
            table_pages += 1
            assert "Result, notes" in page_text, f"page {number} has rows without the header"
    assert table_pages >= 2


def test_nothing_overflows_on_a_phone(browser: Any, runner: CliRunner, tmp_path: Path) -> None:
    """At 360 px wide the page scrolls down, never sideways, even with a long name and URL."""
    page_file, _ = _sheet(
        runner,
        tmp_path,
        "2024-01-31",
        "--name",
        "Maria-Leopoldina Wolfeschlegelsteinhausen",
        "--done",
        "2024-05-06",
        "--holidays",
        "PT",
    )
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page.goto(page_file.as_uri())
    widest = page.evaluate(
        "Math.max(document.documentElement.scrollWidth,"
        " ...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sheet-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1000, "height": 1300})
    page.screenshot(path=str(ARTIFACTS / "sheet-desktop.png"), full_page=True)
    page.close()
    assert widest <= 360


def test_the_page_fetches_nothing(browser: Any, runner: CliRunner, tmp_path: Path) -> None:
    """Loading the sheet makes no request beyond the file itself."""
    page_file, _ = _sheet(runner, tmp_path, "2024-01-31")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.close()
    assert requests == [page_file.as_uri()]

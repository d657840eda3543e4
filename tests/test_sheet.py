"""The printable sheet: what it says, that it is self-contained and safe, and the PDF."""

from __future__ import annotations

import builtins
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from followup.cli import app

from .conftest import need_tool

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
    assert "counted from the treatment date Wednesday 2024-01-31" in page
    assert "the usual choice is the day of the last liver surgery or ablation" in page
    assert "“CT or MRI of the chest and abdomen every 3–4 months" in page
    assert '<a href="https://www.mdpi.com/2072-6694/17/8/1295">' in page
    assert "3 months between visits in years 1–2 (the source allows 3–4)" in page
    assert "this length is a choice" in page
    assert page.count('<span class="tick">') == 19
    assert 'Wednesday <span class="day">2024-07-31</span>' in page
    assert "due 2026-01-31" in page
    assert "oligometastatic" in page
    assert "Notes from the care team" in page
    assert "not medical advice" in page
    assert "Made on 2026-01-01 by followup " in page
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
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Zoë&quot;" in page
    path = tmp_path / "centre.toml"
    path.write_text(
        'name = "<b>Centre</b>"\nexam = "<i>CT</i>"\n[[phases]]\nevery_months = 6\n'
        '[source]\ncitation = "x"\nurl = "https://x.org/\\" onclick=\\"x"\n'
    )
    page = _html(runner, "2024-01-31", "--protocol", str(path))
    assert "<b>" not in page
    assert "<i>" not in page
    assert 'href="https://x.org/&quot; onclick=&quot;x"' in page


def test_done_visits_are_ticked(runner: CliRunner) -> None:
    """A visit done shows a tick and the date it was planned for."""
    page = _html(runner, "2024-01-31", "--done", "2024-05-06")
    assert '<span class="tick">✓</span>' in page
    assert "planned for 2024-04-30" in page


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
    assert result.stderr == "Error: PDF output needs the pdf extra: pip install 'followup[pdf]'\n"
    assert not target.exists()


def test_html_golden_shape_is_stable(runner: CliRunner) -> None:
    """Same plan, same SOURCE_DATE_EPOCH: the same page, byte for byte."""
    assert _html(runner, "2024-01-31", "--name", "Ana") == _html(
        runner, "2024-01-31", "--name", "Ana"
    )


def test_fonts_ship_with_their_licence() -> None:
    """The PDF font is in the package, with its licence beside it."""
    fonts = Path(__file__).resolve().parent.parent / "src" / "followup" / "fonts"
    assert (fonts / "DejaVuSansCondensed.ttf").stat().st_size > 100_000
    assert "Bitstream Vera" in (fonts / "LICENSE-DejaVu.txt").read_text()

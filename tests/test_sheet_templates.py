"""The HTML sheet's Jinja2 template: escaping, the files in the package, jinja2 loaded lazily."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import followup
from followup._export.sheet import to_html
from followup._protocols import IBERO_AMERICAN_2025

from .conftest import loaded_by_a_calendar_run

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)


def _page(schedule: followup.Schedule) -> str:
    return to_html(schedule, generated=GENERATED, version="0.1.0")


def test_name_with_markup_and_quotes_is_escaped() -> None:
    """A name with a script tag, an ampersand and both quotes is text, escaped as html.escape does."""
    page = _page(
        followup.make_schedule(
            date(2025, 3, 14), name="""<script>alert(1)</script> & "Zoë" l'été"""
        )
    )
    assert "<script" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Zoë&#34; l&#39;été"
    assert f"<title>Follow-up plan for {escaped}</title>" in page
    assert f"<h1>Follow-up plan for {escaped}</h1>" in page


def test_source_url_is_escaped_in_the_link() -> None:
    """A source URL cannot close its href attribute or open a tag, in the link or its text."""
    url = "https://example.org/a?b=1&c=2\" onclick='x'<b>"
    source = replace(IBERO_AMERICAN_2025.source, url=url)
    protocol = replace(IBERO_AMERICAN_2025, source=source)
    page = _page(followup.make_schedule(date(2025, 3, 14), protocol=protocol))
    escaped = "https://example.org/a?b=1&amp;c=2&#34; onclick=&#39;x&#39;&lt;b&gt;"
    assert f'<a href="{escaped}">{escaped}</a></dd>' in page
    assert "<b>" not in page
    assert "onclick='" not in page


def test_page_is_complete_and_inline() -> None:
    """The CSS is inline, no template syntax is left over, and the page ends with one newline."""
    page = _page(followup.make_schedule(date(2025, 3, 14)))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n')
    assert "<style>\n:root { color-scheme: light; }\n" in page
    assert "}\n</style>\n" in page
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert leftover not in page, leftover
    assert page.endswith("</html>\n")
    assert not page.endswith("\n\n")


def test_templates_ship_inside_the_package() -> None:
    """sheet.html and sheet.css are package data, found through importlib.resources."""
    templates = resources.files("followup") / "templates"
    for name in ("sheet.html", "sheet.css"):
        assert (templates / name).is_file(), name
    assert '{% include "sheet.css" %}' in (templates / "sheet.html").read_text(encoding="utf-8")


def test_calendar_command_does_not_import_jinja2(tmp_path: Path) -> None:
    """Writing a calendar file leaves jinja2 and markupsafe unimported: start-up time is budgeted."""
    assert loaded_by_a_calendar_run(tmp_path, ("jinja2", "markupsafe")) == []

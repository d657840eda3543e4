"""The web pages in a real browser: Debian's Chromium, driven by Playwright, against uvicorn.

One server and one browser serve the whole module. The pages are used as a
person would: on a 1280 px desktop and a 360 px phone, by mouse and by keyboard,
with files downloaded and uploaded. axe-core checks every page in every language.
Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")

from icalendar import Calendar

from followup.web import create_app

from .conftest import missing, need_tool
from .webserver import running

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "tests" / "interop" / "node_modules" / "axe-core" / "axe.min.js"
EXAMPLES = Path(__file__).parent / "examples"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
LANGUAGES = ("en", "es", "pt", "pt-BR")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    pytest.importorskip("uvicorn")
    with running(create_app()) as base_url:
        yield base_url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def _plan(page: Any, site: str, lang: str = "en", **values: str) -> None:
    """Open the Plan page, fill the form and submit it."""
    page.goto(f"{site}/{lang}/")
    page.fill("#f-treatment_date", values.pop("treatment_date", "2025-03-14"))
    for name, value in values.items():
        page.fill(f"#f-{name}", value)
    with page.expect_navigation():
        page.click("form.plan button.primary")


def _rows(page: Any) -> list[str]:
    return [row.inner_text() for row in page.query_selector_all("#result tbody tr")]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_filling_the_form_shows_the_plan(browser: Any, site: str, viewport: dict[str, int]) -> None:
    """The default plan's 19 visits, the next one marked; on a phone nothing scrolls sideways
    and every control is at least 44 px tall and wide."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _plan(page, site, name="Ana", **{"done-0": "2025-06-20"})
    assert len(_rows(page)) == 19
    assert page.locator("#result tr.next").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    small = page.evaluate(
        """() => [...document.querySelectorAll(
            'button, select, input:not([type=hidden]):not([type=checkbox]), nav a, .more a,'
            + ' label.check, ul.choices label')]
          .filter(e => e.offsetParent !== null)
          .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
          .filter(([, box]) => box.height < 44 || box.width < 44)
          .map(([html]) => html)"""
    )
    assert small == []
    ARTIFACTS.mkdir(exist_ok=True)
    name = "phone" if viewport is PHONE else "desktop"
    page.evaluate("document.getElementById('result').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"web-plan-{name}.png"))
    context.close()


def test_the_calendar_file_holds_the_plan(page: Any, site: str) -> None:
    """Add to my calendar: a .ics named after the person, with 19 events."""
    _plan(page, site, name="Ana")
    with page.expect_download() as download:
        page.click("text=Add to my calendar")
    assert download.value.suggested_filename == "followup-Ana.ics"
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert len(calendar.walk("VEVENT")) == 19


def test_the_plan_prints_on_at_most_two_pages(page: Any, site: str, tmp_path: Path) -> None:
    """The print style sheet leaves out the form: the plan fits two A4 pages."""
    pdfinfo = need_tool("pdfinfo", "Debian package poppler-utils")
    _plan(page, site, name="João Muñoz Ñúñez")
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    assert 1 <= pages <= 2


def test_a_link_switches_the_language(page: Any, site: str) -> None:
    """The language links keep the page and change its language, in the URL."""
    page.goto(f"{site}/en/protocols")
    page.click("nav.languages >> text=Español")
    assert page.url == f"{site}/es/protocols"
    assert page.get_attribute("html", "lang") == "es"
    page.click("nav.languages >> text=Português (Brasil)")
    assert page.get_attribute("html", "lang") == "pt-BR"


def test_a_saved_plan_file_opens_into_the_same_plan(page: Any, site: str, tmp_path: Path) -> None:
    """Save my plan file, come back, open it: the same plan, the form filled again."""
    _plan(page, site, name="Ana", years="7", **{"done-0": "2025-06-20"})
    before = _rows(page)
    with page.expect_download() as download:
        page.click("text=Save my plan file")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    page.goto(f"{site}/en/")
    page.set_input_files("#f-plan_file", str(saved))
    page.click("text=Open the saved plan")
    page.wait_for_load_state()
    assert _rows(page) == before
    assert page.input_value("#f-name") == "Ana"
    assert page.input_value("#f-years") == "7"


def test_the_clinic_note_is_copied_with_one_click(browser: Any, site: str) -> None:
    """Copy for the clinic note puts the note on the clipboard and says so; without the
    script the button stays hidden and the note stays in a box to select."""
    context = browser.new_context(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    _plan(page, site, name="Ana")
    page.click("text=Copy for the clinic note")
    page.locator("p.copied", has_text="Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value("#clinic-note")
    assert copied.startswith("Follow-up as of ")
    context.close()
    bare = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = bare.new_page()
    _plan(page, site, name="Ana")
    assert not page.is_visible("button.copy")
    assert page.is_visible("#clinic-note")
    assert page.get_attribute("#clinic-note", "readonly") is not None
    bare.close()


def test_scan_rows_are_added_and_removed(page: Any, site: str) -> None:
    """With JavaScript, the row buttons act on the page itself, and the plan uses every row."""
    page.goto(f"{site}/en/")
    page.fill("#f-treatment_date", "2025-03-14")
    page.fill("#f-name", "Ana")
    page.fill("#f-done-0", "2025-06-20")
    page.click("text=Add a scan date")
    page.fill("#f-done-1", "2025-09-22")
    page.click("text=Add a scan date")
    page.click("text=Remove scan 3")
    assert page.locator("input[name=done]").count() == 2
    with page.expect_navigation():
        page.click("form.plan button.primary")
    assert page.locator("#result td.box", has_text="✓").count() == 2


def test_the_regions_follow_the_country(page: Any, site: str) -> None:
    """Choosing a country fills the regions by name; the plan names that region's holidays."""
    page.goto(f"{site}/es/")
    page.select_option("#f-holidays", "ES")
    # A locator waits without evaluating a string, which the page's CSP forbids.
    page.locator("#f-holidays_region option", has_text="Madrid").wait_for(state="attached")
    page.select_option("#f-holidays_region", label="Madrid")
    page.fill("#f-treatment_date", "2025-03-14")
    page.fill("#f-name", "AL")
    with page.expect_navigation():
        page.click("form.plan button.primary")
    assert "ES-MD" in page.inner_text("#result")


def test_a_roster_comes_back_as_a_zip(page: Any, site: str, tmp_path: Path) -> None:
    """Clinic: upload a roster, choose the formats, get each patient's files in a zip."""
    page.goto(f"{site}/en/clinic")
    page.set_input_files("#f-roster", str(EXAMPLES / "roster.csv"))
    page.check("input[name=format][value=html]")
    with page.expect_download() as download:
        page.click("text=Plan the roster")
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert {"plans/p-001.ics", "plans/p-001.html", "plans/summary.csv"} <= set(names)


def test_bad_values_are_explained_next_to_the_field(page: Any, site: str) -> None:
    """Years out of range: the form comes back with the value and the message tied to it,
    and the list of problems takes the focus."""
    page.goto(f"{site}/en/")
    page.fill("#f-treatment_date", "2025-03-14")
    page.fill("#f-years", "40")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("form.plan button.primary")
    assert answer.value.status == 400
    assert page.input_value("#f-years") == "40"
    described = page.get_attribute("#f-years", "aria-describedby") or ""
    assert "e-years" in described.split()
    assert "choose from 1 to 30" in page.inner_text("#e-years")
    assert page.evaluate("document.activeElement.id") == "summary"


def test_the_form_works_by_keyboard_alone(page: Any, site: str) -> None:
    """Tab through the form from the date to the submit button; Enter in a field plans too."""
    page.goto(f"{site}/en/")
    page.fill("#f-name", "AL")
    page.focus("#f-treatment_date")
    page.keyboard.type("03142025")
    for _step in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Make the plan":
            break
    else:
        pytest.fail("the submit button is not reachable by Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(_rows(page)) == 19
    page.fill("#f-name", "")
    page.focus("#f-name")
    page.keyboard.type("Ana")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission plans; it never removes a row
    assert "Ana" in page.inner_text("#result h1")


def _axe(page: Any) -> list[str]:
    """axe-core's violations of serious or critical impact on the page, as readable lines."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("axe.run({resultTypes: ['violations']}).then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_passes_axe_and_fits_a_phone(browser: Any, site: str, lang: str) -> None:
    """Every page in every language, with a plan, its link, a broken link and a mistake, on a
    360 px phone:
    no serious or critical axe-core violation, and nothing wider than the screen."""
    if not AXE.exists():
        missing("axe-core", "npm ci --prefix tests/interop")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(where: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        found[where] = _axe(page) + ([f"{width} px wide"] if width > PHONE["width"] else [])

    for path in ("", "protocols", "protocols/nccn-stage-iv-limited-metastases", "clinic"):
        page.goto(f"{site}/{lang}/{path}")
        check(path or "plan")
    _plan(
        page,
        site,
        lang,
        name="Maria-Leopoldina Wolfeschlegelsteinhausen",
        **{"done-0": "2025-06-20"},
    )
    check("plan with a result")
    page.goto(site + (page.get_attribute("#result a[rel=bookmark]", "href") or ""))
    check("plan link")
    page.goto(f"{site}/p/{'A' * 40}")
    check("a plan link that does not open")
    _plan(page, site, lang, years="40", name="Ana")
    check("plan with a mistake")
    context.close()
    assert {where: problems for where, problems in found.items() if problems} == {}


SMALL_PHONE = {"width": 320, "height": 640}


def test_the_result_comes_first_on_a_phone_without_javascript(browser: Any, site: str) -> None:
    """On a 360×740 and a 320×640 phone, in English, Spanish and Brazilian Portuguese, with
    no script: after date and name, Add to my calendar and the other ways out are inside
    the first screen (on the smaller phone, Add to my calendar at least), the focus is on
    the result's heading, nothing scrolls sideways."""
    for viewport, lang in [(PHONE, "en"), (SMALL_PHONE, "es"), (PHONE, "pt-BR")]:
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        page = context.new_page()
        _plan(page, site, lang, name="Ana")
        assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.activeElement.id") == "result-title", lang
        ways = ('a[href$=".ics"]', 'a[href$=".pdf"]', "a[rel=bookmark]", ".ways form")
        for way in ways if viewport == PHONE else ways[:1]:
            box = page.locator(f".ways {way}" if way[0] == "a" else way).bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= viewport["height"], (lang, way, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        context.close()


def test_the_pages_qr_code_reads_back_as_the_link(page: Any, site: str) -> None:
    """The QR code on the result page, as the screen shows it, reads (with zxing-cpp) as
    the plan link, and the link opens the same plan."""
    try:
        import zxingcpp
    except ImportError:
        missing("zxing-cpp", "pip install -e '.[dev]'")
    from PIL import Image

    _plan(page, site, name="Ana")
    rows = _rows(page)
    shot = page.locator("figure.qr .code").screenshot()
    read = [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))]
    link = page.get_attribute("#result a[rel=bookmark]", "href")
    assert read == [f"{site}{link}"]
    page.goto(read[0])
    assert _rows(page) == rows

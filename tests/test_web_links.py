"""Plan links and the result page through the app's own test client: a plan sealed into
its address opens the same plan, calendar and sheet anywhere; a changed, cut or foreign
token is a 400 page; keys rotate; the page puts the plan first and tells each phone how."""

from __future__ import annotations

import base64
import random
import re
import shutil
import stat
import string
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi", reason="the web extra: pip install -e '.[dev]'")

from icalendar import Calendar
from starlette.testclient import TestClient

from followup.web import create_app
from followup.web.links import MOST_TOKEN, BadLink, Keys, key_file
from followup.web.take import devices_for

from .conftest import missing

PLAN = {"treatment_date": "2024-03-14", "name": "Ana", "lang": "es"}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile"
PIXEL = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126 Mobile"
GALAXY = "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 SamsungBrowser/25.0"
OLD_KEY = "an-old-key-that-is-being-rotated-out"
NEW_KEY = "the-new-key-that-seals-from-now-on-0"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(keys=Keys.of([NEW_KEY, OLD_KEY]))) as test_client:
        yield test_client


def _link(page: str) -> str:
    found = re.search(r'href="(/p/[\w-]+)" rel="bookmark"', page)
    assert found, "the result page gives no plan link"
    return found.group(1)


def _uids(ics: bytes) -> list[str]:
    return [str(event["UID"]) for event in Calendar.from_ical(ics).walk("VEVENT")]


def test_the_link_reopens_the_same_plan_calendar_and_sheet(client: TestClient) -> None:
    """The link's page shows the plan in its language; its calendar has the download's
    events byte for byte, plus a daily refresh; its sheet is a PDF."""
    shown = client.post("/es/", data=PLAN)
    assert shown.status_code == 200
    link = _link(shown.text)
    page = client.get(link)
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Plan de seguimiento de Ana" in page.text
    linked = client.get(f"{link}.ics")
    downloaded = client.post("/es/download/ics", data=PLAN)
    assert linked.headers["content-type"] == "text/calendar; charset=utf-8"
    assert _uids(linked.content) == _uids(downloaded.content)
    extra = {b"REFRESH-INTERVAL;VALUE=DURATION:P1D", b"X-PUBLISHED-TTL:P1D"}
    unfolded = linked.content.replace(b"\r\n ", b"")
    lines = unfolded.split(b"\r\n")
    assert extra <= set(lines)
    source = next(line for line in lines if line.startswith(b"SOURCE;VALUE=URI:"))
    assert source.endswith(f"{link}.ics".encode())
    same = [line for line in lines if line not in extra and line is not source]
    assert same == downloaded.content.replace(b"\r\n ", b"").split(b"\r\n")
    sheet = client.get(f"{link}.pdf")
    assert sheet.content.startswith(b"%PDF")
    assert sheet.headers["content-disposition"].startswith("inline;")


def test_every_changed_byte_a_cut_and_a_foreign_key_give_a_400_page(client: TestClient) -> None:
    """A token with any one byte changed, cut short, sealed under another key, too long or
    not base64 at all opens nothing: a 400 page that says why, never a 500."""
    token = _link(client.post("/en/", data=PLAN).text).removeprefix("/p/")
    sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    changed = [
        sealed[:index] + bytes([sealed[index] ^ 0x01]) + sealed[index + 1 :]
        for index in range(len(sealed))
    ]
    tokens = [base64.urlsafe_b64encode(bad).rstrip(b"=").decode() for bad in changed]
    tokens += [token[:cut] for cut in (1, 10, len(token) // 2, len(token) - 1)]
    tokens += [Keys.of(["somebody-else's-key-entirely"]).seal(PLAN), "A" * 3000, "~~~", "é"]
    # One spelling per token: padding or stray characters that base64 would skip do not open.
    tokens += [f"{token}==", f"{token}%3D", f"{token[:8]}.{token[8:]}", f"{token[:8]}!{token[8:]}"]
    # The last character's unused low bits set: the same bytes, spelled another way.
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    tokens += [
        token[:-1] + char
        for char in alphabet
        if char != token[-1]
        and base64.urlsafe_b64decode(token[:-1] + char + "=" * (-len(token) % 4)) == sealed
    ]
    for bad in tokens:
        for suffix in ("", ".ics", ".pdf"):
            answer = client.get(f"/p/{bad}{suffix}")
            assert answer.status_code in (400, 404), (bad, suffix)
            if answer.status_code == 400:
                assert "cannot be opened" in answer.text or "no se puede abrir" in answer.text


def test_old_links_open_while_a_key_is_rotated() -> None:
    """The first key seals, every key opens: a link sealed under the old key still opens
    with both; once the old key is dropped, it no longer does."""
    old = Keys.of([OLD_KEY]).seal(PLAN)
    assert Keys.of([NEW_KEY, OLD_KEY]).open(old) == PLAN
    with pytest.raises(BadLink):
        Keys.of([NEW_KEY]).open(old)
    environment = {"FOLLOWUP_SECRET": f" {NEW_KEY} , {OLD_KEY} "}
    assert Keys.from_environment(environment).open(old) == PLAN


def test_a_key_file_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Without FOLLOWUP_SECRET the first start writes a key file with mode 0600; the next
    start reads the same key, so links survive a restart."""
    path = tmp_path / "state" / "link-key"
    environment = {"FOLLOWUP_KEY_FILE": str(path)}
    token = Keys.from_environment(environment).seal(PLAN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Keys.from_environment(environment).open(token) == PLAN
    assert key_file({"XDG_STATE_HOME": "/state"}) == Path("/state/followup/link-key")


def test_a_short_secret_stops_the_app_from_starting() -> None:
    """A secret too short to be a key is refused when the app starts, not guessed at."""
    from followup._errors import InvalidOption

    with pytest.raises(InvalidOption, match="FOLLOWUP_SECRET"):
        Keys.from_environment({"FOLLOWUP_SECRET": "short"})


def test_an_emptied_key_file_stops_the_app_from_starting(tmp_path: Path) -> None:
    """A key file emptied or cut short would be a key anyone could guess: refused."""
    from followup._errors import InvalidOption

    path = tmp_path / "link-key"
    path.write_text("\n")
    with pytest.raises(InvalidOption, match="fewer than 16 characters"):
        Keys.from_environment({"FOLLOWUP_KEY_FILE": str(path)})


def test_tokens_stay_short_and_bounded(client: TestClient) -> None:
    """A plain plan's link is under 100 characters, one with 30 scans under 600; the
    largest settings the web accepts still seal to a token that opens; an inflated token
    larger than any settings is refused."""
    keys = Keys.of([NEW_KEY])
    assert len(keys.seal(PLAN)) < 100
    done = [f"20{25 + month // 12}-{month % 12 + 1:02d}-14" for month in range(30)]
    assert len(keys.seal(PLAN | {"done": done})) < 600
    # 4-byte characters in no order deflate can use; fixed, so the size is too.
    pick = random.Random(20).randrange  # noqa: S311 - test data, not a secret

    def emoji() -> str:
        return "".join(chr(0x1F300 + pick(0x700)) for _index in range(100))

    largest = PLAN | {
        "name": emoji(),
        "done": [f"{2000 + index // 12}-{index % 12 + 1:02d}-01" for index in range(100)],
        "tracks": [{"exam": emoji(), "every_months": "360"} for _index in range(10)],
    }
    token = keys.seal(largest)
    assert 3000 < len(token) <= MOST_TOKEN
    assert keys.open(token) == largest
    with pytest.raises(BadLink):
        keys.open(keys.seal({"name": "x" * 40_000}))


def test_the_name_is_asked_before_the_plan_is_shown(client: TestClient) -> None:
    """Without a name the form comes back with the reason at the name field: the plan is
    never shown with a calendar that would then be refused."""
    answer = client.post("/en/", data={"treatment_date": "2024-03-14"})
    assert answer.status_code == 400
    assert 'id="e-name"' in answer.text
    assert 'id="result"' not in answer.text
    form = client.get("/en/").text
    assert form.index('id="f-name"') < form.index('id="f-protocol"')
    assert "needed for the calendar" in form


def test_the_page_and_the_plan_speak_one_language(client: TestClient) -> None:
    """The form carries the page's language: on /en/ a plan asked for in Spanish is an
    English page with an English plan; the language links open the same plan in another."""
    page = client.post("/en/", data=PLAN).text
    assert '<html lang="en">' in page
    assert 'lang="en"' in page.split('id="result"')[1][:200]
    assert "Follow-up plan for Ana" in page
    spanish = re.search(r'<a href="(/p/[\w-]+)" lang="es"', page)
    assert spanish
    assert "Plan de seguimiento de Ana" in client.get(spanish.group(1)).text


def test_the_result_comes_first_and_tells_each_phone_how(client: TestClient) -> None:
    """The result's heading, the next visit and the ways out come before the form; the
    visitor's own device's steps come first and open; the Google Calendar link adds the
    next visit as an all-day event with no time zone, in the plan's language."""
    page = client.post("/es/", data=PLAN, headers={"user-agent": GALAXY}).text
    order = [page.index(mark) for mark in ('id="result-title"', ".ics", 'id="plan"')]
    assert order == sorted(order)
    assert re.search(r'<h1 id="result-title" tabindex="-1" autofocus>', page)
    devices = re.findall(r'data-device="(\w+)"', page)
    assert devices == ["samsung", "google", "ios", "computer"]
    assert '<details open class="device" data-device="samsung">' in page
    google = unescape(re.search(r'href="(https://calendar.google.com[^"]+)"', page).group(1))  # type: ignore[union-attr]
    query = parse_qs(urlsplit(google).query)
    start, end = query["dates"][0].split("/")
    assert len(start) == len(end) == 8
    assert int(end) - int(start) in (1, 70, 8870)  # the next day, month or year
    assert "ctz" not in query
    assert query["text"][0].startswith("Seguimiento: ")
    assert "Ana" not in google  # the link goes to Google: no name, no plan link
    assert "/p/" not in google
    recorded = client.post(
        "/en/", data={**PLAN, "done": ["2024-06-20"]}, headers={"user-agent": GALAXY}
    ).text
    to_google = unescape(re.search(r'href="(https://calendar.google.com[^"]+)"', recorded).group(1))  # type: ignore[union-attr]
    details = parse_qs(urlsplit(to_google).query)["details"][0]
    assert "2024-06-20" not in details  # nor the dates it is counted from
    assert PLAN["treatment_date"] not in details
    assert "Window:" in details
    assert "webcal://testserver/p/" in page
    assert devices_for(IPHONE)[0] == "ios"
    assert devices_for(PIXEL)[:2] == ["google", "samsung"]
    assert devices_for("")[0] == "computer"


def test_past_visits_show_their_status_and_the_note(client: TestClient) -> None:
    """A plan from two years ago: with one scan recorded, past visits say done, overdue or
    not recorded; with none, the page says what to do about the visits with no scan
    recorded, as the CLI does."""
    page = client.post("/en/", data=PLAN | {"done": "2024-06-14"}).text
    assert re.findall(r'"status">([^<]*)', page)[:3] == ["(done)", "(overdue)", "(not recorded)"]
    page = client.post("/en/", data=PLAN).text
    assert re.search(r"\d+ earlier visits have no scan recorded", page)


def test_empty_track_rows_are_dropped(client: TestClient) -> None:
    """Sending the form again and again keeps one empty extra-track row, not one more each
    time."""
    data = PLAN | {"lang": "en", "tracks.exam": "", "tracks.every_months": ""}
    page = client.post("/en/", data=data).text
    assert page.count('name="tracks.exam"') - page.count('type="hidden" name="tracks.exam"') == 1


def test_the_qr_codes_decode_to_the_link(client: TestClient, tmp_path: Path) -> None:
    """The sheet's QR code, printed 3.2 cm wide (the issue asks at least 3), reads back (with zxing-cpp, from the PDF
    rendered at 150 dpi) as the plan link; so does the page's."""
    try:
        import zxingcpp
    except ImportError:
        missing("zxing-cpp", "pip install -e '.[dev]'")
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        missing("pdftoppm", "Debian package poppler-utils")
    page = client.post("/en/", data=PLAN).text
    link = _link(page)
    (tmp_path / "sheet.pdf").write_bytes(client.get(f"{link}.pdf").content)
    subprocess.run(
        [str(pdftoppm), "-r", "150", "-f", "2", "-l", "2", "-png", "sheet.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    read = [code.text for code in zxingcpp.read_barcodes(Image.open(image))]
    assert read == [f"http://testserver{link}"]
    svg = re.search(r'<div class="code"[^>]*>(.*?)</div>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "<svg" in svg
    assert "viewBox" in svg


def test_the_links_calendar_replaces_the_downloaded_one_in_radicale(
    client: TestClient, tmp_path: Path
) -> None:
    """Uploaded as a whole calendar to a real Radicale over HTTP, the link's calendar takes
    the place of the downloaded file's events one for one: same UIDs, nothing doubled."""
    import importlib.util
    import urllib.request

    from .servers import radicale

    if importlib.util.find_spec("radicale") is None:
        missing("radicale", "pip install -e '.[dev]'")
    with radicale(tmp_path) as port:
        page = client.post("/es/", data=PLAN).text
        downloaded = client.post("/es/download/ics", data=PLAN).content
        linked = client.get(f"{_link(page)}.ics").content
        calendar = f"http://127.0.0.1:{port}/ana/plan/"
        auth = "Basic " + base64.b64encode(b"ana:x").decode()
        for body in (downloaded, linked):
            headers = {"content-type": "text/calendar", "authorization": auth}
            put = urllib.request.Request(calendar, body, headers, method="PUT")
            with urllib.request.urlopen(put, timeout=10) as answer:  # noqa: S310 - our server
                assert answer.status in (201, 204)
            get = urllib.request.Request(calendar, headers={"authorization": auth})
            with urllib.request.urlopen(get, timeout=10) as answer:  # noqa: S310
                stored = answer.read()
            assert sorted(_uids(stored)) == sorted(_uids(downloaded))
            assert len(_uids(stored)) == len(_uids(body))


def test_the_access_log_leaves_the_token_out(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A plan link's token is the plan sealed: the access log shows `/p/…` instead, so the
    logs and the key together still give no plan back."""
    token = Keys.of([NEW_KEY]).seal(PLAN)
    with caplog.at_level("INFO", logger="followup.web.access"):
        client.get(f"/p/{token}.ics")
        client.get(f"/p/{token}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged
    assert "/p/….ics" in logged


def test_a_sealed_plan_this_version_refuses_is_a_400_page(client: TestClient) -> None:
    """A token that opens but holds settings this version refuses (made by another version,
    say) gets the 400 page with the reason, for its page, calendar and sheet alike."""
    token = Keys.of([NEW_KEY]).seal(PLAN | {"years": "40"})
    for suffix in ("", ".ics", ".pdf"):
        answer = client.get(f"/p/{token}{suffix}")
        assert answer.status_code == 400
        assert "no se puede abrir" in answer.text
        assert "40" in answer.text


def test_a_key_file_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    """A key file in a folder the user may not write stops the app with what to set,
    not a trace."""
    from followup._errors import InvalidOption

    (tmp_path / "blocked").write_text("a file where a folder should be")
    environment = {"FOLLOWUP_KEY_FILE": str(tmp_path / "blocked" / "link-key")}
    with pytest.raises(InvalidOption, match="FOLLOWUP_SECRET"):
        Keys.from_environment(environment)

"""`followup push`: a plan kept in step in a CalDAV calendar, against a real Radicale server.

One Radicale per test module (per xdist worker), on 127.0.0.1 and a free port,
with htpasswd logins and its storage in a temporary folder; nothing is sent
anywhere else. Each test uses a calendar of its own, named after the person.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.machinery
import importlib.util
import socket
import subprocess
import sys
import threading
import time
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent
from typer.testing import CliRunner

from followup import push as push_module
from followup.cli import app
from followup.errors import install_command

from .conftest import loaded_by_a_calendar_run, missing

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from caldav.davclient import DAVClient

DATE = "2024-01-31"
USERS = {"ana": "secret", "bob": "other"}


@dataclass(frozen=True)
class Server:
    url: str
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Radicale stopped: {process.stderr.read().decode() if process.stderr else ''}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail("Radicale did not start listening within 20 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Radicale server for this module, stopped at the end by terminating its process."""
    for module in ("radicale", "caldav"):
        if importlib.util.find_spec(module) is None:
            missing(module, "pip install -e '.[dev]'")
    folder = tmp_path_factory.mktemp("radicale")
    users = folder / "users"
    users.write_text("".join(f"{user}:{word}\n" for user, word in USERS.items()))
    port = _free_port()
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
        "htpasswd_encryption = plain\ndelay = 0\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[web]\ntype = none\n[logging]\nlevel = error\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_listening(port, process)
        yield Server(f"http://127.0.0.1:{port}/", port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def _push(
    runner: CliRunner, server: Server, *args: str, user: str = "ana", password: str | None = None
) -> Any:
    """`followup push ARGS --caldav SERVER --user USER`, the password in the environment."""
    env = {"FOLLOWUP_CALDAV_PASSWORD": password or USERS[user]}
    return runner.invoke(app, ["push", *args, "--caldav", server.url, "--user", user], env=env)


def _client(server: Server, user: str = "ana") -> DAVClient:
    from caldav.davclient import DAVClient

    return DAVClient(url=server.url, username=user, password=USERS[user], enable_rfc6764=False)


def _calendars(server: Server, name: str, user: str = "ana") -> list[Calendar]:
    client = _client(server, user)
    return [c for c in client.get_calendars(client.get_principal()) if c.get_display_name() == name]


def _calendar(server: Server, name: str, user: str = "ana") -> Calendar:
    (found,) = _calendars(server, name, user)
    return found


def _stored(calendar: Calendar) -> dict[str, tuple[str, str]]:
    """Each object in the calendar: resource name -> (ETag, text)."""
    objects = cast("list[Any]", calendar.get_events())
    return {
        str(each.url).rpartition("/")[2]: (str(each.props.get("{DAV:}getetag")), str(each.data))
        for each in objects
    }


def _events(text: str) -> list[IEvent]:
    return ICalendar.from_ical(text).events


def _plan_events(runner: CliRunner, tmp_path: Path, *args: str) -> dict[str, IEvent]:
    """The events of the .ics file `plan` writes for the same settings, by UID (none cancelled)."""
    target = tmp_path / "plan.ics"
    result = runner.invoke(app, ["plan", *args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    events = _events(target.read_text(encoding="utf-8"))
    return {str(e["UID"]): e for e in events if str(e.get("STATUS", "")) != "CANCELLED"}


def _same_as_plan(stored: dict[str, tuple[str, str]], planned: dict[str, IEvent]) -> None:
    """Every stored object is one event of the plan, named after its UID, as `plan` wrote it."""
    assert len(stored) == len(planned)
    for resource, (_etag, text) in stored.items():
        whole = ICalendar.from_ical(text)
        assert "METHOD" not in whole
        assert str(whole["VERSION"]) == "2.0"
        assert str(whole["PRODID"]) == "-//followup//followup//EN"
        (event,) = whole.events
        uid = str(event["UID"])
        assert resource.startswith("followup-")
        assert resource.endswith(f"-{uid}.ics")
        meant = planned[uid]
        for key in ("DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "SEQUENCE", "TRANSP"):
            assert event[key].to_ical() == meant[key].to_ical(), key
        assert [a["TRIGGER"].to_ical() for a in event.walk("VALARM")] == [
            a["TRIGGER"].to_ical() for a in meant.walk("VALARM")
        ]


def test_first_and_second_push(runner: CliRunner, server: Server, tmp_path: Path) -> None:
    """A first push adds every visit, as `plan` writes it; a second one changes nothing."""
    settings = ["2025-03-14", "--name", "Ana First", "--remind", "7"]
    first = _push(runner, server, *settings)
    assert first.exit_code == 0, first.output
    assert first.stdout == (
        "19 added, 0 updated, 0 removed, 0 unchanged in "
        "'Follow-up visits – Ana First', a new calendar\n"
    )
    calendar = _calendar(server, "Follow-up visits – Ana First")
    stored = _stored(calendar)
    _same_as_plan(stored, _plan_events(runner, tmp_path, *settings))

    again = _push(runner, server, *settings)
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "0 added, 0 updated, 0 removed, 19 unchanged in 'Follow-up visits – Ana First'\n"
    )
    assert _stored(calendar) == stored  # not one ETag changed


def test_a_scan_done_updates_and_removes_the_dropped_visit(
    runner: CliRunner, server: Server, tmp_path: Path
) -> None:
    """After --done shortens the plan, the push updates the visits and deletes the dropped one."""
    settings = [DATE, "--name", "Ana Done", "--years", "1"]
    assert _push(runner, server, *settings).exit_code == 0
    calendar = _calendar(server, "Follow-up visits – Ana Done")
    assert len(_stored(calendar)) == 4
    later = [*settings, "--done", "2024-06-02"]
    result = _push(runner, server, *later)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("0 added, 3 updated, 1 removed, 0 unchanged in ")
    _same_as_plan(_stored(calendar), _plan_events(runner, tmp_path, *later))
    assert _push(runner, server, *later).stdout.startswith("0 added, 0 updated, 0 removed, 3 ")


def test_a_track_is_pushed_too(runner: CliRunner, server: Server, tmp_path: Path) -> None:
    """An extra track's visits are objects of their own, with the track's UIDs."""
    settings = ["2025-03-14", "--name", "Ana Track", "--track", "Brain MRI", "--every", "12"]
    result = _push(runner, server, *settings)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("29 added, 0 updated, 0 removed, 0 unchanged in ")
    stored = _stored(_calendar(server, "Follow-up visits – Ana Track"))
    _same_as_plan(stored, _plan_events(runner, tmp_path, *settings))
    assert sum("Brain MRI" in text for _etag, text in stored.values()) == 10


def test_two_people_share_a_calendar(runner: CliRunner, server: Server) -> None:
    """Two people's plans in one calendar: each push adds, keeps or removes only its own."""
    ana = ["2025-03-14", "--name", "Ana", "--calendar", "Family"]
    bob = ["2025-03-14", "--name", "Bob", "--calendar", "Family", "--years", "3"]
    assert _push(runner, server, *ana).exit_code == 0
    result = _push(runner, server, *bob)
    assert result.exit_code == 0, result.output
    assert result.stdout == "10 added, 0 updated, 0 removed, 0 unchanged in 'Family'\n"
    calendar = _calendar(server, "Family")
    before = _stored(calendar)
    assert len(before) == 29
    shorter = _push(runner, server, *ana, "--years", "2")
    assert shorter.stdout == "0 added, 8 updated, 11 removed, 0 unchanged in 'Family'\n"
    after = _stored(calendar)
    bobs = {name for name, (_etag, text) in before.items() if "– Bob" in text}
    assert len(bobs) == 10
    assert {name: after[name] for name in bobs} == {name: before[name] for name in bobs}
    assert _push(runner, server, *bob).stdout.endswith("0 removed, 10 unchanged in 'Family'\n")


def test_an_event_added_by_hand_is_left_alone(runner: CliRunner, server: Server) -> None:
    """An event someone added to the calendar survives pushes that change and remove visits."""
    settings = ["2025-03-14", "--name", "Ana Hand"]
    assert _push(runner, server, *settings).exit_code == 0
    calendar = _calendar(server, "Follow-up visits – Ana Hand")
    dentist = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//phone//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uuid.uuid4()}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250602\r\n"
        "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    client = _client(server)
    answer = client.put(
        str(calendar.url) + "dentist.ics", dentist, {"Content-Type": "text/calendar"}
    )
    assert answer.status == 201
    before = _stored(calendar)["dentist.ics"]
    result = _push(runner, server, *settings, "--years", "3", "--remind", "3")
    assert result.stdout.startswith("0 added, 10 updated, 9 removed, 0 unchanged in ")
    stored = _stored(calendar)
    assert stored["dentist.ics"] == before
    assert len(stored) == 11


def test_dry_run_changes_nothing(runner: CliRunner, server: Server) -> None:
    """--dry-run lists what would change, creates no calendar and writes no event."""
    settings = [DATE, "--name", "Ana Dry", "--years", "1"]
    result = _push(runner, server, *settings, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "would create the calendar 'Follow-up visits – Ana Dry'",
        "would add: 2024-04-30 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Dry",
        "would add: 2024-07-31 Follow-up CT/MRI, chest + abdomen (2 of 4) – Ana Dry",
        "would add: 2024-10-31 Follow-up CT/MRI, chest + abdomen (3 of 4) – Ana Dry",
        "would add: 2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4) – Ana Dry",
        "Dry run, nothing changed: 4 to add, 0 to update, 0 to remove, 0 unchanged "
        "in 'Follow-up visits – Ana Dry'",
    ]
    assert _calendars(server, "Follow-up visits – Ana Dry") == []
    assert _push(runner, server, *settings).exit_code == 0
    calendar = _calendar(server, "Follow-up visits – Ana Dry")
    before = _stored(calendar)
    later = _push(runner, server, *settings, "--done", "2024-06-02", "--dry-run")
    assert later.stdout.splitlines()[-2:] == [
        "would remove: 2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4) – Ana Dry",
        "Dry run, nothing changed: 0 to add, 3 to update, 1 to remove, 0 unchanged "
        "in 'Follow-up visits – Ana Dry'",
    ]
    assert _stored(calendar) == before


def test_a_change_made_meanwhile_is_reported_not_overwritten(
    runner: CliRunner, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event changed between the read and the write gets a 412: exit 1, run push again.

    The change made meanwhile is kept; the next push, reading it, updates it and converges.
    """
    settings = [DATE, "--name", "Ana Race", "--years", "1"]
    assert _push(runner, server, *settings).exit_code == 0
    calendar = _calendar(server, "Follow-up visits – Ana Race")
    read = push_module._read

    def read_then_someone_writes(client: Any, url: str, prefix: str) -> Any:
        found = read(client, url, prefix)
        first = next(each for each in found if "DTSTART;VALUE=DATE:20240430" in (each.text or ""))
        edited = (first.text or "").replace("SUMMARY:", "SUMMARY:Moved by hand: ")
        answer = _client(server).put(first.url, edited, {"Content-Type": "text/calendar"})
        assert answer.status == 204
        return found

    monkeypatch.setattr(push_module, "_read", read_then_someone_writes)
    later = [*settings, "--done", "2024-06-02"]
    result = _push(runner, server, *later)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 2024-06-02 Follow-up CT/MRI, chest + abdomen (1 of 3), done – Ana Race: "
        "changed on the server since it was read; run push again\n"
    )
    assert sum("Moved by hand" in text for _etag, text in _stored(calendar).values()) == 1
    monkeypatch.setattr(push_module, "_read", read)
    again = _push(runner, server, *later)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("0 added, 3 updated, 1 removed, 0 unchanged")
    assert _push(runner, server, *later).stdout.startswith("0 added, 0 updated, 0 removed, 3 ")


def test_an_imported_copy_is_a_conflict(runner: CliRunner, server: Server, tmp_path: Path) -> None:
    """A visit already in the calendar under another name (an imported file) gets a 409: exit 1."""
    client = _client(server)
    calendar = client.get_principal().make_calendar(name="Imported")
    planned = _plan_events(runner, tmp_path, DATE, "--name", "Ana Import", "--years", "1")
    copy = ICalendar.new(prodid="-//phone//import//EN")
    copy.add_component(next(iter(planned.values())))
    url = str(cast("Calendar", calendar).url) + "imported-1.ics"
    assert client.put(url, copy.to_ical().decode(), {"Content-Type": "text/calendar"}).status == 201
    result = _push(
        runner, server, DATE, "--name", "Ana Import", "--years", "1", "--calendar", "Imported"
    )
    assert result.exit_code == 1
    assert "the calendar already holds this event under another name" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_calendar_address_is_used_directly(runner: CliRunner, server: Server) -> None:
    """--caldav may be a calendar's own address; a --calendar naming another one is refused."""
    settings = [DATE, "--name", "Ana Direct", "--years", "1"]
    assert _push(runner, server, *settings, "--calendar", "Direct").exit_code == 0
    url = str(_calendar(server, "Direct").url)
    env = {"FOLLOWUP_CALDAV_PASSWORD": "secret"}
    direct = runner.invoke(app, ["push", *settings, "--caldav", url, "--user", "ana"], env=env)
    assert direct.exit_code == 0, direct.output
    assert direct.stdout == "0 added, 0 updated, 0 removed, 4 unchanged in 'Direct'\n"
    other = ["push", *settings, "--caldav", url, "--user", "ana", "--calendar", "Other"]
    refused = runner.invoke(app, other, env=env)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: --calendar 'Other' is not allowed: {url} is itself a calendar, "
        "named 'Direct': leave out --calendar\n"
    )


def test_two_calendars_of_the_same_name_are_refused(runner: CliRunner, server: Server) -> None:
    """When several calendars have the name, push lists them and changes nothing (exit 2)."""
    principal = _client(server).get_principal()
    urls = [str(cast("Calendar", principal.make_calendar(name="Twice")).url) for _ in range(2)]
    result = _push(runner, server, DATE, "--name", "Ana Twice", "--calendar", "Twice")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --calendar 'Twice' is not allowed: 2 calendars have ")
    assert all(url in result.stderr for url in urls)
    assert result.stderr.endswith("give the address of one as --caldav\n")


def test_a_wrong_password_is_one_line(runner: CliRunner, server: Server) -> None:
    """A refused login exits 1 with one line that says what to check."""
    result = _push(runner, server, DATE, "--name", "Ana", password="wrong")  # noqa: S106
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 127.0.0.1:{server.port} refused the login (HTTP 401): "
        "check --user and the password\n"
    )
    anonymous = runner.invoke(app, ["push", DATE, "--name", "Ana", "--caldav", server.url])
    assert anonymous.exit_code == 1
    assert (
        anonymous.stderr
        == f"Error: 127.0.0.1:{server.port} asks for a login (HTTP 401): give --user\n"
    )


def test_an_unreachable_server_is_one_line(runner: CliRunner) -> None:
    """A port where nothing listens exits 1: cannot reach, and why."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {"FOLLOWUP_CALDAV_PASSWORD": "x"}
    args = ["push", DATE, "--name", "Ana", "--caldav", url, "--user", "ana"]
    if importlib.util.find_spec("caldav") is None:
        missing("caldav", "pip install -e '.[dev]'")
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot reach 127.0.0.1:{port}: Connection refused\n"


def test_tls_failure_is_one_line(runner: CliRunner, server: Server) -> None:
    """https:// to a server that speaks plain HTTP fails the TLS handshake: exit 1, one line."""
    url = f"https://127.0.0.1:{server.port}/"
    args = ["push", DATE, "--name", "Ana", "--caldav", url, "--user", "ana"]
    result = runner.invoke(app, args, env={"FOLLOWUP_CALDAV_PASSWORD": "secret"})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no secure connection to 127.0.0.1:{server.port}: ")
    assert result.stderr.count("\n") == 1


@contextlib.contextmanager
def _web_server() -> Iterator[str]:
    """A plain web server on 127.0.0.1 that knows no WebDAV."""
    quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), quiet)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{web.server_address[1]}/"
    finally:
        web.shutdown()
        web.server_close()


def test_an_address_that_is_not_caldav(runner: CliRunner) -> None:
    """A web server that is not a CalDAV server exits 1, saying so."""
    if importlib.util.find_spec("caldav") is None:
        missing("caldav", "pip install -e '.[dev]'")
    with _web_server() as url:
        args = ["push", DATE, "--name", "Ana", "--caldav", url, "--user", "ana"]
        result = runner.invoke(app, args, env={"FOLLOWUP_CALDAV_PASSWORD": "x"})
    assert result.exit_code == 1
    assert result.stderr == f"Error: {url} is not a CalDAV address: it answered HTTP 501\n"


def test_a_silent_server_times_out(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that accepts and never answers: exit 1 after the timeout, one line."""
    if importlib.util.find_spec("caldav") is None:
        missing("caldav", "pip install -e '.[dev]'")
    monkeypatch.setattr(push_module, "TIMEOUT", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        args = ["push", DATE, "--name", "Ana", "--caldav", f"http://127.0.0.1:{port}/"]
        result = runner.invoke(app, [*args, "--user", "ana"], env={"FOLLOWUP_CALDAV_PASSWORD": "x"})
    assert result.exit_code == 1
    assert result.stderr == f"Error: 127.0.0.1:{port} did not answer within 0.3 seconds\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "--caldav is missing: give the address of the calendar account, e.g. https://caldav.icloud.com",
        ),
        (
            ["--caldav", "ftp://example.org/"],
            "--caldav 'ftp://example.org/' is not allowed: give an address that starts with https:// (or http://)",
        ),
        (
            ["--caldav", "https://ana:secret@example.org/"],
            "--caldav 'https://…@example.org/' is not allowed: "
            "leave the user name and password out of the address: use --user",
        ),
        (
            ["--caldav", "https://example.org:99999/"],
            "--caldav 'https://example.org:99999/' is not allowed: give an address that starts with https:// (or http://)",
        ),
        (
            ["--caldav", "https://example.org/", "--calendar", " "],
            "--calendar ' ' is not allowed: give from 1 to 100 characters",
        ),
    ],
)
def test_bad_input_exits_2_before_any_traffic(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """A missing or unusable --caldav, and an empty --calendar, are bad input: exit 2, one line."""
    result = runner.invoke(app, ["push", DATE, "--name", "Ana", *args])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_no_password_and_no_terminal(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no password anywhere and nobody to ask, push says where one can come from (exit 2)."""
    monkeypatch.delenv("FOLLOWUP_CALDAV_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)
    if importlib.util.find_spec("caldav") is None:
        missing("caldav", "pip install -e '.[dev]'")
    args = ["push", DATE, "--name", "Ana", "--caldav", "https://example.org/", "--user", "ana"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: a password for ana is missing: set FOLLOWUP_CALDAV_PASSWORD, "
        "keep it in the system keyring (service followup:example.org), "
        "or run push in a terminal to be asked for it\n"
    )


def test_the_password_comes_from_the_keyring(
    runner: CliRunner, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the environment variable, the system keyring's password is used."""
    monkeypatch.delenv("FOLLOWUP_CALDAV_PASSWORD", raising=False)
    keyring = types.ModuleType("keyring")
    keyring.__spec__ = importlib.machinery.ModuleSpec("keyring", None)
    asked = []

    def get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return USERS[user] if service == "followup:127.0.0.1" else None

    keyring.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    args = ["push", DATE, "--name", "Ana Keyring", "--years", "1", "--caldav", server.url]
    result = runner.invoke(app, [*args, "--user", "ana"])
    assert result.exit_code == 0, result.output
    assert asked == [("followup:127.0.0.1", "ana")]


def test_the_password_is_asked_for_on_a_terminal(
    runner: CliRunner, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, with no password stored, push asks for it without echo (getpass)."""
    monkeypatch.delenv("FOLLOWUP_CALDAV_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.setattr(push_module, "_can_ask", lambda: True)
    prompts = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return "secret"

    monkeypatch.setattr("getpass.getpass", getpass)
    args = ["push", DATE, "--name", "Ana Asked", "--years", "1", "--caldav", server.url]
    result = runner.invoke(app, [*args, "--user", "ana"])
    assert result.exit_code == 0, result.output
    assert prompts == [f"Password for ana at 127.0.0.1:{server.port}: "]


def test_without_the_extra_push_says_how_to_install_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the caldav library, push exits 1 with the pip command that installs it."""
    monkeypatch.setitem(sys.modules, "caldav", None)
    args = ["push", DATE, "--name", "Ana", "--caldav", "https://example.org/", "--user", "ana"]
    result = runner.invoke(app, args, env={"FOLLOWUP_CALDAV_PASSWORD": "x"})
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: pushing to a calendar account needs the caldav extra: "
        f"{install_command('caldav')}\n"
    )


def test_calendar_command_does_not_import_caldav(tmp_path: Path) -> None:
    """Writing a calendar file leaves the push code and its libraries unimported."""
    names = ("caldav", "niquests", "lxml", "followup.push")
    assert loaded_by_a_calendar_run(tmp_path, names) == []

"""`followup push`: a plan kept in step in a calendar store, in memory and on a real server.

The store-level tests run three times, through the `store` fixture: on a
`MemoryStore`, and on the CalDAV store talking to Radicale (over http) and to
Xandikos (over https, its certificate from a private authority given as
--ca-file), so that the store in memory is held to what real servers do. The
command-line tests need Radicale; some go through a small proxy that injects
faults; one syncs a pushed calendar with vdirsyncer into a folder khal reads.

One Radicale and one Xandikos per test session (per xdist worker), on 127.0.0.1
and free ports, with htpasswd logins and their storage in temporary folders;
nothing is sent anywhere else. Each test uses a calendar of its own.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import importlib.machinery
import importlib.util
import shutil
import socket
import subprocess
import sys
import threading
import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent
from typer.testing import CliRunner

from followup._errors import PushFailed, install_command
from followup._export import RenderOptions
from followup._schedule import Schedule, make_schedule
from followup.cli import app
from followup.push import (
    Action,
    CalendarStore,
    Conflict,
    MemoryStore,
    Refused,
    Report,
    Stored,
    StoredCalendar,
    Target,
    UidTaken,
    account,
    items,
    person_prefix,
    prefix_for,
    push_to,
)
from followup.push import caldav as caldav_store
from followup.push.store import ANY

from .conftest import loaded_by_a_calendar_run, missing
from .servers import free_port, radicale, wait_until_listening

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from caldav.davclient import DAVClient

DATE = "2024-01-31"
USERS = {"ana": "secret", "bob": "other"}


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    ca_file: Path | None = None


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Xandikos server over https, with a certificate from a private certificate
    authority (made by trustme) and basic logins from an htpasswd file; Ana's account.

    The store tests run on it as on Radicale: a second, independent server, reached
    as a person with a private CA reaches theirs, with --ca-file.
    """
    for module in ("xandikos", "trustme", "caldav"):
        if importlib.util.find_spec(module) is None:
            missing(module, "pip install -e '.[dev]'")
    import trustme

    folder = tmp_path_factory.mktemp("xandikos")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    certs = folder / "state" / "certs"
    certs.mkdir(parents=True)
    certificate.private_key_pem.write_to_path(str(certs / "selfsigned.key"))
    certificate.cert_chain_pems[0].write_to_path(str(certs / "selfsigned.crt"))
    ca_file = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    digest = base64.b64encode(hashlib.sha1(USERS["ana"].encode()).digest()).decode()  # noqa: S324
    users = folder / "users"
    users.write_text(f"ana:{{SHA}}{digest}\n")
    port = free_port()
    command = [sys.executable, "-m", "xandikos", "serve", "-d", str(folder / "data")]
    command += ["--state-dir", str(folder / "state"), "--defaults", "--autocert"]
    command += ["--htpasswd", str(users), "-l", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_listening(port, process, "Xandikos")
        yield Server(f"https://127.0.0.1:{port}/user/", port, ca_file)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Radicale server for the session, stopped at the end by terminating its process."""
    for module in ("radicale", "caldav"):
        if importlib.util.find_spec(module) is None:
            missing(module, "pip install -e '.[dev]'")
    with radicale(tmp_path_factory.mktemp("radicale"), USERS) as port:
        yield Server(f"http://127.0.0.1:{port}/", port)


def _push(
    runner: CliRunner, server: Server, *args: str, user: str = "ana", password: str | None = None
) -> Any:
    """`followup push ARGS --caldav SERVER --user USER`, the password in the environment."""
    env = {"FOLLOWUP_CALDAV_PASSWORD": USERS[user] if password is None else password}
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


@pytest.fixture(params=["memory", "radicale", "xandikos"])
def store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CalendarStore]:
    """An account with no calendar of the test's own yet: in memory, or Ana's on Radicale
    or on Xandikos (over https, its private certificate authority given as --ca-file)."""
    if request.param == "memory":
        yield MemoryStore()
        return
    server: Server = request.getfixturevalue(
        "server" if request.param == "radicale" else "xandikos"
    )
    monkeypatch.setenv("FOLLOWUP_CALDAV_PASSWORD", USERS["ana"])
    with caldav_store.connected(Target(server.url, "ana", ca_file=server.ca_file)) as dav:
        yield dav


STAMP = datetime(2026, 1, 1, tzinfo=UTC)
SCAN_DONE = date(2024, 6, 2)


def _plan(name: str, *, years: int = 1, done: bool = False) -> tuple[Schedule, RenderOptions]:
    """A plan of 4 visits from 2024-01-31 (3 after the scan done on 2024-06-02)."""
    scans = (SCAN_DONE,) if done else ()
    schedule = make_schedule(date(2024, 1, 31), years=years, name=name, done=scans)
    return schedule, RenderOptions(remind=7, stamp=STAMP)


def _unique(what: str) -> str:
    """A calendar name no other test uses (the server lives as long as the module)."""
    return f"{what} {uuid.uuid4().hex[:8]}"


def _held(store: CalendarStore, calendar: str) -> dict[str, Stored]:
    """Every object in the calendar called `calendar`, with its text, by name."""
    found = store.find(calendar)
    assert found is not None
    return {each.name: each for each in store.get([s.href for s in store.listing(found)])}


def _uids(held: dict[str, Stored]) -> set[str]:
    return {str(_events(each.text or "")[0]["UID"]) for each in held.values()}


def _dentist() -> str:
    """An event someone added by hand, with a UID of its own."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//phone//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uuid.uuid4()}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250602\r\n"
        "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _counts(report: Report) -> tuple[int, int, int, int]:
    """Added, updated, removed, unchanged."""
    added, updated, removed = (report.count(action) for action in Action)
    return added, updated, removed, report.unchanged


def _said(report: Report) -> list[tuple[str, str, str]]:
    """Each change: what, to which object, and how a person is told."""
    return [(change.action, change.name, change.label) for change in report.changes]


def test_a_store_writes_only_on_its_conditions(store: CalendarStore) -> None:
    """Each write names the version it replaces; ETags change on every write; one UID per calendar.

    A new object where one is, a stale ETag, or an ETag for an object gone, is a
    `Conflict`; a new object with a UID the calendar holds is `UidTaken`;
    removing an object already gone is no error.
    """
    name = _unique("Store")
    assert store.find(name) is None
    calendar = store.create(name)
    assert store.find(name) == calendar
    href = calendar.href_for("one.ics")
    store.put(href, _dentist(), etag=None)
    (first,) = store.get([href])
    assert first.name == "one.ics"
    assert first.etag is not None
    assert [each.href for each in store.listing(calendar)] == [href]
    with pytest.raises(Conflict):
        store.put(href, _dentist(), etag=None)
    moved = (first.text or "").replace("SUMMARY:Dentist", "SUMMARY:Dentist (moved)")
    store.put(href, moved, etag=first.etag)
    (second,) = store.get([href])
    assert second.etag not in (None, first.etag)
    assert "Dentist (moved)" in (second.text or "")
    with pytest.raises(Conflict):
        store.put(href, _dentist(), etag=first.etag)
    with pytest.raises(Conflict):
        store.delete(href, etag=first.etag)
    with pytest.raises(UidTaken):
        store.put(calendar.href_for("copy.ics"), moved, etag=None)
    with pytest.raises(Conflict):
        store.put(calendar.href_for("gone.ics"), _dentist(), etag=ANY)
    store.delete(href, etag=second.etag or ANY)
    store.delete(href, etag=second.etag or ANY)  # already gone: what was wanted
    assert store.get([href]) == []
    assert store.listing(calendar) == []


def test_a_first_push_adds_every_visit_and_a_second_changes_nothing(store: CalendarStore) -> None:
    """The calendar is created and holds one object per visit, named after its UID; again: no write."""
    schedule, options = _plan("Ana First")
    name = _unique("First")
    report = push_to(store, schedule, options, name)
    assert (_counts(report), report.created, report.calendar) == ((4, 0, 0, 0), True, name)
    held = _held(store, name)
    wanted = {item.name: item for item in items(schedule, options)}
    assert set(held) == set(wanted)
    assert all(each.startswith(prefix_for(schedule)) for each in held)
    assert _uids(held) == {item.uid for item in wanted.values()}

    again = push_to(store, schedule, options, name)
    assert (_counts(again), again.created) == ((0, 0, 0, 4), False)
    assert _held(store, name) == held  # not one ETag changed


def test_a_changed_plan_updates_in_place_and_removes_by_uid(store: CalendarStore) -> None:
    """After a scan done, the kept visits are rewritten where they are; the dropped one is deleted."""
    name = _unique("Done")
    push_to(store, *_plan("Ana Done"), name)
    before = _held(store, name)
    schedule, options = _plan("Ana Done", done=True)
    report = push_to(store, schedule, options, name)
    assert _counts(report) == (0, 3, 1, 0)
    after = _held(store, name)
    assert _uids(after) == {item.uid for item in items(schedule, options)}
    assert set(after) < set(before)  # the same objects, one fewer
    assert all(after[each].href == before[each].href for each in after)
    assert all(after[each].etag != before[each].etag for each in after)
    (gone,) = set(before) - set(after)
    (removed,) = [c for c in report.changes if c.action == "remove"]
    assert removed.name == gone
    assert removed.label.startswith("2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4)")
    assert _counts(push_to(store, schedule, options, name)) == (0, 0, 0, 3)


def test_a_dry_run_says_exactly_what_a_push_does_and_writes_nothing(store: CalendarStore) -> None:
    """A dry run creates no calendar and writes nothing; its changes are those the push then makes."""
    name = _unique("Dry")
    first = _plan("Ana Dry")
    dry = push_to(store, *first, name, dry_run=True)
    assert (_counts(dry), dry.created, dry.dry_run) == ((4, 0, 0, 0), True, True)
    assert store.find(name) is None
    assert _said(push_to(store, *first, name)) == _said(dry)
    before = _held(store, name)
    later = _plan("Ana Dry", done=True)
    dry = push_to(store, *later, name, dry_run=True)
    assert (_counts(dry), dry.created) == ((0, 3, 1, 0), False)
    assert dry.lines()[-2:] == [
        "would remove: 2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4) – Ana Dry",
        f"Dry run, nothing changed: 0 to add, 3 to update, 1 to remove, 0 unchanged in “{name}”",
    ]
    assert _held(store, name) == before
    assert _said(push_to(store, *later, name)) == _said(dry)


def test_what_is_not_this_plans_is_left_alone(store: CalendarStore) -> None:
    """An event added by hand, and another person's plan in the same calendar, survive every push."""
    name = _unique("Family")
    push_to(store, *_plan("Ana"), name)
    bob = push_to(store, *_plan("Bob", years=2), name)
    assert _counts(bob) == (8, 0, 0, 0)
    calendar = store.find(name)
    assert calendar is not None
    store.put(calendar.href_for("dentist.ics"), _dentist(), etag=None)
    before = _held(store, name)
    assert len(before) == 13
    shorter = push_to(store, *_plan("Ana", done=True), name)
    assert _counts(shorter) == (0, 3, 1, 0)
    after = _held(store, name)
    others = {each for each, held in before.items() if "Ana" not in (held.text or "")}
    assert len(others) == 9
    assert {each: after[each] for each in others} == {each: before[each] for each in others}
    assert _counts(push_to(store, *_plan("Bob", years=2), name)) == (0, 0, 0, 8)


@dataclass
class _Meddling:
    """A store through which others act while a push runs.

    `after_get`: what someone else does right after the push reads; `writes`:
    how many writes go through before the connection drops (None: all).
    """

    inner: CalendarStore
    after_get: Callable[[list[Stored]], None] = lambda found: None
    writes: int | None = None
    made: list[str] = field(default_factory=list)

    def find(self, name: str) -> StoredCalendar | None:
        return self.inner.find(name)

    def create(self, name: str) -> StoredCalendar:
        return self.inner.create(name)

    def listing(self, calendar: StoredCalendar) -> list[Stored]:
        return self.inner.listing(calendar)

    def with_uid(self, calendar: StoredCalendar, uid: str) -> Stored | None:
        return self.inner.with_uid(calendar, uid)

    def holding(self, uid: str, *, skip: tuple[str, ...] = ()) -> StoredCalendar | None:
        return self.inner.holding(uid, skip=skip)

    def get(self, hrefs: Sequence[str]) -> list[Stored]:
        found = self.inner.get(hrefs)
        self.after_get(found)
        return found

    def _count(self, href: str) -> None:
        if self.writes is not None and len(self.made) == self.writes:
            raise ConnectionAbortedError("the network dropped")
        self.made.append(href)

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        self._count(href)
        self.inner.put(href, text, etag=etag)

    def delete(self, href: str, *, etag: str) -> None:
        self._count(href)
        self.inner.delete(href, etag=etag)


def test_an_interrupted_push_converges(store: CalendarStore) -> None:
    """A push cut off after two writes leaves an event too many, never one too few; the next finishes."""
    name = _unique("Cut")
    push_to(store, *_plan("Ana Cut"), name)
    later = _plan("Ana Cut", done=True)
    cut = _Meddling(store, writes=2)
    with pytest.raises(ConnectionAbortedError):
        push_to(cut, *later, name)
    assert len(cut.made) == 2
    assert len(_held(store, name)) == 4  # the removal comes last
    assert _counts(push_to(store, *later, name)) == (0, 1, 1, 2)
    assert _counts(push_to(store, *later, name)) == (0, 0, 0, 3)


def test_a_change_made_meanwhile_is_reported_not_overwritten(store: CalendarStore) -> None:
    """An event changed between the read and the write stops the push; the change is kept.

    The next push, reading the change, updates the event where the plan changed and
    the person did not (the day), keeps the person's title, says so, and converges.
    """
    name = _unique("Race")
    push_to(store, *_plan("Ana Race"), name)

    def someone_moves_the_first(found: list[Stored]) -> None:
        first = next(each for each in found if "DTSTART;VALUE=DATE:20240430" in (each.text or ""))
        edited = (first.text or "").replace("SUMMARY:", "SUMMARY:Moved by hand: ")
        store.put(first.href, edited, etag=first.etag)

    later = _plan("Ana Race", done=True)
    with pytest.raises(PushFailed) as failed:
        push_to(_Meddling(store, someone_moves_the_first), *later, name)
    assert str(failed.value) == (
        "2024-06-02 Follow-up CT/MRI, chest + abdomen (1 of 3), done – Ana Race: "
        "changed on the server since it was read; run push again"
    )
    assert sum("Moved by hand" in (each.text or "") for each in _held(store, name).values()) == 1
    assert _counts(push_to(store, *later, name)) == (0, 3, 1, 0)
    again = push_to(store, *later, name)
    assert (_counts(again), again.kept) == ((0, 0, 0, 2), 1)
    assert again.lines()[0] == (
        "visit 1: its title or notes were changed on the calendar — kept; "
        "--restore puts the plan's back"
    )
    assert sum("Moved by hand" in (each.text or "") for each in _held(store, name).values()) == 1


def _imported(text: str) -> str:
    """An object as a client that imported the plan's file writes it: without push's own
    properties."""
    calendar = ICalendar.from_ical(text)
    for event in calendar.walk("VEVENT"):
        for name in [name for name in event if name.startswith("X-FOLLOWUP")]:
            event.pop(name)
    return str(calendar.to_ical().decode())


def test_a_copy_under_another_name_is_adopted(store: CalendarStore) -> None:
    """Visits already in the calendar under other names (an imported file) are updated where
    they are, never duplicated: one found by the server's refusal of its UID, one named
    after its UID as importing clients name them."""
    name = _unique("Imported")
    schedule, options = _plan("Ana Import")
    calendar = store.create(name)
    first, second = (_imported(each.text) for each in items(schedule, options)[:2])
    store.put(calendar.href_for("imported-1.ics"), first, etag=None)
    edited = second.replace("SUMMARY:", "LOCATION:Room 3\r\nSUMMARY:")
    second_uid = str(_events(second)[0]["UID"])
    store.put(calendar.href_for(f"{second_uid}.ics"), edited, etag=None)
    dry = push_to(store, schedule, options, name, dry_run=True)
    # Updated once, to carry what push wrote; the LOCATION added by hand stays.
    assert _counts(dry) == _counts(push_to(store, schedule, options, name)) == (2, 2, 0, 0)
    held = _held(store, name)
    assert len(held) == 4
    assert len(_uids(held)) == 4
    assert {"imported-1.ics", f"{second_uid}.ics"} <= set(held)
    assert "Room 3" in (held[f"{second_uid}.ics"].text or "")
    assert _counts(push_to(store, schedule, options, name)) == (0, 0, 0, 4)


class _Refusing(MemoryStore):
    """A store whose server refuses every write, for a reason of its own."""

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        raise Refused("calendar.example.org", 403 if "Read-only" in href else 507)


def test_a_refused_write_names_the_visit() -> None:
    """A write the server refuses stops the push: which server, which visit, and the status;
    a 403 on a write says the calendar may be shared to read only, not that the login failed."""
    with pytest.raises(PushFailed) as failed:
        push_to(_Refusing(), *_plan("Ana Refused"), "Refused")
    assert str(failed.value) == (
        "calendar.example.org refused to write "
        "2024-04-30 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Refused: HTTP 507"
    )
    refusing = _Refusing()
    refusing.calendars["/Read-only/"] = "Shared"
    with pytest.raises(PushFailed) as failed:
        push_to(refusing, *_plan("Ana Refused"), "Shared")
    assert str(failed.value) == (
        "calendar.example.org refused to write "
        "2024-04-30 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Refused (HTTP 403): "
        "the calendar “Shared” may be shared with this account to read only"
    )


def test_a_text_that_is_not_icalendar_is_refused(store: CalendarStore) -> None:
    """A store keeps no text that is not iCalendar: `Refused`, with a server's 400 (or, as
    Xandikos says it, 412 with the valid-calendar-data precondition), never `Conflict`."""
    calendar = store.create(_unique("Refused"))
    with pytest.raises(Refused) as refused:
        store.put(calendar.href_for("broken.ics"), "not iCalendar", etag=None)
    assert refused.value.status in (400, 412)
    assert store.listing(calendar) == []


def _task(uid: str) -> str:
    """A calendar object that holds a task, not an event."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//phone//EN\r\nBEGIN:VTODO\r\n"
        f"UID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Call the clinic\r\n"
        "END:VTODO\r\nEND:VCALENDAR\r\n"
    )


def test_an_object_of_ours_that_is_not_one_event_is_replaced_or_removed(
    store: CalendarStore,
) -> None:
    """Under this plan's names, an object that is no event is rewritten, or removed by its name."""
    name = _unique("Odd")
    schedule, options = _plan("Ana Odd")
    push_to(store, schedule, options, name)
    calendar = store.find(name)
    assert calendar is not None
    first = items(schedule, options)[0]
    (held,) = store.get([calendar.href_for(first.name)])
    store.put(held.href, _task(first.uid), etag=held.etag)
    stray = f"{prefix_for(schedule)}stray.ics"
    store.put(calendar.href_for(stray), _task(str(uuid.uuid4())), etag=None)
    report = push_to(store, schedule, options, name)
    assert _said(report) == [
        ("update", first.name, "2024-04-30 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Odd"),
        ("remove", stray, stray),
    ]
    assert _counts(push_to(store, schedule, options, name)) == (0, 0, 0, 4)


def test_first_and_second_push(runner: CliRunner, server: Server, tmp_path: Path) -> None:
    """A first push adds every visit, as `plan` writes it; a second one changes nothing."""
    settings = ["2025-03-14", "--name", "Ana First", "--remind", "7"]
    first = _push(runner, server, *settings)
    assert first.exit_code == 0, first.output
    assert first.stdout == (
        "19 added, 0 updated, 0 removed, 0 unchanged in "
        "“Follow-up visits – Ana First”, a new calendar\n"
    )
    calendar = _calendar(server, "Follow-up visits – Ana First")
    stored = _stored(calendar)
    _same_as_plan(stored, _plan_events(runner, tmp_path, *settings))

    again = _push(runner, server, *settings)
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "0 added, 0 updated, 0 removed, 19 unchanged in “Follow-up visits – Ana First”\n"
    )
    assert _stored(calendar) == stored  # not one ETag changed


def test_a_track_is_pushed_too(runner: CliRunner, server: Server, tmp_path: Path) -> None:
    """An extra track's visits are objects of their own, with the track's UIDs."""
    settings = ["2025-03-14", "--name", "Ana Track", "--track", "Brain MRI", "--every", "12"]
    result = _push(runner, server, *settings)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("29 added, 0 updated, 0 removed, 0 unchanged in ")
    stored = _stored(_calendar(server, "Follow-up visits – Ana Track"))
    _same_as_plan(stored, _plan_events(runner, tmp_path, *settings))
    assert sum("Brain MRI" in text for _etag, text in stored.values()) == 10


def test_dry_run_changes_nothing(runner: CliRunner, server: Server) -> None:
    """--dry-run lists what would change, creates no calendar and writes no event."""
    settings = [DATE, "--name", "Ana Dry Run", "--years", "1"]
    result = _push(runner, server, *settings, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "would create the calendar “Follow-up visits – Ana Dry Run”",
        "would add: 2024-04-30 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Dry Run",
        "would add: 2024-07-31 Follow-up CT/MRI, chest + abdomen (2 of 4) – Ana Dry Run",
        "would add: 2024-10-31 Follow-up CT/MRI, chest + abdomen (3 of 4) – Ana Dry Run",
        "would add: 2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4) – Ana Dry Run",
        "Dry run, nothing changed: 4 to add, 0 to update, 0 to remove, 0 unchanged "
        "in “Follow-up visits – Ana Dry Run”",
    ]
    assert _calendars(server, "Follow-up visits – Ana Dry Run") == []
    assert _push(runner, server, *settings).exit_code == 0
    calendar = _calendar(server, "Follow-up visits – Ana Dry Run")
    before = _stored(calendar)
    later = _push(runner, server, *settings, "--done", "2024-06-02", "--dry-run")
    assert later.stdout.splitlines()[-2:] == [
        "would remove: 2025-01-31 Follow-up CT/MRI, chest + abdomen (4 of 4) – Ana Dry Run",
        "Dry run, nothing changed: 0 to add, 3 to update, 1 to remove, 0 unchanged "
        "in “Follow-up visits – Ana Dry Run”",
    ]
    assert _stored(calendar) == before


def test_a_calendar_address_is_used_directly(runner: CliRunner, server: Server) -> None:
    """--caldav may be a calendar's own address; a --calendar naming another one is refused."""
    settings = [DATE, "--name", "Ana Direct", "--years", "1"]
    assert _push(runner, server, *settings, "--calendar", "Direct").exit_code == 0
    url = str(_calendar(server, "Direct").url)
    env = {"FOLLOWUP_CALDAV_PASSWORD": "secret"}
    direct = runner.invoke(app, ["push", *settings, "--caldav", url, "--user", "ana"], env=env)
    assert direct.exit_code == 0, direct.output
    assert direct.stdout == "0 added, 0 updated, 0 removed, 4 unchanged in “Direct”\n"
    other = ["push", *settings, "--caldav", url, "--user", "ana", "--calendar", "Other"]
    refused = runner.invoke(app, other, env=env)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: --calendar 'Other' is not allowed: {url} is itself a calendar, "
        "named “Direct”: leave out --calendar\n"
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
    port = free_port()
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
    monkeypatch.setattr(caldav_store, "TIMEOUT", 0.3)
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
    """Without the environment variable, the system keyring's password is used: the one kept
    for this host and port (a port the scheme does not imply is part of the service)."""
    monkeypatch.delenv("FOLLOWUP_CALDAV_PASSWORD", raising=False)
    keyring = types.ModuleType("keyring")
    keyring.__spec__ = importlib.machinery.ModuleSpec("keyring", None)
    asked = []

    def get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return USERS[user] if service == f"followup:127.0.0.1:{server.port}" else None

    keyring.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    args = ["push", DATE, "--name", "Ana Keyring", "--years", "1", "--caldav", server.url]
    result = runner.invoke(app, [*args, "--user", "ana"])
    assert result.exit_code == 0, result.output
    assert asked == [(f"followup:127.0.0.1:{server.port}", "ana")]


def test_the_password_is_asked_for_on_a_terminal(
    runner: CliRunner, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, with no password stored, push asks for it without echo (getpass)."""
    monkeypatch.delenv("FOLLOWUP_CALDAV_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.setattr(account, "_can_ask", lambda: True)
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


def _edit(store: CalendarStore, calendar: str, day: str, change: Callable[[str], str]) -> None:
    """A person's edit, on the phone, of the visit on `day` (YYYYMMDD)."""
    found = next(
        each
        for each in _held(store, calendar).values()
        if f"DTSTART;VALUE=DATE:{day}" in (each.text or "")
    )
    store.put(found.href, change(found.text or ""), etag=found.etag)


def _visit_on(store: CalendarStore, calendar: str, text: str) -> IEvent:
    found = [e for each in _held(store, calendar).values() for e in _events(each.text or "")]
    return next(event for event in found if text in event.to_ical().decode())


def test_a_persons_changes_are_kept_and_reported(store: CalendarStore) -> None:
    """A visit moved on the phone, a booked LOCATION, a reminder changed or dismissed
    (ACKNOWLEDGED): a later push with a changed plan keeps them all, says so (dry run too), never lowers SEQUENCE; `--restore`
    puts the plan's back and keeps the LOCATION, which push does not own."""
    name = _unique("Person")
    push_to(store, *_plan("Ana Person"), name)

    def moved(text: str) -> str:
        text = text.replace("DTSTART;VALUE=DATE:20240731", "DTSTART;VALUE=DATE:20240805")
        text = text.replace("DTEND;VALUE=DATE:20240801", "DTEND;VALUE=DATE:20240806")
        text = text.replace("SEQUENCE:0", "SEQUENCE:3")
        return text.replace("TRIGGER:-P6DT15H", "TRIGGER:-PT15H")

    _edit(store, name, "20240731", moved)

    def booked(text: str) -> str:
        text = text.replace("SUMMARY", "LOCATION:Room 3\r\nSUMMARY")
        return text.replace("TRIGGER:", "ACKNOWLEDGED:20240101T080000Z\r\nTRIGGER:")

    _edit(store, name, "20241031", booked)
    later = _plan("Ana Person", done=True)
    said = (
        "visit 2: moved on the calendar to 2024-08-05, the plan says 2024-09-02 — kept; "
        "--restore puts the plan's back"
    )
    dry = push_to(store, *later, name, dry_run=True)
    assert said in dry.lines()
    assert any(line.startswith("would update: 2024-08-05 ") for line in dry.lines())
    report = push_to(store, *later, name)
    assert said in report.lines()
    assert _said(report) == _said(dry)
    second = _visit_on(store, name, "(2 of 3)")
    assert second.decoded("DTSTART") == date(2024, 8, 5)
    assert int(str(second["SEQUENCE"])) >= 3
    assert [a["TRIGGER"].to_ical() for a in second.walk("VALARM")] == [b"-PT15H"]
    third = _visit_on(store, name, "(3 of 3)")
    assert "Room 3" in third.to_ical().decode()
    assert [a["ACKNOWLEDGED"].to_ical() for a in third.walk("VALARM")] == [b"20240101T080000Z"]
    again = push_to(store, *later, name)
    assert (_counts(again), again.kept) == ((0, 0, 0, 2), 1)
    assert again.lines()[:2] == [
        "visit 2: its reminder was changed on the calendar — kept; --restore puts the plan's back",
        said,
    ]
    restored = push_to(store, *later, name, restore=True)
    assert _counts(restored)[1] == 1
    second = _visit_on(store, name, "(2 of 3)")
    assert second.decoded("DTSTART") == date(2024, 9, 2)
    assert int(str(second["SEQUENCE"])) >= 4
    assert "Room 3" in _visit_on(store, name, "(3 of 3)").to_ical().decode()
    assert _counts(push_to(store, *later, name)) == (0, 0, 0, 3)


def test_a_deleted_visit_stays_deleted_until_restored(store: CalendarStore) -> None:
    """A visit the person deleted is not added back: it is reported; `--restore` adds it."""
    name = _unique("Deleted")
    plan = _plan("Ana Deleted")
    push_to(store, *plan, name)
    gone = next(each for each in _held(store, name).values() if "20240731" in (each.text or ""))
    store.delete(gone.href, etag=gone.etag or ANY)
    report = push_to(store, *plan, name)
    assert (_counts(report), report.kept) == ((0, 0, 0, 3), 1)
    assert report.lines()[0] == (
        "visit 2 (2024-07-31): deleted on the calendar — left deleted; --restore puts it back"
    )
    assert _counts(push_to(store, *plan, name, restore=True)) == (1, 0, 0, 3)


def test_an_unchanged_plan_is_no_change_on_any_later_day(store: CalendarStore) -> None:
    """The same plan pushed as its visits' days and reminders pass writes nothing."""
    name = _unique("Later")
    first = make_schedule(date(2024, 1, 31), years=1, name="Ana Later", today=date(2024, 2, 1))
    options = RenderOptions(remind=7, stamp=STAMP)
    push_to(store, first, options, name)
    for day in (date(2024, 4, 28), date(2024, 8, 1), date(2025, 6, 1)):
        later = make_schedule(date(2024, 1, 31), years=1, name="Ana Later", today=day)
        assert _counts(push_to(store, later, options, name)) == (0, 0, 0, 4), day


def test_pushed_objects_have_no_calendar_uid(store: CalendarStore) -> None:
    """Each pushed object's first UID line is its event's: no calendar-level UID (which sync
    clients such as vdirsyncer would take for the item's), before and after an update."""
    name = _unique("NoCalUid")
    push_to(store, *_plan("Ana NoCalUid"), name)
    push_to(store, *_plan("Ana NoCalUid", done=True), name)
    for each in _held(store, name).values():
        calendar = ICalendar.from_ical(each.text or "")
        assert "UID" not in calendar
        first = next(line for line in (each.text or "").splitlines() if line.startswith("UID:"))
        assert first == f"UID:{calendar.events[0]['UID']}"


def test_another_language_finds_the_same_calendar() -> None:
    """A push in Spanish after one in English finds the plan's calendar by its English name
    (in memory: the default name is the person's, one per server; the CLI test with a
    renamed calendar runs the same way on Radicale)."""
    store = MemoryStore()
    schedule, options = _plan("Ana Lang")
    english = push_to(store, schedule, options, "Follow-up visits – Ana Lang")
    spanish = replace(options, lang="es")
    from followup.push import _names_in_every_language

    aliases = _names_in_every_language(schedule)
    report = push_to(store, schedule, spanish, "Controles – Ana Lang", aliases=aliases)
    assert report.calendar == english.calendar
    assert len(store.calendars) == 1


def test_a_renamed_calendar_is_found_by_its_events(
    runner: CliRunner, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --calendar, a plan whose calendar was renamed on the phone is pushed into
    it, found by its events' UIDs, and said so: no second calendar with the same UIDs."""
    from caldav.elements import dav

    args = ("--name", "Ana Renamed", "--years", "1")
    assert _push(runner, server, DATE, *args).exit_code == 0
    (calendar,) = _calendars(server, "Follow-up visits – Ana Renamed")
    calendar.set_properties([dav.DisplayName("Ana's scans")])
    again = _push(runner, server, DATE, *args, "--lang", "es")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == (
        "los eventos de este plan están en el calendario “Ana's scans”: se envían allí"
    )
    assert _calendars(server, "Follow-up visits – Ana Renamed") == []
    assert len(_calendars(server, "Controles de seguimiento – Ana Renamed")) == 0


def test_an_earlier_plan_of_the_person_is_offered_for_removal(store: CalendarStore) -> None:
    """After a corrected treatment date, the plan pushed before is found by whose it is (no
    name in it) and offered; `--replace OLD_DATE` removes that plan only, never another
    patient's plan under the same name (initials are shared)."""
    name = _unique("Corrected")
    options = RenderOptions(remind=7, stamp=STAMP)
    wrong = make_schedule(date(2024, 1, 13), years=1, name="Ana Fix")
    right = make_schedule(date(2024, 1, 31), years=1, name="Ana Fix")
    namesake = make_schedule(date(2023, 6, 15), years=1, name="Ana Fix")  # another patient
    push_to(store, wrong, options, name)
    push_to(store, namesake, options, name)
    push_to(store, *_plan("Ana Other"), name)
    report = push_to(store, right, options, name)
    assert report.lines()[0] == (
        "another plan under this name is in the calendar: 8 events; if it is this person's, "
        "from before a corrected treatment date, --replace OLD_DATE removes them"
    )
    assert len(_held(store, name)) == 16
    dry = push_to(store, right, options, name, replace=date(2024, 1, 13), dry_run=True)
    assert dry.lines()[0] == (
        "would remove: 2024-04-15 Follow-up CT/MRI, chest + abdomen (1 of 4) – Ana Fix"
    )
    replaced = push_to(store, right, options, name, replace=date(2024, 1, 13))
    assert _counts(replaced)[2] == 4
    assert len(_held(store, name)) == 12  # the namesake's plan stays
    assert sum(each.startswith(prefix_for(namesake)) for each in _held(store, name)) == 4
    assert "fix" not in person_prefix(right).lower()
    assert all(each.startswith(person_prefix(right)) for each in _held(store, name)) is False


def _tool(name: str) -> str:
    """A command installed beside this Python (the dev extra's), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        missing(name, "pip install -e '.[dev]'")
    assert found is not None
    return found


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{command[0]}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def test_a_phone_syncing_with_vdirsyncer_sees_updates_and_keeps_its_edits(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """vdirsyncer syncs the pushed calendar into a folder that khal reads, as a phone does:
    an edit made there (a visit moved, a LOCATION) goes back to the server and survives the
    next push; the plan's updates arrive as updates (the same items, none twice, no error)."""
    vdirsyncer, khal = _tool("vdirsyncer"), _tool("khal")
    name = _unique("Phone")
    monkeypatch.setenv("FOLLOWUP_CALDAV_PASSWORD", USERS["ana"])
    with caldav_store.connected(Target(server.url, "ana")) as dav:
        push_to(dav, *_plan("Ana Phone"), name)
        found = dav.find(name)
    assert found is not None
    phone = tmp_path / "phone"
    phone.mkdir()
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{tmp_path / "status"}/"\n'
        '[pair plan]\na = "phone"\nb = "server"\ncollections = null\n'
        f'[storage phone]\ntype = "filesystem"\npath = "{phone}/"\nfileext = ".ics"\n'
        f'[storage server]\ntype = "caldav"\nurl = "{found.href}"\n'
        f'username = "ana"\npassword = "{USERS["ana"]}"\n'
    )
    khal_config = tmp_path / "khal.conf"
    khal_config.write_text(
        f"[calendars]\n[[phone]]\npath = {phone}/\ntype = calendar\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "[default]\ndefault_calendar = phone\n"
    )

    def sync() -> None:
        _run(vdirsyncer, "-c", str(config), "sync")

    def agenda() -> list[str]:
        shown = _run(
            khal,
            "-c",
            str(khal_config),
            "list",
            "--format",
            "{start-date} {title}",
            "2024-01-01",
            "800d",
        )
        return sorted(line for line in shown.splitlines() if "Ana Phone" in line)

    _run(vdirsyncer, "-c", str(config), "discover")
    sync()
    files = sorted(each.name for each in phone.iterdir())
    assert len(files) == 4
    second = next(each for each in phone.iterdir() if "20240731" in each.read_text())
    edited = second.read_text().replace("20240731", "20240805").replace("20240801", "20240806")
    second.write_text(edited.replace("SUMMARY:", "LOCATION:Room 3\r\nSUMMARY:"))
    sync()
    with caldav_store.connected(Target(server.url, "ana")) as dav:
        report = push_to(dav, *_plan("Ana Phone", done=True), name)
    assert _counts(report) == (0, 3, 1, 0)  # visit 2's words too; its day stays the phone's
    assert report.notes[-1].startswith("visit 2: moved on the calendar to 2024-08-05")
    sync()
    now = sorted(each.name for each in phone.iterdir())
    assert len(now) == 3
    assert set(now) <= set(files)  # updated in place: the same items, none new
    assert [line[:10] for line in agenda()] == ["2024-06-02", "2024-08-05", "2024-12-02"]
    assert "Room 3" in second.read_text()


Fault = Callable[
    [str, str], "tuple[int, dict[str, str], bytes] | Callable[[bytes], bytes] | str | None"
]


@contextlib.contextmanager
def _fault_proxy(upstream: Server, fault: Fault) -> Iterator[Server]:
    """A proxy on 127.0.0.1 in front of the server that passes every request on, except
    those `fault(method, path)` answers itself: (status, headers, body), or "gone" (the
    connection closed without an answer, as a server that stops mid-push), or changes
    the server's answer's body with (a function)."""
    import http.client

    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _any(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            answer = fault(self.command, self.path)
            if answer == "gone":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(answer, tuple):
                status, headers, content = answer
            else:
                sent_on = dict(self.headers.items())
                if callable(answer):  # plain bytes, to be changed
                    sent_on["Accept-Encoding"] = "identity"
                there = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=10)
                sent = {k: v for k, v in sent_on.items() if k.lower() != "host"}
                there.request(self.command, self.path, body, sent)
                reply = there.getresponse()
                status, content = reply.status, reply.read()
                headers = {k: v for k, v in reply.getheaders() if k.lower() in _PASSED}
                there.close()
                if callable(answer):
                    content = answer(content)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = _any  # noqa: N815
        do_MKCALENDAR = do_OPTIONS = do_PROPPATCH = _any  # noqa: N815

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=proxy.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        port = proxy.server_address[1]
        yield Server(f"http://127.0.0.1:{port}/", int(port))
    finally:
        proxy.shutdown()
        proxy.server_close()


_PASSED = {"content-type", "content-encoding", "etag", "www-authenticate", "location", "dav"}
_XML = {"Content-Type": "application/xml; charset=utf-8"}


def _faulty_push(runner: CliRunner, server: Server, fault: Fault, *args: str) -> Any:
    with _fault_proxy(server, fault) as proxy:
        return _push(runner, proxy, DATE, "--name", "Ana Faults", "--years", "1", *args)


def test_a_server_fault_is_one_line_that_names_it(runner: CliRunner, server: Server) -> None:
    """Through a proxy that breaks one thing at a time: XML that cannot be read, a 403 on a
    write (a calendar shared to read only), a 403 and a 404 on the account's address, a
    redirect to another host, and a server gone mid-push: each is one line that names the
    cause, exit 1, no traceback; a push after a server gone converges."""
    name = _unique("Faults")
    calendar = ("--calendar", name)
    first = _faulty_push(runner, server, lambda m, p: None, *calendar)
    assert first.exit_code == 0, first.output

    def broken(method: str, path: str) -> Any:
        return (207, _XML, b"<multistatus xmlns='DAV:'><response>") if method == "REPORT" else None

    said = {
        "xml": _faulty_push(runner, server, broken, "--restore", *calendar),
        "write": _faulty_push(
            runner,
            server,
            lambda m, p: (403, {}, b"") if m == "PUT" else None,
            "--restore",
            "--done",
            "2024-06-02",
            *calendar,
        ),
        "read": _faulty_push(
            runner, server, lambda m, p: (403, {}, b"") if m == "PROPFIND" else None, *calendar
        ),
        "missing": _faulty_push(
            runner, server, lambda m, p: (404, {}, b"") if m == "PROPFIND" else None, *calendar
        ),
        "moved": _faulty_push(
            runner,
            server,
            lambda m, p: (301, {"Location": f"http://localhost:{server.port}{p}"}, b""),
            *calendar,
        ),
    }
    host = "127.0.0.1"
    assert all(result.exit_code == 1 for result in said.values()), {
        k: r.output for k, r in said.items()
    }
    lines = {what: result.stderr for what, result in said.items()}
    assert all(text.count("\n") == 1 and "Traceback" not in text for text in lines.values())
    assert "answered with XML that cannot be read" in lines["xml"]
    assert "(HTTP 403): the calendar “" in lines["write"]
    assert "may be shared with this account to read only" in lines["write"]
    assert "does not let ana at" in lines["read"]
    assert "(HTTP 404): check the address" in lines["missing"]
    assert f"on to another host (localhost:{server.port})" in lines["moved"]
    assert all(host in text for text in lines.values())
    writes: list[str] = []

    def gone(method: str, path: str) -> Any:
        if method in ("PUT", "DELETE"):
            writes.append(path)
            return "gone" if len(writes) == 2 else None
        return None

    cut = _faulty_push(runner, server, gone, "--done", "2024-06-02", *calendar)
    assert cut.exit_code == 1
    assert cut.stderr.count("\n") == 1
    assert cut.stderr.startswith("Error: cannot reach 127.0.0.1:")
    plan = (DATE, "--name", "Ana Faults", "--years", "1", "--done", "2024-06-02", *calendar)
    again = _push(runner, server, *plan)
    assert again.exit_code == 0, again.output
    assert _push(runner, server, *plan).stdout.startswith(
        "0 added, 0 updated, 0 removed, 3 unchanged"
    )


def test_a_name_the_server_keeps_escaped_is_found(runner: CliRunner, server: Server) -> None:
    """A server that gives a calendar's name back XML-escaped once more (`A &amp; B` as
    DAViCal does) still has the calendar called `A & B`: no new calendar on every push."""
    name = _unique("Ana & Bo")
    assert _push(runner, server, DATE, "--name", "Ana Amp", "--calendar", name).exit_code == 0

    def escaped(method: str, path: str) -> Any:
        if method == "PROPFIND":
            return lambda body: body.replace(b"&amp;", b"&amp;amp;")
        return None

    again = _faulty_push(runner, server, escaped, "--calendar", name)
    assert again.exit_code == 0, again.output
    assert len(_calendars(server, name)) == 1


def test_an_empty_password_variable_is_named(runner: CliRunner, server: Server) -> None:
    """FOLLOWUP_CALDAV_PASSWORD set but empty is said so, exit 2, before any traffic."""
    result = _push(runner, server, DATE, "--name", "Ana", password="")
    assert result.exit_code == 2, result.output
    assert "FOLLOWUP_CALDAV_PASSWORD" in result.stderr
    assert "it is set but empty" in result.stderr


@contextlib.contextmanager
def _statuses() -> Iterator[list[int]]:
    """The status of every HTTP answer meanwhile, refused logins included."""
    import niquests

    seen: list[int] = []
    original = niquests.Session.request

    def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = original(self, *args, **kwargs)
        seen.append(int(answer.status_code or 0))
        return answer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(niquests.Session, "request", request)
        yield seen


def test_the_login_goes_with_the_first_request(
    server: Server, xandikos: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over https the password goes with the first request: no 401 at all (and a private
    authority named by SSL_CERT_FILE is trusted, as --ca-file). Over http one 401 the
    first time; later connections of the process to that server send it at once."""
    monkeypatch.setattr(caldav_store, "_AUTH_KNOWN", {})
    monkeypatch.setenv("FOLLOWUP_CALDAV_PASSWORD", USERS["ana"])
    plan = _plan("Ana Login")
    with _statuses() as seen:
        with caldav_store.connected(Target(xandikos.url, "ana", ca_file=xandikos.ca_file)) as dav:
            push_to(dav, *plan, _unique("Login"))
        assert seen
        assert 401 not in seen
        seen.clear()
        monkeypatch.setenv("SSL_CERT_FILE", str(xandikos.ca_file))
        with caldav_store.connected(Target(xandikos.url, "ana")) as dav:  # no --ca-file
            assert dav.find(_unique("None")) is None
        seen.clear()
        for _ in range(2):
            with caldav_store.connected(Target(server.url, "ana")) as dav:
                push_to(dav, *plan, _unique("Login"))
        assert seen.count(401) == 1
        assert seen[1] != 401


def test_a_uid_conflict_the_server_cannot_place_is_one_line(
    runner: CliRunner, server: Server
) -> None:
    """A 412 no-uid-conflict on a new event whose copy the server does not show (a UID search
    finds nothing) stops the push with one line naming the visit, never "run push again"."""
    refusal = (
        b'<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        b"<C:no-uid-conflict/></D:error>"
    )

    def taken(method: str, path: str) -> Any:
        return (412, _XML, refusal) if method == "PUT" else None

    result = _faulty_push(runner, server, taken, "--calendar", _unique("Taken"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "the calendar already holds this event under another name" in result.stderr
    assert "run push again" not in result.stderr


def test_a_server_that_wants_digest_is_asked_its_way(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over https the basic login goes first; a server that answers 401 offering only
    Digest gets the login its way on the next request, not "refused the login"."""
    import ssl

    import trustme

    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    seen: list[str] = []

    class Digest(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_PROPFIND(self) -> None:
            given = self.headers.get("Authorization") or ""
            seen.append(given.split(" ")[0])
            self.send_response(404 if given.startswith("Digest") else 401)
            if not given.startswith("Digest"):
                self.send_header("WWW-Authenticate", 'Digest realm="cal", nonce="n1", qop="auth"')
            self.send_header("Content-Length", "0")
            self.end_headers()

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Digest)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    web.socket = context.wrap_socket(web.socket, server_side=True)
    thread = threading.Thread(target=web.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    monkeypatch.setattr(caldav_store, "_AUTH_KNOWN", {})
    try:
        url = f"https://127.0.0.1:{web.server_address[1]}/"
        args = ["push", DATE, "--name", "Ana", "--caldav", url, "--user", "ana"]
        env = {"FOLLOWUP_CALDAV_PASSWORD": "secret"}
        result = runner.invoke(app, [*args, "--ca-file", str(ca_file)], env=env)
    finally:
        web.shutdown()
        web.server_close()
    assert seen[0] == "Basic"
    assert "Digest" in seen
    assert "(HTTP 404)" in result.stderr


def test_a_booked_time_on_the_same_day_stays_without_a_word(store: CalendarStore) -> None:
    """A visit booked on the phone at 08:30–09:15 of its day keeps its time when the plan's
    words change (another language): the day is the plan's, so nothing is reported."""
    name = _unique("Booked")
    schedule, options = _plan("Ana Booked")
    push_to(store, schedule, options, name)

    def booked(text: str) -> str:
        text = text.replace("DTSTART;VALUE=DATE:20250131", "DTSTART:20250131T083000Z")
        return text.replace("DTEND;VALUE=DATE:20250201", "DTEND:20250131T091500Z")

    _edit(store, name, "20250131", booked)
    report = push_to(store, schedule, replace(options, lang="es"), name)
    assert (_counts(report), report.notes) == ((0, 4, 0, 0), [])
    fourth = _visit_on(store, name, "(4 de 4)")
    assert fourth.decoded("DTSTART") == datetime(2025, 1, 31, 8, 30, tzinfo=UTC)
    assert _counts(push_to(store, schedule, replace(options, lang="es"), name)) == (0, 0, 0, 4)


def test_the_keyring_service_names_host_and_port() -> None:
    """Two servers on one host are two keyring entries; the scheme's own port is left out,
    so an entry kept for an account's usual address still serves."""
    assert Target("https://caldav.icloud.com").keyring_service == "followup:caldav.icloud.com"
    assert Target("https://cal.example.org:443/").keyring_service == "followup:cal.example.org"
    assert Target("http://localhost:5232/").keyring_service == "followup:localhost:5232"
    assert Target("https://localhost:5233/").keyring_service == "followup:localhost:5233"


def test_a_plan_of_two_streams_is_pushed_and_recorded_per_stream() -> None:
    """A colorectal plan's two streams go in as one object per visit, each stream with its
    own UIDs; a visit recorded for the visit stream then updates that stream only, and
    pushing the same plan again changes nothing."""
    from followup._protocols import preset
    from followup._schedule import Recorded

    protocol = preset("nccn-colon-2022-stage-iv")
    store = MemoryStore()
    first = make_schedule(date(2024, 1, 31), protocol=protocol, years=1, name="Ana Streams")
    options = RenderOptions(remind=7, stamp=STAMP)
    report = push_to(store, first, options, "Streams")
    assert _counts(report)[0] == len(first.visits) == 8
    assert len(_uids(_held(store, "Streams"))) == 8
    recorded = make_schedule(
        date(2024, 1, 31),
        protocol=protocol,
        years=1,
        name="Ana Streams",
        done=[Recorded(date(2024, 5, 6), "visit")],
        today=date(2024, 5, 7),
    )
    changed = push_to(store, recorded, options, "Streams")
    written = {change.name for change in changed.changes}
    pairs = zip(items(recorded, options), recorded.visits, strict=True)
    visit_stream = {item.name for item, visit in pairs if visit.stream.id == "visit"}
    assert written
    assert written <= visit_stream  # the CT stream's objects are not touched
    again = push_to(store, recorded, options, "Streams")
    assert _counts(again)[:3] == (0, 0, 0)


def test_visits_push_removed_are_not_taken_for_visits_a_person_deleted() -> None:
    """A visit recorded by mistake shortens the visit stream (push removes its last two
    visits); once the record is taken back, those visits come back as added, not "left
    deleted", although the CT objects push did not rewrite still list them."""
    from followup._protocols import preset
    from followup._schedule import Recorded

    protocol = preset("nccn-colon-2022-stage-iv")
    store = MemoryStore()

    def pushed(day: str, done: tuple[Recorded, ...] = ()) -> Report:
        schedule = make_schedule(
            date(2024, 1, 31), protocol=protocol, name="Ana Back", done=done, today=date(2026, 3, 2)
        )
        options = RenderOptions(remind=7, stamp=datetime.fromisoformat(f"{day}T09:00:00+00:00"))
        return push_to(store, schedule, options, "Back")

    pushed("2025-01-01")
    shorter = pushed("2025-02-01", (Recorded(date(2026, 3, 1), "visit"),))
    assert _counts(shorter)[2] > 0  # the visit stream lost its last visits
    back = pushed("2025-03-01")
    assert not [note for note in back.notes if "left deleted" in note]
    assert _counts(back)[0] == _counts(shorter)[2]  # each removed visit is added again


class _Lax(MemoryStore):
    """A server that takes a second object with a UID it already holds (as DAViCal does)."""

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        if etag is None and href in self.objects:
            raise Conflict(href)
        self.objects[href] = (f'"{next(self._versions)}"', text)


def test_a_plan_imported_under_other_names_is_adopted_on_a_lax_server_too() -> None:
    """The plan's file imported by a client (objects named as it likes) then pushed into a
    server that would store a UID twice: the real push, as its dry run said, updates or
    leaves those objects, and never adds a second copy."""
    from followup._export.ics import to_ics

    store = _Lax()
    schedule, options = _plan("Ana Imported")
    calendar = store.create("Imported")
    events = ICalendar.from_ical(to_ics(schedule, remind_days=7, stamp=STAMP)).events
    for number, event in enumerate(events):
        single = ICalendar()
        single.add("PRODID", "-//phone//EN")
        single.add("VERSION", "2.0")
        single.add_component(event)
        store.put(calendar.href_for(f"phone-{number}.ics"), single.to_ical().decode(), etag=None)
    dry = push_to(store, schedule, options, "Imported", dry_run=True)
    real = push_to(store, schedule, options, "Imported")
    assert _counts(dry)[0] == _counts(real)[0] == 0
    assert len(_held(store, "Imported")) == len(events)


def test_a_title_from_the_server_cannot_break_a_report_line() -> None:
    """A stored event whose SUMMARY holds a line break and a terminal escape (another
    client's doing) is named in the report on one line, the escape gone."""
    store = MemoryStore()
    schedule, options = _plan("Ana Title")
    push_to(store, schedule, options, "Title")
    (href, (etag, text)) = next(iter(sorted(store.objects.items())))
    hostile = ICalendar.from_ical(text)
    (event,) = hostile.events
    event["SUMMARY"] = "Booked\n\x1b[31mred"
    store.objects[href] = (etag, hostile.to_ical().decode())
    shorter = make_schedule(date(2024, 1, 31), years=1, name="Ana Title", done=(SCAN_DONE,))
    report = push_to(store, shorter, options, "Title", dry_run=True)
    for line in report.lines():
        assert "\n" not in line
        assert "\x1b" not in line

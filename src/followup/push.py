"""Pushing a plan into a calendar account over CalDAV, and keeping it in step there.

A front end beside the command line: it talks to the network only when asked
(`followup push`), and imports the `caldav` library only then. Each visit is a
calendar object of its own, cut from the .ics file `plan` writes, and named
after its UID behind a prefix derived from the plan's UID namespace, so that a
listing tells this plan's objects apart from everything else in the calendar.

A push reads the calendar, works out every change, then makes them: new visits
with `If-None-Match: *`, changed ones and removed ones with `If-Match` on the
ETag just read. A change made on the server meanwhile is reported, never
overwritten, and a push stopped half-way converges when it is run again.
"""

from __future__ import annotations

import contextlib
import getpass
import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn, cast
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from followup import i18n
from followup.errors import (
    InvalidOption,
    MissingDependency,
    MissingValue,
    PushFailed,
    install_command,
)
from followup.export import RenderOptions
from followup.export.ics import calendar_name, calendar_uid
from followup.i18n import _, ngettext
from followup.schedule import NAME_LIMIT, Schedule, clean_name

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from caldav.davclient import DAVClient
    from icalendar import Component, Event

__all__ = [
    "PASSWORD_VARIABLE",
    "TIMEOUT",
    "Action",
    "Change",
    "Item",
    "Report",
    "Stored",
    "Target",
    "changes",
    "items",
    "password_for",
    "prefix_for",
    "push",
]

TIMEOUT = 30.0  # seconds to wait for each answer from the server
PASSWORD_VARIABLE = "FOLLOWUP_CALDAV_PASSWORD"  # noqa: S105 (where it is read, not a password)
_CALENDAR_TYPE = "{urn:ietf:params:xml:ns:caldav}calendar"
_DISPLAY_NAME = "{DAV:}displayname"
_RESOURCE_TYPE = "{DAV:}resourcetype"
_ETAG = "{DAV:}getetag"


@dataclass(frozen=True)
class Target:
    """Where to push: an account's address (or a calendar's), who logs in, which calendar."""

    url: str
    user: str | None = None
    calendar: str | None = None

    @classmethod
    def parse(cls, url: str | None, user: str | None, calendar: str | None) -> Target:
        """The target the options describe; bad input (`InvalidOption`) before any traffic."""
        if url is None:
            hint = _("give the address of the calendar account, e.g. https://caldav.icloud.com")
            raise MissingValue("--caldav", hint)
        address = url.strip()
        try:
            parts = urlsplit(address)
            usable = bool(parts.hostname) and (parts.port is None or parts.port > 0)
        except ValueError:  # a port out of range, a broken IPv6 address
            usable = False
        if not usable or parts.scheme.lower() not in ("http", "https") or _unprintable(address):
            allowed = _("give an address that starts with https:// (or http://)")
            raise InvalidOption("--caldav", url, allowed)
        if parts.username is not None or parts.password is not None:
            allowed = _("leave the user name and password out of the address: use --user")
            shown = parts._replace(netloc=f"…@{parts.netloc.rpartition('@')[2]}").geturl()
            raise InvalidOption("--caldav", shown, allowed)
        return cls(address, _clean(user, "--user"), _clean(calendar, "--calendar"))

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def keyring_service(self) -> str:
        """The service under which the system keyring keeps this account's password."""
        return f"followup:{urlsplit(self.url).hostname}"


def _unprintable(text: str) -> bool:
    return any(c.isspace() or not c.isprintable() for c in text)


def _clean(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    cleaned = clean_name(text)
    if cleaned is None or len(cleaned) > NAME_LIMIT:
        reason = _("give from 1 to {limit} characters").format(limit=NAME_LIMIT)
        raise InvalidOption(option, text, reason)
    return cleaned


def password_for(target: Target) -> str | None:
    """The password: from the environment, else the system keyring, else asked for.

    None when no user logs in. With nothing to read and no terminal to ask on,
    `MissingValue` says where a password can come from.
    """
    if target.user is None:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    stored = _from_keyring(target.keyring_service, target.user)
    if stored:
        return stored
    if not _can_ask():
        hint = _(
            "set {variable}, keep it in the system keyring (service {service}), "
            "or run push in a terminal to be asked for it"
        )
        raise MissingValue(
            _("a password for {user}").format(user=target.user),
            hint.format(variable=PASSWORD_VARIABLE, service=target.keyring_service),
        )
    prompt = _("Password for {user} at {host}: ").format(user=target.user, host=target.host)
    return getpass.getpass(prompt)


def _can_ask() -> bool:
    """Whether a person is there to type a password: standard input is a terminal."""
    return sys.stdin.isatty()


def _from_keyring(service: str, user: str) -> str | None:
    """The password the system keyring keeps, when the keyring package is installed."""
    if importlib.util.find_spec("keyring") is None:
        return None
    try:
        keyring = importlib.import_module("keyring")
        found: object = keyring.get_password(service, user)
    except Exception:  # no usable backend, a locked keyring: ask instead
        return None
    return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Item:
    """One visit as the calendar object to store: its resource name, UID and text."""

    name: str
    uid: str
    text: str
    event: Event


def prefix_for(schedule: Schedule) -> str:
    """What the resource names of this plan's objects start with: from its UID namespace."""
    return f"followup-{calendar_uid(schedule).hex[:16]}-"


def items(schedule: Schedule, options: RenderOptions) -> list[Item]:
    """Each visit as a calendar of one event, the same events that `plan` writes to a file.

    Each has PRODID and VERSION, its event's UID and reminder, and no METHOD
    (RFC 4791 forbids one in stored objects). Visits the plan dropped are not
    sent cancelled, as in a file: in an account, their objects are deleted.
    """
    from icalendar import Calendar

    from followup.export.ics import PRODID, visit_events

    prefix = prefix_for(schedule)
    found = []
    with i18n.using(options.lang):
        events = visit_events(
            schedule,
            remind_days=options.remind,
            stamp=options.timestamp,
            namespace=calendar_uid(schedule),
        )
    for event in events:
        single = Calendar.new(prodid=PRODID)
        single.add_component(event)
        uid = str(event["UID"])
        found.append(Item(f"{prefix}{uid}.ics", uid, single.to_ical().decode(), event))
    return found


@dataclass(frozen=True)
class Stored:
    """One of this plan's objects as the server has it: where, its ETag and its text."""

    name: str
    url: str
    etag: str | None
    text: str | None = None


class Action(StrEnum):
    ADD = "add"
    UPDATE = "update"
    REMOVE = "remove"


@dataclass(frozen=True)
class Change:
    """One write to make: what, where, on which ETag, and what a person is told about it."""

    action: Action
    name: str
    label: str
    text: str | None = None
    etag: str | None = None


def _event(text: str | None) -> Event | None:
    from icalendar import Calendar

    try:
        events = Calendar.from_ical(text or "").events
    except ValueError:
        return None
    return events[0] if len(events) == 1 else None


def _label(event: Event | None, fallback: str) -> str:
    """A visit as a person knows it: its date and title."""
    if event is None or "DTSTART" not in event:
        return fallback
    return f"{event.decoded('DTSTART').isoformat()} {event.get('SUMMARY', '')}".strip()


def _values(event: Component, names: list[str]) -> tuple[tuple[str, tuple[bytes, ...]], ...]:
    def wire(value: Any) -> tuple[bytes, ...]:
        values = value if isinstance(value, list) else [value]
        return tuple(v.to_ical() if hasattr(v, "to_ical") else str(v).encode() for v in values)

    return tuple((name, wire(event[name]) if name in event else ()) for name in names)


def _same(ours: Event, theirs: Event | None) -> bool:
    """Whether the server's copy says what ours says, DTSTAMP aside.

    Only what we write is compared: a server may add properties of its own, and
    write lines its own way, without that counting as a change.
    """
    if theirs is None:
        return False
    names = [name for name in ours if name != "DTSTAMP"]
    alarm_names = sorted({name for alarm in ours.walk("VALARM") for name in alarm})

    def alarms(event: Event) -> list[Any]:
        return sorted(_values(alarm, alarm_names) for alarm in event.walk("VALARM"))

    return _values(ours, names) == _values(theirs, names) and alarms(ours) == alarms(theirs)


def changes(wanted: list[Item], stored: list[Stored]) -> tuple[list[Change], int]:
    """The writes that make the server hold `wanted` (this plan's objects), and how many match.

    `stored` is what the server holds of this plan; everything else is never
    touched. Additions come first and removals last, so that a push stopped
    part-way leaves an event too many rather than one too few.
    """
    there = {each.name: each for each in stored}
    made, unchanged = [], 0
    for item in wanted:
        old = there.get(item.name)
        if old is None:
            made.append(Change(Action.ADD, item.name, _label(item.event, item.name), item.text))
        elif _same(item.event, _event(old.text)):
            unchanged += 1
        else:
            label = _label(item.event, item.name)
            made.append(Change(Action.UPDATE, item.name, label, item.text, old.etag))
    kept = {item.name for item in wanted}
    for old in stored:
        if old.name not in kept:
            made.append(
                Change(Action.REMOVE, old.name, _label(_event(old.text), old.name), None, old.etag)
            )
    order = list(Action)
    made.sort(key=lambda change: (order.index(change.action), change.label))
    return made, unchanged


@dataclass(frozen=True)
class Report:
    """What a push did, or would do in a dry run: the changes, in the calendar named."""

    calendar: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    created: bool = False
    dry_run: bool = False

    def count(self, action: Action) -> int:
        return sum(change.action == action for change in self.changes)

    def summary(self) -> str:
        """`3 added, 1 updated, 1 removed, 14 unchanged in 'Follow-up visits – Ana'`."""
        added, updated, removed = (self.count(action) for action in Action)
        if self.dry_run:
            parts = [
                ngettext("{count} to add", "{count} to add", added),
                ngettext("{count} to update", "{count} to update", updated),
                ngettext("{count} to remove", "{count} to remove", removed),
            ]
        else:
            parts = [
                ngettext("{count} added", "{count} added", added),
                ngettext("{count} updated", "{count} updated", updated),
                ngettext("{count} removed", "{count} removed", removed),
            ]
        parts.append(ngettext("{count} unchanged", "{count} unchanged", self.unchanged))
        counts = (added, updated, removed, self.unchanged)
        text = ", ".join(part.format(count=n) for part, n in zip(parts, counts, strict=True))
        if self.dry_run:
            return _("Dry run, nothing changed: {counts} in {calendar!r}").format(
                counts=text, calendar=self.calendar
            )
        if self.created:
            return _("{counts} in {calendar!r}, a new calendar").format(
                counts=text, calendar=self.calendar
            )
        return _("{counts} in {calendar!r}").format(counts=text, calendar=self.calendar)

    def lines(self) -> list[str]:
        """The summary; in a dry run, each change that would be made before it."""
        if not self.dry_run:
            return [self.summary()]
        said = {
            Action.ADD: _("would add: {visit}"),
            Action.UPDATE: _("would update: {visit}"),
            Action.REMOVE: _("would remove: {visit}"),
        }
        shown = [said[change.action].format(visit=change.label) for change in self.changes]
        if self.created:
            shown.insert(0, _("would create the calendar {name!r}").format(name=self.calendar))
        return [*shown, self.summary()]


def _caldav() -> Any:
    """The caldav library, or how to install it."""
    try:
        import caldav
    except ImportError:
        message = _("pushing to a calendar account needs the caldav extra: {command}")
        raise MissingDependency(message.format(command=install_command("caldav"))) from None
    # The library logs what it finds odd; a person sees only our one line.
    logger = logging.getLogger("caldav")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
    return caldav


def push(
    schedule: Schedule, options: RenderOptions, target: Target, *, dry_run: bool = False
) -> Report:
    """Make the calendar hold this plan's visits, as `followup push` does.

    The calendar is `target.calendar` in the account (the plan's calendar name
    when None; created when missing), or the calendar at `target.url` itself.
    Raises `PushFailed` when the server cannot be used or refuses a change.
    """
    caldav = _caldav()
    with i18n.using(options.lang):
        name = target.calendar or calendar_name(schedule)
        wanted = items(schedule, options)
    secret = password_for(target)
    client = caldav.DAVClient(
        url=target.url,
        username=target.user,
        password=secret,
        timeout=TIMEOUT,
        ssl_verify_cert=True,
        enable_rfc6764=False,
    )
    with client, _reported(target):
        place = _calendar(client, target, name, create=not dry_run)
        stored = _read(client, place.url, prefix_for(schedule)) if place.url else []
        planned, unchanged = changes(wanted, stored)
        if not dry_run and place.url:
            for change in planned:
                _write(client, place.url, change, target)
    return Report(place.name, planned, unchanged, place.created, dry_run)


def _fail(message: str) -> NoReturn:
    raise PushFailed(message)


@contextlib.contextmanager
def _reported(target: Target) -> Iterator[None]:
    """Failures of the network, the login or the server, as one line that says which."""
    from caldav.lib import error
    from caldav.lib.http_sync import requests as http

    host = target.host
    try:
        yield
    except error.AuthorizationError as refused:
        status = refused.status or 401
        if target.user is None:
            _fail(
                _("{host} asks for a login (HTTP {status}): give --user").format(
                    host=host, status=status
                )
            )
        _fail(
            _("{host} refused the login (HTTP {status}): check --user and the password").format(
                host=host, status=status
            )
        )
    except http.exceptions.SSLError as failed:
        _fail(
            _("no secure connection to {host}: {reason}").format(host=host, reason=_cause(failed))
        )
    except http.exceptions.Timeout:
        _fail(
            _("{host} did not answer within {seconds:g} seconds").format(host=host, seconds=TIMEOUT)
        )
    except http.exceptions.RequestException as failed:
        _fail(_("cannot reach {host}: {reason}").format(host=host, reason=_cause(failed)))
    except error.DAVError as failed:
        _fail(
            _("{url} is not a CalDAV address: {reason}").format(
                url=target.url, reason=_reason(failed)
            )
        )


def _cause(failure: BaseException) -> str:
    """The innermost reason of a network failure, such as 'Connection refused'."""
    found, seen = str(failure), set()
    reason: BaseException | None = failure
    while reason is not None and id(reason) not in seen:
        seen.add(id(reason))
        if isinstance(reason, OSError) and reason.strerror:
            found = reason.strerror
        reason = reason.__cause__ or reason.__context__
    return found


def _reason(failure: Exception) -> str:
    status = getattr(failure, "status", None)
    return f"HTTP {status}" if status else type(failure).__name__


@dataclass(frozen=True)
class _Place:
    """The calendar pushed to: its address (None: a dry run would create it), its name."""

    url: str | None
    name: str
    created: bool = False


def _calendar(client: DAVClient, target: Target, name: str, *, create: bool) -> _Place:
    """The calendar `target` names, found by its address or its name; created when missing."""
    answer = client.propfind(target.url, props=[_RESOURCE_TYPE, _DISPLAY_NAME], depth=0)
    results = answer.parse_propfind() if answer.status == 207 else []
    if not results:
        _fail(
            _("{url} is not a CalDAV address: it answered HTTP {status}").format(
                url=target.url, status=answer.status
            )
        )
    found = results[0].properties
    if _CALENDAR_TYPE in (found.get(_RESOURCE_TYPE) or []):
        shown = found.get(_DISPLAY_NAME)
        if target.calendar is not None and target.calendar != shown:
            reason = _("{url} is itself a calendar, named {name!r}: leave out --calendar")
            raise InvalidOption(
                "--calendar", target.calendar, reason.format(url=target.url, name=shown)
            )
        return _Place(_folder(target.url), str(shown or target.url))
    principal = client.get_principal()
    named = [each for each in client.get_calendars(principal) if each.get_display_name() == name]
    if len(named) > 1:
        urls = ", ".join(str(each.url) for each in named)
        reason = _("{count} calendars have that name ({urls}): give the address of one as --caldav")
        raise InvalidOption("--calendar", name, reason.format(count=len(named), urls=urls))
    if named:
        return _Place(_folder(str(named[0].url)), name)
    if not create:
        return _Place(None, name, created=True)
    from caldav.lib.error import DAVError

    try:
        made = cast("Calendar", principal.make_calendar(name=name))  # a sync client's: no coroutine
    except DAVError as refused:
        reason = _("{host} did not create the calendar {name!r} ({reason}): create it, then push")
        _fail(reason.format(host=target.host, name=name, reason=_reason(refused)))
    return _Place(_folder(str(made.url)), name, created=True)


def _folder(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _name(href: str) -> str:
    return unquote(href.rstrip("/").rpartition("/")[2])


def _read(client: DAVClient, url: str, prefix: str) -> list[Stored]:
    """This plan's objects in the calendar, known by their names' prefix, with ETag and text."""
    listing = client.propfind(url, props=[_ETAG, _RESOURCE_TYPE], depth=1)
    if listing.status != 207:
        _fail(_("cannot list {url}: HTTP {status}").format(url=url, status=listing.status))
    ours = {
        _name(result.href): result.href
        for result in listing.parse_propfind()
        if _name(result.href).startswith(prefix) and not result.properties.get(_RESOURCE_TYPE)
    }
    if not ours:
        return []
    hrefs = "".join(f"<D:href>{escape(href)}</D:href>" for href in ours.values())
    query = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        f"<D:prop><D:getetag/><C:calendar-data/></D:prop>{hrefs}</C:calendar-multiget>"
    )
    answer = client.report(url, query, depth=None)
    if answer.status != 207:
        _fail(_("cannot read {url}: HTTP {status}").format(url=url, status=answer.status))
    return [
        Stored(_name(result.href), urljoin(url, result.href), result.etag, result.calendar_data)
        for result in answer.parse_calendar_query()
        if _name(result.href) in ours and result.calendar_data
    ]


def _write(client: DAVClient, url: str, change: Change, target: Target) -> None:
    """One change, on the condition that the object is as it was read."""
    where = urljoin(url, quote(change.name))
    headers = {"If-None-Match": "*"} if change.action == Action.ADD else {}
    if change.etag and change.action != Action.ADD:
        headers["If-Match"] = change.etag
    if change.action == Action.REMOVE:
        answer = client.delete(where, headers)
        if answer.status == 404:  # already gone: what was wanted
            return
    else:
        headers["Content-Type"] = "text/calendar; charset=utf-8"
        answer = client.put(where, change.text or "", headers)
    if answer.status == 412 or (answer.status == 409 and change.action != Action.ADD):
        _fail(
            _("{visit}: changed on the server since it was read; run push again").format(
                visit=change.label
            )
        )
    if answer.status == 409:
        reason = _(
            "{visit}: the calendar already holds this event under another name "
            "(imported from a file?): delete that copy, or push to another calendar"
        )
        _fail(reason.format(visit=change.label))
    if not 200 <= answer.status < 300:
        reason = _("{host} refused to write {visit}: HTTP {status}")
        _fail(reason.format(host=target.host, visit=change.label, status=answer.status))

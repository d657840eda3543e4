"""The seam between a push and the calendars it writes to: the `CalendarStore` protocol.

A store holds calendars, and each calendar holds calendar objects: one
iCalendar text each, at an address (its href) with an ETag that changes
whenever the object does. That is all a push needs of a CalDAV account, and
all an account in memory has to offer to run the same tests (the shape of
vdirsyncer's storages, smaller). What to write, and what a person is told,
is decided above the store; a store only reads and writes, and says when a
write did not go through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, unquote, urljoin

__all__ = [
    "ANY",
    "CalendarStore",
    "Conflict",
    "Refused",
    "Stored",
    "StoredCalendar",
    "UidTaken",
    "WriteFailed",
]

ANY = "*"  # an ETag that matches whatever version of the object is there (If-Match: *)


@dataclass(frozen=True)
class StoredCalendar:
    """A calendar in a store: its address (ending in "/") and the name people see."""

    href: str
    name: str

    def href_for(self, name: str) -> str:
        """The address of the object called `name` in this calendar."""
        return urljoin(self.href, quote(name))


@dataclass(frozen=True)
class Stored:
    """One calendar object as the store has it: where, its ETag, and its text (None: not read)."""

    href: str
    etag: str | None
    text: str | None = None

    @property
    def name(self) -> str:
        """The object's own name, the last part of its address: `followup-….ics`."""
        return unquote(self.href.rstrip("/").rpartition("/")[2])


class WriteFailed(Exception):
    """A write the store did not make."""


class Conflict(WriteFailed):
    """The object is not the one that was read: changed, added or removed meanwhile.

    CalDAV says so with 412 Precondition Failed (and some servers with 409 on a
    replacement).
    """


class UidTaken(WriteFailed):
    """A new object's UID is already in the calendar, under another name (409)."""


class Refused(WriteFailed):
    """The server would not write the object, for a reason of its own (an HTTP status)."""

    def __init__(self, host: str, status: int) -> None:
        super().__init__(f"{host}: HTTP {status}")
        self.host = host
        self.status = status


class CalendarStore(Protocol):
    """What a push reads and writes: calendars found by name, their objects by address.

    Writes are conditional, as with CalDAV's `If-Match` and `If-None-Match`,
    and raise `Conflict` (or `UidTaken`) instead of overwriting what another
    client wrote since it was read.
    """

    def find(self, name: str) -> StoredCalendar | None:
        """The calendar called `name`; None when there is none."""
        ...

    def holding(self, uid: str, *, skip: tuple[str, ...] = ()) -> StoredCalendar | None:
        """The calendar that holds an event with this UID, whatever its name; None if none.

        Calendars this store created itself, and those whose names start with one of
        `skip` (other plans' own calendars), are not searched.
        """
        ...

    def create(self, name: str) -> StoredCalendar:
        """A new, empty calendar called `name`."""
        ...

    def listing(self, calendar: StoredCalendar) -> list[Stored]:
        """Every object in the calendar, without its text (and its ETag when at hand)."""
        ...

    def get(self, hrefs: Sequence[str]) -> list[Stored]:
        """The objects at these addresses, with ETag and text; those not there are left out."""
        ...

    def with_uid(self, calendar: StoredCalendar, uid: str) -> Stored | None:
        """The object of the calendar whose event has this UID, with ETag and text, if any."""
        ...

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        """Write an object: a new one when `etag` is None, else over the version with that ETag.

        Raises `Conflict` when there is an object already (a new one) or it is
        not the version `etag` names (`ANY`: any version, as long as it is
        there); `UidTaken` when a new object's UID is in the calendar already.
        """
        ...

    def delete(self, href: str, *, etag: str) -> None:
        """Remove the object if it is the version `etag` names (else `Conflict`).

        An object that is already gone is no error: it is what was wanted.
        """
        ...

"""A calendar store in memory: what the push tests run on besides a real CalDAV server.

It keeps the rules a CalDAV server keeps (RFC 4791, RFC 7232) and that a push
relies on: an ETag that changes on every write, conditional writes that fail
with `Conflict` rather than overwrite, one object per UID in a calendar, and
no text stored that is not iCalendar with a UID.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from followup.push.store import ANY, Conflict, Refused, Stored, StoredCalendar, UidTaken

__all__ = ["MemoryStore"]


@dataclass
class MemoryStore:
    """Calendars and their objects in dictionaries: an account that lives as long as the value.

    `calendars`: address → name; `objects`: address → (ETag, text). Addresses
    are paths, `/calendars/1/followup-….ics`, as a CalDAV server's are.
    """

    calendars: dict[str, str] = field(default_factory=dict)
    objects: dict[str, tuple[str, str]] = field(default_factory=dict)
    _versions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def find(self, name: str) -> StoredCalendar | None:
        """The first calendar made with this name."""
        found = [href for href, named in self.calendars.items() if named == name]
        return StoredCalendar(found[0], name) if found else None

    def holding(self, uid: str, *, skip: tuple[str, ...] = ()) -> StoredCalendar | None:
        for href, name in self.calendars.items():
            if (
                not name.startswith(skip)
                and self.with_uid(StoredCalendar(href, name), uid) is not None
            ):
                return StoredCalendar(href, name)
        return None

    def create(self, name: str) -> StoredCalendar:
        href = f"/calendars/{len(self.calendars) + 1}/"
        self.calendars[href] = name
        return StoredCalendar(href, name)

    def listing(self, calendar: StoredCalendar) -> list[Stored]:
        return [
            Stored(href, etag)
            for href, (etag, _text) in sorted(self.objects.items())
            if _inside(href, calendar.href)
        ]

    def get(self, hrefs: Sequence[str]) -> list[Stored]:
        return [Stored(href, *self.objects[href]) for href in hrefs if href in self.objects]

    def with_uid(self, calendar: StoredCalendar, uid: str) -> Stored | None:
        for href, (etag, text) in sorted(self.objects.items()):
            if _inside(href, calendar.href) and _uid(text) == uid:
                return Stored(href, etag, text)
        return None

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        there = self.objects.get(href)
        if etag is None and there is not None:  # If-None-Match: *
            raise Conflict(href)
        if etag is not None and (there is None or etag not in (ANY, there[0])):  # If-Match
            raise Conflict(href)
        uid = _uid(text)
        if uid is None:  # as a server answers a text it cannot store: 400 Bad Request
            raise Refused("memory", 400)
        folder = href.rpartition("/")[0] + "/"
        for other, (_etag, held) in self.objects.items():
            if other != href and _inside(other, folder) and _uid(held) == uid:
                raise UidTaken(href) if etag is None else Conflict(href)
        self.objects[href] = (f'"{next(self._versions)}"', text)

    def delete(self, href: str, *, etag: str) -> None:
        there = self.objects.get(href)
        if there is None:  # already gone
            return
        if etag not in (ANY, there[0]):
            raise Conflict(href)
        del self.objects[href]


def _inside(href: str, folder: str) -> bool:
    """Whether the object at `href` is right in the calendar at `folder`."""
    return href.startswith(folder) and "/" not in href[len(folder) :]


def _uid(text: str) -> str | None:
    """The UID of the object's event (None: it has none, or is not iCalendar)."""
    from icalendar import Calendar

    try:
        components = [each for each in Calendar.from_ical(text).subcomponents if "UID" in each]
    except ValueError:
        return None
    return str(components[0]["UID"]) if components else None

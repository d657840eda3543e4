"""Pushing a plan into a calendar account over CalDAV, and keeping it in step there.

A front end beside the command line: it talks to the network only when asked
(`followup push`), and imports the `caldav` library only then. The push itself
(`sync`: the plan's objects, the changes, what is said) reads and writes
through a `CalendarStore` (`store`): a CalDAV account (`caldav`) for real, or
calendars in memory (`memory`), on which the same tests run. Who logs in where,
and with which password, is `account`'s.
"""

from __future__ import annotations

from datetime import date

from followup import _i18n as i18n
from followup._export import RenderOptions
from followup._export.ics import calendar_name
from followup._schedule import Schedule
from followup.push.account import PASSWORD_VARIABLE, Target, password_for
from followup.push.caldav import CalDAVStore, connected
from followup.push.memory import MemoryStore
from followup.push.store import (
    CalendarStore,
    Conflict,
    Refused,
    Stored,
    StoredCalendar,
    UidTaken,
    WriteFailed,
)
from followup.push.sync import (
    PUSHED,
    Action,
    Change,
    Item,
    Report,
    changes,
    items,
    person_prefix,
    prefix_for,
    push_to,
)

__all__ = [
    "PASSWORD_VARIABLE",
    "PUSHED",
    "Action",
    "CalDAVStore",
    "CalendarStore",
    "Change",
    "Conflict",
    "Item",
    "MemoryStore",
    "Refused",
    "Report",
    "Stored",
    "StoredCalendar",
    "Target",
    "UidTaken",
    "WriteFailed",
    "changes",
    "items",
    "password_for",
    "person_prefix",
    "prefix_for",
    "push",
    "push_to",
]


def push(
    schedule: Schedule,
    options: RenderOptions,
    target: Target,
    *,
    dry_run: bool = False,
    restore: bool = False,
    replace: date | None = None,
) -> Report:
    """Make the calendar hold this plan's visits, as `followup push` does.

    The calendar is `target.calendar` in the account (the plan's calendar name
    when None, in whichever language it was pushed before, else the calendar
    that holds its events under another name; created when missing), or the
    calendar at `target.url` itself. Raises `PushFailed` when
    the server cannot be used or refuses a change.
    """
    with i18n.using(options.lang):
        name = target.calendar or calendar_name(schedule)
    aliases = [] if target.calendar else _names_in_every_language(schedule)
    with connected(target) as store:
        return push_to(
            store,
            schedule,
            options,
            name,
            dry_run=dry_run,
            restore=restore,
            replace=replace,
            aliases=aliases,
            by_uid=target.calendar is None,
        )


def _names_in_every_language(schedule: Schedule) -> list[str]:
    """The plan's default calendar name in each language: a push in another finds it."""
    found: list[str] = []
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            name = calendar_name(schedule)
        if name not in found:
            found.append(name)
    return found

"""Plans from settings: the path every front end takes, and the Python API's core.

`schedule_for` turns checked `Settings` into a `Schedule`: it fills in the
defaults, loads the protocol file or the holiday calendar the settings name
(through a `Loads` the caller may keep for a whole run), and reports a problem
found while planning for the field it concerns, as that field's origin spells it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup import _i18n as i18n
from followup._dates import Holidays
from followup._errors import MissingValue
from followup._export import FormatName, Paper, RenderOptions, format_named
from followup._files import read_text
from followup._i18n import _
from followup._protocols import DEFAULT_PROTOCOL, Protocol, preset
from followup._schedule import Next, Schedule, make_schedule
from followup._settings import KEYS, ProtocolChoice, Settings

__all__ = [
    "Loads",
    "Plan",
    "load_protocol",
    "load_protocol_file",
    "make_plan",
    "plan",
    "render",
    "schedule_for",
]


def load_protocol_file(path: Path) -> Protocol:
    """A centre's protocol, read from its TOML file."""
    from followup._protocol_file import parse_protocol

    return parse_protocol(read_text(path, _("that is a folder, not a protocol file")), path)


def load_protocol(choice: ProtocolChoice | None) -> Protocol:
    """The protocol a setting names: the default, a preset by id, or a protocol file."""
    if choice is None:
        return DEFAULT_PROTOCOL
    if isinstance(choice, Path):
        return load_protocol_file(choice)
    return preset(choice)


@dataclass
class Loads:
    """Protocol files and holiday calendars read during one run, each read once.

    A roster names the same few again and again; a new `Loads` per run (the
    default) never serves a file that changed since.
    """

    protocols: dict[ProtocolChoice | None, Protocol] = field(default_factory=dict)
    calendars: dict[tuple[str, str], Holidays] = field(default_factory=dict)

    def protocol(self, choice: ProtocolChoice | None) -> Protocol:
        if choice not in self.protocols:
            self.protocols[choice] = load_protocol(choice)
        return self.protocols[choice]

    def holidays(self, code: str, language: str) -> Holidays:
        """A country's or region's public holidays, named in `language`."""
        if (code, language) not in self.calendars:
            from followup._public_holidays import public_holidays

            self.calendars[code, language] = public_holidays(code, language)
        return self.calendars[code, language]


def schedule_for(
    settings: Settings, today: date | None = None, loads: Loads | None = None
) -> Schedule:
    """The schedule the settings ask for, with the defaults where they say nothing.

    `today` bounds the scans done (none may be later); `loads` keeps files read
    for the next call. Messages and holiday names speak the settings' language.
    """
    if settings.treatment_date is None:
        raise MissingValue(_("the treatment date"), _("give it as YYYY-MM-DD"), "treatment_date")
    loads = loads or Loads()
    language = settings.lang or i18n.current()
    with i18n.using(language), settings.reported():
        protocol = loads.protocol(settings.protocol).choose(
            early_interval=settings.early_interval, early_years=settings.early_years
        )
        holidays = loads.holidays(settings.holidays, language) if settings.holidays else None
        return make_schedule(
            settings.treatment_date,
            protocol=protocol.with_tracks(settings.tracks or ()),
            years=settings.value("years"),
            weekends=settings.value("weekends"),
            name=settings.name,
            done=settings.done or (),
            today=today,
            holidays=holidays,
        )


@dataclass(frozen=True)
class Plan:
    """One person's plan: the settings it was made from, its schedule, and the day it is
    seen from (statuses, reminders in the past). It knows its language and reminders,
    so it renders itself in any format without being told them again.
    """

    settings: Settings
    schedule: Schedule
    today: date

    @property
    def lang(self) -> str:
        return self.settings.lang or "en"

    @property
    def remind(self) -> int:
        days: int = self.settings.value("remind")
        return days

    def next(self) -> Next:
        """The visit to book as seen on the plan's day: due, overdue or upcoming."""
        return self.schedule.next_from(self.today)

    def render(
        self,
        format: FormatName = "ics",
        *,
        paper: Paper = Paper.A4,
        stamp: datetime | None = None,
        calendar_id: str | None = None,
        width: int = 120,
    ) -> bytes:
        """The plan in `format`, in its language and with its reminders; `stamp` is when
        the file is made (now by default), `calendar_id` who it is for in a roster."""
        options = RenderOptions.for_settings(
            self.settings, paper=paper, stamp=stamp, width=width, calendar_id=calendar_id
        )
        return format_named(format, "format").render(self.schedule, options)


def make_plan(settings: Settings, today: date, loads: Loads | None = None) -> Plan:
    """The plan `settings` ask for, seen from `today`: what every front end shows."""
    settings = replace(settings, lang=settings.lang or i18n.current())
    return Plan(settings, schedule_for(settings, today, loads), today)


def plan(
    treatment_date: date | str | None = None, *, today: date | None = None, **settings: Any
) -> Plan:
    """The plan for a treatment date and settings given by name, checked as everywhere:
    `plan("2025-03-14", name="Ana", weekends="next", holidays="ES", lang="es")`.

    Raises `InvalidSetting` for an unknown name or a value its field refuses.
    `today` is the day the plan is seen from (the system's date by default).
    """
    checked = Settings.from_mapping({"treatment_date": treatment_date, **settings}, KEYS)
    return make_plan(checked, today or date.today())


def render(
    what: Plan | Schedule, format: FormatName, options: RenderOptions | None = None
) -> bytes:
    """A plan, in its own language and with its reminders, in the format named `format`.

    A bare `Schedule` knows neither its language nor its reminders, so it is rendered
    only with `options` that say them: never silently in English with the default
    reminder.
    """
    if isinstance(what, Plan) and options is None:
        return what.render(format)
    if options is None:
        raise TypeError(
            "a Schedule does not know its language or reminders: render a Plan "
            "(followup.plan, make_plan), or give RenderOptions"
        )
    return format_named(format, "format").render(
        what.schedule if isinstance(what, Plan) else what, options
    )

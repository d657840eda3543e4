"""Plans from settings: the path every front end takes, and the Python API's core.

`schedule_for` turns checked `Settings` into a `Schedule`: it fills in the
defaults, loads the protocol file or the holiday calendar the settings name
(through a `Loads` the caller may keep for a whole run), and reports a problem
found while planning for the field it concerns, as that field's origin spells it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followup import i18n
from followup.dates import Holidays
from followup.errors import MissingValue
from followup.files import read_text
from followup.i18n import _
from followup.protocols import DEFAULT_PROTOCOL, Protocol, preset
from followup.schedule import Schedule, plan
from followup.settings import DEFAULT_WEEKENDS, DEFAULT_YEARS, ProtocolChoice, Settings

__all__ = ["Loads", "load_protocol", "load_protocol_file", "schedule_for"]


def load_protocol_file(path: Path) -> Protocol:
    """A centre's protocol, read from its TOML file."""
    from followup.protocol_file import parse_protocol

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
            from followup.public_holidays import public_holidays

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
        raise MissingValue(
            "TREATMENT_DATE",
            _("give the treatment date as YYYY-MM-DD, or a patient file with --from"),
            "treatment_date",
        )
    loads = loads or Loads()
    language = settings.lang or i18n.current()
    with i18n.using(language), settings.reported():
        protocol = loads.protocol(settings.protocol).choose(
            early_interval=settings.early_interval, early_years=settings.early_years
        )
        holidays = loads.holidays(settings.holidays, language) if settings.holidays else None
        return plan(
            settings.treatment_date,
            protocol=protocol.with_tracks(settings.tracks or ()),
            years=DEFAULT_YEARS if settings.years is None else settings.years,
            weekends=DEFAULT_WEEKENDS if settings.weekends is None else settings.weekends,
            name=settings.name,
            done=settings.done or (),
            today=today,
            holidays=holidays,
        )

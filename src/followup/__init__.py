"""followup: imaging follow-up schedules after cancer treatment, from published guidelines.

    >>> from datetime import date
    >>> import followup
    >>> ana = followup.plan("2025-03-14", name="Ana", years=5, lang="es", remind=7,
    ...                     today=date(2025, 5, 1))
    >>> [visit.date.isoformat() for visit in ana.schedule.visits[:2]]
    ['2025-06-16', '2025-09-15']
    >>> ana.next().visit.number, ana.next().days_until
    (1, 46)
    >>> ics = ana.render("ics")  # in Spanish, with reminders 7 days before

`plan` checks its settings as every way in does (`Settings`) and returns a
`Plan`: the settings, the `Schedule` of `Visit`s and the day it is seen from; a
plan renders itself in any of `FORMATS`. `PRESETS` are the sourced protocols
and `load_protocol_file` reads a centre's own; `make_schedule` plans from typed
values. `run_roster` plans a clinic's roster: `Row`s from memory or from
`read_roster` (an .xlsx or CSV file), each patient's files into a destination such
as `FilesInMemory`; `worklist` lists who to call, in calling order, and
`render_worklist` makes that list a file (`write_worklist` writes it into one as
it is read); `roster_template` is a roster to fill in.
`followup.cli` is the command line, `followup.web` the web app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from followup._api import (
    Loads,
    Plan,
    load_protocol,
    load_protocol_file,
    make_plan,
    plan,
    render,
    schedule_for,
)
from followup._dates import Weekends, parse_date
from followup._errors import (
    FollowupError,
    InvalidDate,
    InvalidFile,
    InvalidOption,
    InvalidSetting,
    MissingDependency,
    MissingValue,
    UnusableOutput,
)
from followup._export import FORMATS, Format, FormatName, Paper, RenderOptions
from followup._i18n import Language
from followup._protocols import (
    DEFAULT_PROTOCOL,
    IBERO_AMERICAN_2025,
    PRESETS,
    Phase,
    Protocol,
    Source,
    Stream,
)
from followup._schedule import Next, Schedule, Standing, Status, Visit, make_schedule
from followup._settings import FIELDS, Field, Settings

if TYPE_CHECKING:
    __version__: str

    from followup._clinic_files import render_worklist, roster_template, write_worklist
    from followup._dates import Holidays
    from followup._public_holidays import Place
    from followup._roster import (
        Destination,
        FilesInMemory,
        Outcome,
        RosterJob,
        RosterReport,
        run_roster,
    )
    from followup._roster_file import Row, UnusableRoster, read_roster
    from followup._worklist import CallOutcome, WorkItem, Worklist, WorkState, worklist


__all__ = [
    "DEFAULT_PROTOCOL",
    "FIELDS",
    "FORMATS",
    "IBERO_AMERICAN_2025",
    "PRESETS",
    "CallOutcome",
    "Destination",
    "Field",
    "FilesInMemory",
    "FollowupError",
    "Format",
    "FormatName",
    "InvalidDate",
    "InvalidFile",
    "InvalidOption",
    "InvalidSetting",
    "Language",
    "Loads",
    "MissingDependency",
    "MissingValue",
    "Next",
    "Outcome",
    "Paper",
    "Phase",
    "Plan",
    "Protocol",
    "RenderOptions",
    "RosterJob",
    "RosterReport",
    "Row",
    "Schedule",
    "Settings",
    "Source",
    "Standing",
    "Status",
    "Stream",
    "UnusableOutput",
    "UnusableRoster",
    "Visit",
    "Weekends",
    "WorkItem",
    "WorkState",
    "Worklist",
    "__version__",
    "holiday_places",
    "holidays_of",
    "load_protocol",
    "load_protocol_file",
    "make_plan",
    "make_schedule",
    "parse_date",
    "plan",
    "protocol",
    "read_roster",
    "render",
    "render_worklist",
    "roster_template",
    "run_roster",
    "schedule_for",
    "worklist",
    "write_worklist",
]


def holidays_of(code: str, language: str = "en") -> Holidays:
    """A country's (`PT`) or region's (`ES-MD`) public holidays, for
    `make_schedule(holidays=...)`; `plan` takes the code itself (`holidays="ES-MD"`).

    (Not named after its module, `followup._public_holidays`, which would replace
    it as an attribute of the package once imported.)
    """
    # Imported when asked for: the holidays package takes long to load.
    from followup._public_holidays import public_holidays as load

    return load(code, language)


def holiday_places(country: str | None = None, language: str = "en") -> tuple[Place, ...]:
    """What `followup holidays` lists: every country with public holidays (code, name in
    `language`), or the regions of one country (`ES-MD`, `Madrid`)."""
    from followup import _public_holidays as public_holidays

    if country is None:
        return public_holidays.countries(language)
    return public_holidays.regions(country.strip().upper())


def protocol(choice: str) -> Protocol:
    """What `followup protocols show` shows: a preset by its id, or a centre's protocol file
    (`.toml`), checked as the `protocol` setting is."""
    return load_protocol(Settings.from_mapping({"protocol": choice}).protocol)


# Roster runs load when first asked for: a single plan, the command line's
# usual work, does without them (start-up time is budgeted).
_ROSTER = {
    **dict.fromkeys(
        ("Destination", "FilesInMemory", "Outcome", "RosterJob", "RosterReport", "run_roster"),
        "_roster",
    ),
    **dict.fromkeys(("Row", "UnusableRoster", "read_roster"), "_roster_file"),
    **dict.fromkeys(("CallOutcome", "WorkItem", "WorkState", "Worklist", "worklist"), "_worklist"),
    **dict.fromkeys(("render_worklist", "roster_template", "write_worklist"), "_clinic_files"),
}

if not TYPE_CHECKING:  # type checkers read the imports above, and catch a misspelt name

    def __getattr__(name: str) -> object:
        if name == "__version__":  # read from the installed metadata when asked: it is slow
            from importlib.metadata import version

            return version("followup")
        if name not in _ROSTER:
            raise AttributeError(f"module 'followup' has no attribute {name!r}")
        from importlib import import_module

        return getattr(import_module(f"followup.{_ROSTER[name]}"), name)

    def __dir__() -> list[str]:
        return sorted({*globals(), *_ROSTER, "__version__"})

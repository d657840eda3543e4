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
values. `followup.cli` is the command line, `followup.web` the web app.
"""

from __future__ import annotations

from importlib.metadata import version as _installed_version
from typing import TYPE_CHECKING

from followup.api import (
    Loads,
    Plan,
    load_protocol,
    load_protocol_file,
    make_plan,
    plan,
    render,
    schedule_for,
)
from followup.dates import Weekends, parse_date
from followup.errors import (
    FollowupError,
    InvalidDate,
    InvalidFile,
    InvalidOption,
    InvalidSetting,
    MissingDependency,
    MissingValue,
    UnusableOutput,
)
from followup.export import FORMATS, Format, FormatName, Paper, RenderOptions
from followup.i18n import Language
from followup.protocols import (
    DEFAULT_PROTOCOL,
    IBERO_AMERICAN_2025,
    PRESETS,
    Phase,
    Protocol,
    Source,
    Track,
)
from followup.schedule import Next, Schedule, Standing, Status, Visit, make_schedule
from followup.settings import FIELDS, Field, Settings

if TYPE_CHECKING:
    from followup.dates import Holidays
    from followup.public_holidays import Place

__version__ = _installed_version("followup")

__all__ = [
    "DEFAULT_PROTOCOL",
    "FIELDS",
    "FORMATS",
    "IBERO_AMERICAN_2025",
    "PRESETS",
    "Field",
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
    "Paper",
    "Phase",
    "Plan",
    "Protocol",
    "RenderOptions",
    "Schedule",
    "Settings",
    "Source",
    "Standing",
    "Status",
    "Track",
    "UnusableOutput",
    "Visit",
    "Weekends",
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
    "render",
    "schedule_for",
]


def holidays_of(code: str, language: str = "en") -> Holidays:
    """A country's (`PT`) or region's (`ES-MD`) public holidays, for `plan(holidays=...)`.

    (Not named after its module, `followup.public_holidays`, which would replace
    it as an attribute of the package once imported.)
    """
    # Imported when asked for: the holidays package takes long to load.
    from followup.public_holidays import public_holidays as load

    return load(code, language)


def holiday_places(country: str | None = None, language: str = "en") -> tuple[Place, ...]:
    """What `followup holidays` lists: every country with public holidays (code, name in
    `language`), or the regions of one country (`ES-MD`, `Madrid`)."""
    from followup import public_holidays

    if country is None:
        return public_holidays.countries(language)
    return public_holidays.regions(country.strip().upper())


def protocol(choice: str) -> Protocol:
    """What `followup protocols show` shows: a preset by its id, or a centre's protocol file
    (`.toml`), checked as the `protocol` setting is."""
    return load_protocol(Settings.from_mapping({"protocol": choice}).protocol)

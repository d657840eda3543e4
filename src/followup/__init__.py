"""followup: imaging follow-up schedules after cancer treatment, from published guidelines.

    >>> from datetime import date
    >>> import followup
    >>> settings = followup.Settings.from_mapping(
    ...     {"treatment_date": "2025-03-14", "name": "Ana", "years": 5}
    ... )
    >>> schedule = followup.schedule_for(settings)
    >>> [visit.date.isoformat() for visit in schedule.visits[:2]]
    ['2025-06-16', '2025-09-15']
    >>> upcoming = schedule.next_from(date(2025, 5, 1))
    >>> upcoming.visit.number, upcoming.days_until
    (1, 46)
    >>> ics = followup.render(schedule, "ics", followup.RenderOptions(lang="es", remind=7))

`Settings` checks what a plan is made from; `schedule_for` turns settings into
a `Schedule` of `Visit`s (`plan` does the same from typed values); `render`
writes a schedule in one of `FORMATS`; `PRESETS` are the sourced protocols and
`load_protocol_file` reads a centre's own. `followup.cli` is the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from followup.api import Loads, load_protocol, load_protocol_file, schedule_for
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
from followup.export import FORMATS, Format, Paper, RenderOptions, render
from followup.protocols import (
    DEFAULT_PROTOCOL,
    IBERO_AMERICAN_2025,
    PRESETS,
    Phase,
    Protocol,
    Source,
    Track,
)
from followup.schedule import Next, Schedule, Standing, Status, Visit, plan
from followup.settings import FIELDS, Field, Settings

if TYPE_CHECKING:
    from followup.dates import Holidays

__all__ = [
    "DEFAULT_PROTOCOL",
    "FIELDS",
    "FORMATS",
    "IBERO_AMERICAN_2025",
    "PRESETS",
    "Field",
    "FollowupError",
    "Format",
    "InvalidDate",
    "InvalidFile",
    "InvalidOption",
    "InvalidSetting",
    "Loads",
    "MissingDependency",
    "MissingValue",
    "Next",
    "Paper",
    "Phase",
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
    "holidays_of",
    "load_protocol",
    "load_protocol_file",
    "parse_date",
    "plan",
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

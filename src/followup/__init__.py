"""followup: imaging follow-up schedules after cancer treatment, from published guidelines.

The core is pure: `plan()` turns a treatment date and a `Protocol` into a
`Schedule` of `Visit`s; exporters in `followup.export` turn a schedule into
files; `followup.cli` is the command line.
"""

from followup.dates import Weekends, parse_date
from followup.errors import FollowupError, InvalidDate, InvalidOption, UnusableOutput
from followup.protocols import IBERO_AMERICAN_2025, Phase, Protocol, Source
from followup.schedule import Schedule, Visit, plan

__all__ = [
    "IBERO_AMERICAN_2025",
    "FollowupError",
    "InvalidDate",
    "InvalidOption",
    "Phase",
    "Protocol",
    "Schedule",
    "Source",
    "UnusableOutput",
    "Visit",
    "Weekends",
    "parse_date",
    "plan",
]

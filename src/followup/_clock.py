"""The clock: read by each front end once, at the start of a run or a request, and passed
down, so that nothing below asks the time and one run sees one day."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import NamedTuple

from followup._errors import InvalidOption
from followup._i18n import _

__all__ = ["Moment", "now", "stamp"]

_YEAR_10000 = 253402300800  # 10000-01-01T00:00:00Z, the end of what datetime represents


def stamp() -> datetime:
    """When a file is made (DTSTAMP, a sheet's footer): from SOURCE_DATE_EPOCH when set,
    for byte-identical rebuilds, else now, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    # Refused rather than ignored: a build that asked for a fixed time must not get another.
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) >= _YEAR_10000:
        reason = _("use a whole number of seconds since 1970, before the year 10000")
        raise InvalidOption("SOURCE_DATE_EPOCH", epoch, reason)
    return datetime.fromtimestamp(int(epoch), UTC)


class Moment(NamedTuple):
    """The clock as one run or request reads it: the day plans are seen from, and the stamp
    of the files it makes."""

    today: date
    stamp: datetime


def now() -> Moment:
    """The clock, read once."""
    return Moment(date.today(), stamp())

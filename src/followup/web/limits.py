"""How much one request may carry, set by environment variables when the app starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from followup._errors import InvalidOption
from followup._i18n import _

__all__ = ["Limits", "size_text"]

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds on a request; a body over its bound is answered 413.

    `body_bytes`: a form or JSON request, and a plan file;
    `upload_bytes`: a roster on the Clinic page; `roster_rows`: its patients;
    `plan_visits`: the visits (events, rows) one plan may hold, tracks included;
    `head_bytes` and `head_seconds`: a request's line and headers, in size and in
    time from the connection or the request's first byte (`followup serve` only);
    `body_seconds`: the time a request's body may take to arrive.
    """

    body_bytes: int = 64 * 1024
    upload_bytes: int = 2 * MEGABYTE
    roster_rows: int = 5000
    plan_visits: int = 500
    head_bytes: int = 16 * 1024
    head_seconds: int = 10
    body_seconds: int = 60

    VARIABLES: ClassVar[Mapping[str, str]] = {
        "body_bytes": "FOLLOWUP_WEB_MAX_BODY_BYTES",
        "upload_bytes": "FOLLOWUP_WEB_MAX_UPLOAD_BYTES",
        "roster_rows": "FOLLOWUP_WEB_MAX_ROSTER_ROWS",
        "plan_visits": "FOLLOWUP_WEB_MAX_PLAN_VISITS",
        "head_bytes": "FOLLOWUP_WEB_MAX_HEAD_BYTES",
        "head_seconds": "FOLLOWUP_WEB_HEAD_TIMEOUT",
        "body_seconds": "FOLLOWUP_WEB_BODY_TIMEOUT",
    }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The defaults, with each variable that is set in place of its default.

        A value that is not a positive whole number stops the app from starting:
        a limit nobody meant would be worse.
        """
        values: dict[str, int] = {}
        for name, variable in cls.VARIABLES.items():
            text = environ.get(variable)
            if text is None:
                continue
            if not (text.strip().isascii() and text.strip().isdigit()) or int(text) < 1:
                reason = _("give a whole number greater than 0")
                raise InvalidOption(variable, text, reason)
            values[name] = int(text)
        return cls(**values)

    def for_path(self, path: str) -> int:
        """The largest body a request to `path` may send."""
        if path.rstrip("/").endswith(("/clinic", "/clinic/worklist")):
            # The roster, and room for the form's other fields and the multipart framing.
            return self.upload_bytes + self.body_bytes
        return self.body_bytes


def size_text(size: int) -> str:
    """`64 KB`, `2 MB`: a limit as a person reads it."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.3g} MB"
    return f"{max(1, round(size / 1024))} KB"

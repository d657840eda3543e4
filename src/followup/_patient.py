"""The patient file: one person's settings, kept in TOML.

    treatment_date = 2024-01-31
    name = "Ana"
    protocol = "ibero-american-2025"   # a preset id, or a protocol file
    early_interval = 4
    years = 10
    weekends = "next"
    holidays = "ES-MD"
    done = [2024-06-03, 2024-09-30]
    lang = "es"
    [[tracks]]
    exam = "Brain MRI"
    every_months = 12

The keys are the settings' names (`followup._settings.FIELDS`), checked by the
same converters as the command line's options, so a mistake is reported with
the file and the key it is in. Dates may be TOML dates or "YYYY-MM-DD" strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from followup._errors import InvalidFile
from followup._i18n import _
from followup._schedule import Recorded
from followup._settings import FIELDS, Settings

__all__ = ["PatientFile", "parse_patient", "to_toml"]


@dataclass(frozen=True)
class PatientFile:
    """Settings kept in a patient file: `ana.toml: key 'years': …`."""

    path: Path

    def message(self, field: str, problem: str) -> str:
        return _("{path}: key {key!r}: {problem}").format(
            path=self.path, key=field, problem=problem
        )


def parse_patient(text: str, path: Path) -> Settings:
    """Read the TOML text of the patient file at `path` (named in messages)."""
    import tomllib  # here, so that runs without a patient file never load it

    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        raise InvalidFile(path, _("not a valid TOML file ({error})").format(error=error)) from None
    return Settings.from_mapping(data, PatientFile(path))


def to_toml(settings: Settings) -> str:
    """The patient file that `parse_patient` reads back as the same settings.

    Keys in the schema's order; a setting that says nothing is left out.
    """
    lines: list[str] = []
    tables: list[str] = []
    for declared in FIELDS:
        value = getattr(settings, declared.name)
        if value is None:
            continue
        if declared.name == "tracks":
            for track in value:
                tables += ["", "[[tracks]]", f"exam = {_string(track.exam)}"]
                tables.append(f"every_months = {track.every_months}")
        else:
            lines.append(f"{declared.name} = {_toml_value(value)}")
    return "\n".join(lines + tables) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, Recorded):  # a TOML date for the lead stream, else `ct:2025-06-20`
        return value.day.isoformat() if value.stream is None else _string(str(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return _string(str(value))  # text, a weekend rule, a protocol file's path


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but for DEL, which TOML escapes too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")

"""The Plan page's form: what was typed, the raw settings it makes, and problems by input.

The inputs carry the settings' names (`treatment_date`, `done`, …). A few
settings take more than one input: `holidays` is a country and a region,
`done` and `tracks` have a row each. What the person typed is kept as text, so
that the form comes back exactly as it was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from followup._errors import FollowupError, InvalidSetting, MissingValue
from followup._schedule import MAX_DONE, MAX_TRACKS
from followup._settings import FIELDS, Settings
from followup.web.text import t

__all__ = ["FORM", "OTHER", "SINGLE", "Form", "PlanForm"]

# Inputs that hold one value each: every setting that is not a list, as declared, and
# the holidays' region; `done` (with each row's `done_stream`), `tracks.exam` and
# `tracks.every_months` repeat.
SINGLE = (
    *(declared.name for declared in FIELDS if declared.shape.schema.get("type") != "array"),
    "holidays_region",
)
# The settings the page lays out by hand (with their own widgets); any other declared
# setting gets a plain input of its declared type, after these.
LAID_OUT = frozenset(
    {
        "treatment_date",
        "name",
        "protocol",
        "early_interval",
        "early_years",
        "years",
        "weekends",
        "holidays",
        "done",
        "tracks",
        "remind",
        "lang",
        "chart_lang",
    }
)
FIELD_NAMES = frozenset(declared.name for declared in FIELDS)
OTHER = tuple(declared.name for declared in FIELDS if declared.name not in LAID_OUT)
# Rows a form may hold: one more than the settings take, so that a form with too
# many rows is told so, and no request can send more.
MOST_DONE = MAX_DONE + 1
MOST_TRACKS = MAX_TRACKS + 1
# Where a problem with a setting, or a part of one, is shown.
_INPUT_OF = {"tracks": "tracks", "tracks.exam": "tracks", "tracks.every_months": "tracks"}


@dataclass(frozen=True)
class Form:
    """Settings typed into a web form: the page shows the problem next to its field."""

    def message(self, field: str, problem: str) -> str:
        return problem


FORM = Form()


@dataclass
class PlanForm:
    """The form as typed: one text per single input, a list per repeated one."""

    values: dict[str, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    tracks: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, object], lists: Mapping[str, list[object]]) -> PlanForm:
        """The form from a request: `form` gives each input's value, `lists` every value."""
        values = {name: _text(form.get(name)) for name in SINGLE}
        days = [_text(value) for value in lists.get("done", [])][:MOST_DONE]
        # Each row's stream, when the page offered a choice of them: `ID:DATE` for the
        # core; the first stream's (an empty choice) stays a bare date.
        streams = [_text(value).strip() for value in lists.get("done_stream", [])][:MOST_DONE]
        streams += [""] * (len(days) - len(streams))
        done = [
            f"{stream}:{day.strip()}" if stream and day.strip() and ":" not in day else day
            for day, stream in zip(days, streams, strict=False)
        ]
        exams = [_text(value) for value in lists.get("tracks.exam", [])][:MOST_TRACKS]
        every = [_text(value) for value in lists.get("tracks.every_months", [])][:MOST_TRACKS]
        every += [""] * (len(exams) - len(every))
        # A row left empty says nothing: the page adds one empty row of its own.
        tracks = [
            (exam, months)
            for exam, months in zip(exams, every, strict=False)
            if exam.strip() or months.strip()
        ]
        return cls(values, done, tracks)

    @classmethod
    def of(cls, settings: Settings) -> PlanForm:
        """The form that gives `settings`: for a plan file opened on the page."""
        values = {name: _shown(getattr(settings, name)) for name in SINGLE if name in FIELD_NAMES}
        holidays = settings.holidays or ""
        values["holidays"] = holidays.partition("-")[0]
        values["holidays_region"] = holidays if "-" in holidays else ""
        done = [str(recorded) for recorded in settings.done or ()]
        tracks = [(track.exam, str(track.every_months)) for track in settings.tracks or ()]
        return cls(values, done, tracks)

    def raw(self) -> dict[str, object]:
        """The raw settings for `Settings.from_mapping`; an empty input says nothing."""
        raw: dict[str, object] = {
            name: value.strip()
            for name, value in self.values.items()
            if value.strip() and name not in ("holidays", "holidays_region")
        }
        country = self.values.get("holidays", "").strip()
        region = self.values.get("holidays_region", "").strip()
        if country:
            # A region left from another country (the country changed without
            # JavaScript to refresh the regions) is set aside: the country stands.
            same = region.upper().startswith(country.upper() + "-")
            raw["holidays"] = region if same else country
        done = [day.strip() for day in self.done if day.strip()]
        if done:
            raw["done"] = done
        tracks = [
            {"exam": exam, "every_months": every.strip()}
            for exam, every in self.tracks
            if exam.strip() or every.strip()
        ]
        if tracks:
            raw["tracks"] = tracks
        return raw

    def refuse(self, error: FollowupError) -> None:
        """Show `error` next to the input it concerns."""
        if isinstance(error, InvalidSetting):
            self.errors[_INPUT_OF.get(error.field, error.field.partition(".")[0])] = error.problem
        elif isinstance(error, MissingValue) and error.field == "treatment_date":
            self.errors["treatment_date"] = t("plan.missing_date")
        elif isinstance(error, MissingValue) and error.field:
            self.errors[_INPUT_OF.get(error.field, error.field)] = str(error)
        else:
            self.errors["form"] = str(error)

    def with_rows(self, action: str) -> PlanForm:
        """The form after a row button without JavaScript: `add` a scan row, `remove:N` one."""
        if action == "add" and len(self.done) < MAX_DONE:
            self.done.append("")
        elif action.startswith("remove:") and action[7:].isdigit():
            index = int(action[7:])
            if 0 <= index < len(self.done):
                del self.done[index]
        return self


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Path):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)

"""The API's request and error bodies as JSON Schema, for /openapi.json.

Written from the settings schema's names, presets and limits, so the document
describes what `Settings.from_mapping` accepts. The schema only describes:
every value is still checked by the settings' own converters.
"""

from __future__ import annotations

from typing import Any

from followup.dates import Weekends
from followup.i18n import LANGUAGES
from followup.protocols import PRESETS
from followup.schedule import (
    MAX_DONE,
    MAX_MONTHS,
    MAX_REMIND_DAYS,
    MAX_TRACKS,
    MAX_YEARS,
    NAME_LIMIT,
)
from followup.settings import FIELDS

__all__ = ["ERROR", "NEXT_REQUEST", "PLAN_REQUEST", "body"]

_DATE = {"type": "string", "format": "date", "example": "2025-03-14"}
_PROPERTIES: dict[str, dict[str, Any]] = {
    "treatment_date": _DATE,
    "name": {"type": "string", "maxLength": NAME_LIMIT, "example": "Ana"},
    "protocol": {"type": "string", "enum": list(PRESETS)},
    "early_interval": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS},
    "early_years": {"type": "integer", "minimum": 1, "maximum": MAX_YEARS},
    "years": {"type": "integer", "minimum": 1, "maximum": MAX_YEARS},
    "weekends": {"type": "string", "enum": [rule.value for rule in Weekends]},
    "remind": {"type": "integer", "minimum": 0, "maximum": MAX_REMIND_DAYS},
    "holidays": {"type": "string", "example": "ES-MD", "maxLength": 10},
    "done": {"type": "array", "items": _DATE, "maxItems": MAX_DONE},
    "tracks": {
        "type": "array",
        "maxItems": MAX_TRACKS,
        "items": {
            "type": "object",
            "properties": {
                "exam": {"type": "string", "minLength": 1, "maxLength": NAME_LIMIT},
                "every_months": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS},
            },
            "required": ["exam", "every_months"],
            "additionalProperties": False,
        },
    },
    "lang": {"type": "string", "enum": list(LANGUAGES)},
    "chart_lang": {"type": "string", "enum": list(LANGUAGES)},
}
if set(_PROPERTIES) != {declared.name for declared in FIELDS}:
    raise RuntimeError("the API schema must describe every setting, and nothing else")

# Limits that depend on the protocol chosen, which a schema cannot state alone.
_BY_PROTOCOL = (
    " The values allowed depend on the protocol: its first phase's range, as "
    "/api/protocols lists it; any other is answered 422."
)
_NOTES = {"early_interval": _BY_PROTOCOL, "early_years": _BY_PROTOCOL}

PLAN_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        name: {**schema, "description": declared.help_text() + _NOTES.get(name, "")}
        for declared in FIELDS
        for name, schema in [(declared.name, _PROPERTIES[declared.name])]
    },
    "required": ["treatment_date"],
    "additionalProperties": False,
}
NEXT_REQUEST: dict[str, Any] = {
    **PLAN_REQUEST,
    "properties": {
        **PLAN_REQUEST["properties"],
        "today": {**_DATE, "description": "The day to count from; the server's date if absent."},
    },
}
ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "field": {"type": ["string", "null"]},
                "message": {"type": "string"},
            },
            "required": ["field", "message"],
        }
    },
    "required": ["error"],
}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """An operation's `requestBody`, for FastAPI's `openapi_extra`."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}

"""The API's request and error bodies as JSON Schema, for /openapi.json.

Written from each setting's declaration (`Field.json_schema`): the same types and
limits that the settings' converters keep, so the document promises what the
server enforces. The API also keeps the JSON types it states (see `api._typed`).
"""

from __future__ import annotations

from typing import Any

from followup._settings import FIELDS, Field, field_named

__all__ = ["ERROR", "NEXT_REQUEST", "PLAN_REQUEST", "body"]

# Limits that depend on the protocol chosen, which a schema cannot state alone.
_BY_PROTOCOL = (
    " The values allowed depend on the protocol: its first phase's range, as "
    "/api/protocols lists it; any other is answered 422."
)
_NOTES = {"early_interval": _BY_PROTOCOL, "early_years": _BY_PROTOCOL}


def _property(declared: Field) -> dict[str, Any]:
    schema = declared.json_schema()
    return {**schema, "description": schema["description"] + _NOTES.get(declared.name, "")}


# Every setting, as its field declares it: the server keeps these types and limits.
PLAN_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {declared.name: _property(declared) for declared in FIELDS},
    "required": ["treatment_date"],
    "additionalProperties": False,
}
NEXT_REQUEST: dict[str, Any] = {
    **PLAN_REQUEST,
    "properties": {
        **PLAN_REQUEST["properties"],
        "today": {
            **field_named("treatment_date").shape.schema,
            "description": "The day to count from; the server's date if absent.",
        },
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

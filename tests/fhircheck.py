"""What every FHIR file we write must satisfy, checked three ways.

1. The `fhir.resources` R4B models read it and write back the same JSON (R4B
   keeps R4's `CarePlan.activity.detail`, which R5 removed).
2. The official FHIR R4 JSON Schema (`fhir.schema.json`, draft-06), as the npm
   package in tests/interop ships it, validates it with `jsonschema`.
3. Our own assertions: every code (`Bundle.type`, `CarePlan.status` and
   `intent`, each activity's `kind` and `status`) is in its closed value set,
   which neither of the two above checks for all of them.

Under CI a missing validator fails the test; elsewhere it skips, saying how to
install it (see `conftest.missing`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from followup._export.fhir import (
    ACTIVITY_KINDS,
    ACTIVITY_STATUSES,
    BUNDLE_TYPES,
    CAREPLAN_INTENTS,
    CAREPLAN_STATUSES,
)

from .conftest import missing

SCHEMA = (
    Path(__file__).parent
    / "interop"
    / "node_modules"
    / "@asymmetrik"
    / "fhir-json-schema-validator"
    / "fhir.schema.json"
)


@functools.cache
def _validator() -> Any:
    try:
        import jsonschema
    except ImportError:
        missing("jsonschema", "pip install -e '.[dev]'")
    if not SCHEMA.is_file():
        missing("the FHIR R4 JSON Schema", "npm ci --prefix tests/interop")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # R4 is 4.0: a package that shipped another release's schema would be caught here.
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0", schema["id"]
    assert "CarePlan_Detail" in schema["definitions"]
    return jsonschema.Draft6Validator(schema)


def schema_errors(document: dict[str, Any]) -> list[str]:
    """What the official R4 JSON Schema finds wrong with `document`, the worst first."""
    import jsonschema

    validator = _validator()
    best = jsonschema.exceptions.best_match(validator.iter_errors(document))
    return [] if best is None else [f"{list(best.absolute_path)}: {best.message[:300]}"]


def round_trip(document: dict[str, Any]) -> dict[str, Any]:
    """`document` read by the R4B models and written back, as JSON."""
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:
        missing("fhir.resources", "pip install -e '.[dev]'")
    model = Bundle.model_validate(document)
    written: dict[str, Any] = json.loads(model.model_dump_json(by_alias=True, exclude_none=True))
    return written


def code_errors(document: dict[str, Any]) -> list[str]:
    """Every code of the Bundle that is not in its closed value set."""
    found = []
    if document.get("type") not in BUNDLE_TYPES:
        found.append(f"Bundle.type {document.get('type')!r}")
    for entry in document.get("entry", []):
        plan = entry["resource"]
        if plan.get("status") not in CAREPLAN_STATUSES:
            found.append(f"CarePlan.status {plan.get('status')!r}")
        if plan.get("intent") not in CAREPLAN_INTENTS:
            found.append(f"CarePlan.intent {plan.get('intent')!r}")
        for activity in plan.get("activity", []):
            detail = activity["detail"]
            if detail.get("kind") not in ACTIVITY_KINDS:
                found.append(f"activity.detail.kind {detail.get('kind')!r}")
            if detail.get("status") not in ACTIVITY_STATUSES:
                found.append(f"activity.detail.status {detail.get('status')!r}")
    return found


def check_fhir(data: bytes) -> dict[str, Any]:
    """The Bundle in `data`, after all three checks pass."""
    document: dict[str, Any] = json.loads(data)
    assert round_trip(document) == document
    assert schema_errors(document) == []
    assert code_errors(document) == []
    assert document["resourceType"] == "Bundle"
    assert [entry["resource"]["resourceType"] for entry in document["entry"]] == ["CarePlan"]
    return document


def care_plan(document: dict[str, Any]) -> dict[str, Any]:
    plan: dict[str, Any] = document["entry"][0]["resource"]
    return plan

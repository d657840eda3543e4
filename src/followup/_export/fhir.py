"""FHIR R4 (4.0.1): the plan as a `Bundle` of type `collection` holding one `CarePlan`.

R4, not R5: R5 removed `CarePlan.activity.detail`, and R4 is what record systems
run. Each visit is an activity whose `detail` is a `ServiceRequest` with its
window as `scheduledPeriod`; extra tracks are activities of their own, and the
visits that counting from the scans done dropped stay in, cancelled.

Identifiers are the calendar's (see `export/ics.py`): the CarePlan's id is the
plan's calendar UID and each activity's id is its visit's event UID, so a
record and a calendar name the same visit alike, across re-plans, and nothing
personal can be read from them. The person appears only as the name or
initials given, as `subject.display`; no identifier is invented for them.

Every code comes from a closed value set that FHIR binds as required; the sets
are written out below, once, and the tests check each code against them.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from followup import _i18n as i18n
from followup import _wording as wording
from followup._errors import MissingValue
from followup._export.ics import calendar_uid, visit_uid
from followup._export.note import note_items
from followup._i18n import _
from followup._schedule import Schedule, Standing, Visit

__all__ = [
    "ACTIVITY_KINDS",
    "ACTIVITY_STATUSES",
    "BUNDLE_TYPES",
    "CAREPLAN_INTENTS",
    "CAREPLAN_STATUSES",
    "FHIR_VERSION",
    "STATUS_OF",
    "to_fhir",
]

FHIR_VERSION = "4.0.1"
# The value sets FHIR R4 binds these elements to (all "required"), as the spec lists them.
BUNDLE_TYPES = frozenset(
    {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    }
)
CAREPLAN_STATUSES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CAREPLAN_INTENTS = frozenset({"proposal", "plan", "order", "option"})
ACTIVITY_KINDS = frozenset(
    {
        "Appointment",
        "CommunicationRequest",
        "DeviceRequest",
        "MedicationRequest",
        "NutritionOrder",
        "Task",
        "ServiceRequest",
        "VisionPrescription",
    }
)
ACTIVITY_STATUSES = frozenset(
    {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    }
)
# Where a visit stands, as an activity's status. "scheduled" is a visit the plan
# dates; "not-started" the overdue one; "unknown" one whose window closed with
# nothing recorded, most likely done (followup does not call it overdue either).
STATUS_OF: Mapping[Standing, str] = {
    Standing.DONE: "completed",
    Standing.DUE: "scheduled",
    Standing.UPCOMING: "scheduled",
    Standing.OVERDUE: "not-started",
    Standing.NOT_RECORDED: "unknown",
}
CANCELLED = "cancelled"

_DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
_XHTML = "http://www.w3.org/1999/xhtml"


def _namespace(schedule: Schedule, calendar_id: str | None) -> uuid.UUID:
    if calendar_id is None and schedule.name is None:
        raise MissingValue(
            _("a name or initials"),
            _(
                "a FHIR plan needs one (initials are enough), so that two people's plans "
                "with the same treatment date never share identifiers"
            ),
            "name",
        )
    return calendar_uid(schedule, calendar_id)


def _description(schedule: Schedule, visit: Visit) -> str:
    """`Visit 3 of 19, due 2025-12-14, shown 2025-12-15 (Monday)`."""
    facts = {
        "number": visit.number,
        "total": schedule.count(visit),
        "due": visit.due_date.isoformat(),
        "date": visit.date.isoformat(),
        "weekday": wording.weekday(visit.date),
    }
    if visit.done:
        text = _("Visit {number} of {total}, due {due}, done {date} ({weekday})")
    elif visit.moved:
        text = _("Visit {number} of {total}, due {due}, shown {date} ({weekday})")
    else:
        text = _("Visit {number} of {total}, due {date} ({weekday})")
    text = text.format(**facts) + "."
    return f"{text} {wording.track_note()}" if visit.stream.by_choice else text


def _dropped_description(visit: Visit) -> str:
    return _(
        "Visit {number}, shown {date} ({weekday}) before the scans done were counted: "
        "no longer in the plan."
    ).format(number=visit.number, date=visit.date.isoformat(), weekday=wording.weekday(visit.date))


def _activity(
    schedule: Schedule, visit: Visit, namespace: uuid.UUID, *, dropped: bool = False
) -> dict[str, Any]:
    """One visit as `CarePlan.activity`, named by its calendar UID."""
    opens, closes = visit.window
    standing = schedule.standing_of(visit)
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "code": {"text": wording.exam(schedule, visit)},
        "status": CANCELLED if dropped else STATUS_OF[standing],
    }
    if dropped:
        detail["statusReason"] = {"text": _("no longer in the plan")}
    elif standing in (Standing.OVERDUE, Standing.NOT_RECORDED):
        detail["statusReason"] = {"text": wording.standing_label(standing)}
    detail["scheduledPeriod"] = {"start": opens.isoformat(), "end": closes.isoformat()}
    detail["description"] = (
        _dropped_description(visit) if dropped else _description(schedule, visit)
    )
    return {"id": visit_uid(schedule, visit, namespace), "detail": detail}


def _narrative(schedule: Schedule) -> dict[str, str]:
    """The clinic note as the CarePlan's human-readable text."""
    lines = note_items(schedule)
    paragraphs = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    return {"status": "generated", "div": f'<div xmlns="{_XHTML}">{paragraphs}</div>'}


def _subject(schedule: Schedule) -> dict[str, Any]:
    """The name or initials given; else a reference that says the person is not named here."""
    if schedule.name:
        return {"display": schedule.name}
    return {"extension": [{"url": _DATA_ABSENT, "valueCode": "unknown"}]}


def _ended(schedule: Schedule) -> bool:
    today = schedule.today
    return today is not None and schedule.next_from(today).standing is Standing.ENDED


def care_plan(schedule: Schedule, namespace: uuid.UUID) -> dict[str, Any]:
    """The plan as a FHIR R4 CarePlan, in the active language."""
    source = schedule.protocol.source
    about = [fact for fact in wording.about(schedule) if fact.key not in {"rule", "notice"}]
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(namespace),
        "language": i18n.current(),
        "text": _narrative(schedule),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": namespace.urn}],
    }
    if source.url:
        plan["instantiatesUri"] = [source.url]
    plan |= {
        "status": "completed" if _ended(schedule) else "active",
        "intent": "plan",
        "title": wording.title(schedule),
        "description": f"{wording.rule(schedule)} {wording.disclaimer()}",
        "subject": _subject(schedule),
        "period": {
            "start": schedule.treatment_date.isoformat(),
            "end": schedule.end_date.isoformat(),
        },
        "activity": [
            *(_activity(schedule, visit, namespace) for visit in schedule.visits),
            *(_activity(schedule, visit, namespace, dropped=True) for visit in schedule.dropped),
        ],
        "note": [{"text": f"{fact.label}: {fact.text}"} for fact in about],
    }
    return plan


def to_fhir(schedule: Schedule, *, stamp: datetime, calendar_id: str | None = None) -> str:
    """The schedule as a FHIR R4 Bundle (JSON); `stamp` (UTC) is the Bundle's timestamp.

    `calendar_id` stands for the person in the identifiers when the plan has no name.
    """
    namespace = _namespace(schedule, calendar_id)
    utc = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "entry": [{"fullUrl": namespace.urn, "resource": care_plan(schedule, namespace)}],
    }
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"

"""The access report (issue 8, item 10): for one patient, who viewed and who changed what, when, from where.

Views come from the access log (clinic/audit); changes from the trigger-based history (django-pghistory) of the
patient's own rows: the registry entry, their intakes and the self-referrals merged into them. Both are merged
on one timeline, newest first. Changes list the names of the fields that changed, not their values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from clinic.audit.models import AccessEvent
from patients.models import Intake, IntakeRequest, Patient

CHANGE = "change"
KINDS = [(value, label) for value, label in AccessEvent.Action.choices] + [(CHANGE, "Changed")]
HISTORY_IGNORED = {"id", "updated_at", "pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_obj_id",
                   "pgh_context", "pgh_context_id", "drafts"}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    who: str
    kind: str  # an AccessEvent action, or "change"
    kind_label: str
    what: str
    where: str
    detail: str = ""


def patient_access_timeline(*, patient: Patient, start: datetime.date | None = None,
                            end: datetime.date | None = None, actor=None, kind: str = "") -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    if kind != CHANGE:
        entries += _views(patient, start=start, end=end, actor=actor, kind=kind)
    if kind in ("", CHANGE):
        entries += _changes(patient, start=start, end=end, actor=actor)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _views(patient, *, start, end, actor, kind) -> list[TimelineEntry]:
    events = AccessEvent.objects.filter(Q(patient_id=patient.public_id) | Q(patient_ids__contains=[patient.public_id]))
    if start:
        events = events.filter(occurred_at__date__gte=start)
    if end:
        events = events.filter(occurred_at__date__lte=end)
    if actor is not None:
        events = events.filter(actor=actor)
    if kind:
        events = events.filter(action=kind)
    return [TimelineEntry(when=e.occurred_at, who=e.actor_label, kind=e.action, kind_label=e.get_action_display(),
                          what=e.object_type + (" (a list of patients)" if e.patient_ids else ""),
                          where=e.ip_address or "") for e in events]


def _history_sources(patient):
    """(label, event queryset) for each tracked row of the patient's."""
    return [
        ("registry entry", Patient.pgh_event_model.objects.filter(pgh_obj_id=patient.pk)),
        ("intake", Intake.pgh_event_model.objects.filter(patient_id=patient.pk)),
        ("intake request", IntakeRequest.pgh_event_model.objects.filter(patient_id=patient.pk)),
    ]


def _changes(patient, *, start, end, actor) -> list[TimelineEntry]:
    rows = []
    for label, events in _history_sources(patient):
        previous_by_obj = {}
        for event in events.select_related("pgh_context").order_by("pgh_id"):
            previous = previous_by_obj.get(event.pgh_obj_id)
            previous_by_obj[event.pgh_obj_id] = event
            rows.append((label, event, _changed_fields(event, previous)))
    users = get_user_model().objects.in_bulk(
        {_meta(e).get("user") for _, e, _ in rows if isinstance(_meta(e).get("user"), int)})
    entries = []
    for label, event, changed in rows:
        meta = _meta(event)
        user = users.get(meta.get("user")) if isinstance(meta.get("user"), int) else None
        day = event.pgh_created_at.date()
        if (start and day < start) or (end and day > end) or (actor is not None and user != actor):
            continue
        who = str(user) if user else ("Patient link or system" if not meta.get("user") else "Former user")
        entries.append(TimelineEntry(
            when=event.pgh_created_at, who=who, kind=CHANGE, kind_label="Created" if event.pgh_label == "insert"
            else "Changed", what=label, where=meta.get("ip") or "", detail=", ".join(changed)))
    return entries


def _meta(event) -> dict:
    context = event.pgh_context
    return context.metadata if context is not None and isinstance(context.metadata, dict) else {}


def _changed_fields(event, previous) -> list[str]:
    names = [f for f in event._meta.fields if f.name not in HISTORY_IGNORED and not f.name.startswith("pgh_")]
    if previous is None:
        return []
    return [str(f.verbose_name) for f in names if getattr(event, f.attname) != getattr(previous, f.attname)]

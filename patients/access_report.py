"""The access report (issue 8, item 10): for one patient, who viewed and who changed what, when, from where.

Views come from the access log (clinic/audit); changes from the trigger-based history (django-pghistory) of the
patient's own rows: the registry entry, their intakes and the self-referrals merged into them. Both are merged
on one timeline, newest first. Changes list the names of the fields that changed, not their values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

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
                            end: datetime.date | None = None, actor=None, kind: str = "") -> AccessTimeline:
    views = _views(patient, start=start, end=end, actor=actor, kind=kind) if kind != CHANGE else None
    changes = _changes(patient, start=start, end=end, actor=actor) if kind in ("", CHANGE) else []
    return AccessTimeline(views, changes)


class AccessTimeline:
    """The timeline, newest first, as a sequence a ``Paginator`` pages without reading every view: a patient's
    views grow with every page that names them (the day board, lists), so PostgreSQL counts them and a page
    reads only the newest views down to its last row. Changes (a registry entry, an intake, a few edits) are
    read whole, to be merged in. Iterating reads everything (the CSV export)."""

    def __init__(self, views: QuerySet[AccessEvent] | None, changes: list[TimelineEntry]):
        self.views, self.changes = views, changes

    def count(self) -> int:
        return (self.views.count() if self.views is not None else 0) + len(self.changes)

    def __getitem__(self, rows: slice) -> list[TimelineEntry]:
        views = self.views[:rows.stop] if self.views is not None else []
        return self._merged(views)[rows]

    def __iter__(self):
        return iter(self._merged(self.views if self.views is not None else []))

    def _merged(self, views) -> list[TimelineEntry]:
        return sorted([*map(_view_entry, views), *self.changes], key=lambda entry: entry.when, reverse=True)


def _views(patient, *, start, end, actor, kind) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.filter(Q(patient_id=patient.public_id) | Q(patient_ids__contains=[patient.public_id]))
    if start:
        events = events.filter(occurred_at__date__gte=start)
    if end:
        events = events.filter(occurred_at__date__lte=end)
    if actor is not None:
        events = events.filter(actor=actor)
    if kind:
        events = events.filter(action=kind)
    # The report reads whether an event came from a list page, not whom else that list named: its patient_ids
    # (up to every patient of a page) read as UUID objects cost more than the rest of the report (issue 13).
    return events.only("occurred_at", "actor_label", "action", "object_type", "ip_address").annotate(
        names_a_list=ExpressionWrapper(~Q(patient_ids=[]), output_field=BooleanField()),
    ).order_by("-occurred_at", "-pk")


def _view_entry(event: AccessEvent) -> TimelineEntry:
    return TimelineEntry(when=event.occurred_at, who=event.actor_label, kind=event.action,
                         kind_label=event.get_action_display(),
                         what=event.object_type + (" (a list of patients)" if event.names_a_list else ""),
                         where=event.ip_address or "")


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

"""The access report (issue 8, item 10): for one patient, who viewed and who changed what, when, from where.

Views come from the access log (clinic/audit); changes from the trigger-based history (django-pghistory) of the
patient's own rows: the registry entry, their intakes and the self-referrals merged into them. Both are merged
on one timeline, newest first. Changes list the names of the fields that changed, not their values.

The page is found by keyset (issue 13), as the access log's is: never counted, one page of views read a page.
Each row's key is (when, source, id): source 0 a view, 1-3 a change to a registry entry, an intake or a
self-referral; the id that source's own. No two rows share a key, so no row is lost or shown twice between pages
when views and changes share a time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from heapq import merge

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from clinic.audit.models import AccessEvent
from clinic.audit.selectors import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    cursor_after,
    cursor_before,
    events_naming,
)
from clinic.paging import KeysetPage, keyset_page
from patients.models import Intake, IntakeRequest, Patient

CHANGE = "change"
KINDS = [(value, label) for value, label in AccessEvent.Action.choices] + [(CHANGE, "Changed")]
HISTORY_IGNORED = {"id", "updated_at", "pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_obj_id",
                   "pgh_context", "pgh_context_id", "drafts"}
VIEW_SOURCE = 0  # a row's source in its key; a change's is its history table's (_history_sources), from 1
Key = tuple[datetime.datetime, int, int]  # (when, source, id), unique to a row


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    who: str
    kind: str  # an AccessEvent action, or "change"
    kind_label: str
    what: str
    where: str
    detail: str = ""
    source: int = VIEW_SOURCE
    row_id: int = 0

    @property
    def key(self) -> Key:
        return self.when, self.source, self.row_id


def patient_access_timeline(*, patient: Patient, start: datetime.date | None = None,
                            end: datetime.date | None = None, actor=None, kind: str = "") -> AccessTimeline:
    views = _views(start=start, end=end, actor=actor, kind=kind) if kind != CHANGE else None
    changes = _changes(patient, start=start, end=end, actor=actor) if kind in ("", CHANGE) else []
    return AccessTimeline(patient.public_id, views, changes)


class AccessTimeline:
    """The timeline, newest first. A patient's views grow with every page that names them (the day board,
    lists), so a page reads only as many as it shows, and one more (``older_than``, ``newer_than``); changes (a
    registry entry, an intake, a few edits) are read whole, to be merged in. Iterating reads everything (the
    CSV export)."""

    def __init__(self, patient_id, views: QuerySet[AccessEvent] | None, changes: list[TimelineEntry]):
        self.patient_id, self.views = patient_id, views
        self.changes = sorted(changes, key=_key, reverse=True)

    def __iter__(self):
        views = [] if self.views is None else events_naming(self.views, self.patient_id)
        return merge(map(_view_entry, views), self.changes, key=_key, reverse=True)

    def older_than(self, key: Key | None, limit: int) -> list[TimelineEntry]:
        """The newest ``limit`` rows older than ``key`` (or the newest of all), newest first."""
        changes = [entry for entry in self.changes if key is None or entry.key < key]
        views = self._views_page(_view_before(key) if key else None, NEWEST_FIRST, limit)
        return list(merge(views, changes, key=_key, reverse=True))[:limit]

    def newer_than(self, key: Key, limit: int) -> list[TimelineEntry]:
        """The oldest ``limit`` rows newer than ``key``, oldest first."""
        changes = [entry for entry in reversed(self.changes) if entry.key > key]
        views = self._views_page(_view_after(key), OLDEST_FIRST, limit)
        return list(merge(views, changes, key=_key))[:limit]

    def _views_page(self, past: Q | None, order: tuple[str, str], limit: int) -> list[TimelineEntry]:
        """At most ``limit`` views in ``order`` past the cursor (clinic.audit.selectors ``events_naming``)."""
        if self.views is None:
            return []
        return [_view_entry(event) for event in events_naming(self.views, self.patient_id, past=past,
                                                              order=order, limit=limit)]


def _key(entry: TimelineEntry) -> Key:
    return entry.key


def _view_before(key: Key) -> Q:
    """The views older than ``key``: at its time, all of them if it is a change's (a view's source is lower).
    The bound on occurred_at alone is PostgreSQL's to start the index walk at the cursor (an OR is not)."""
    when, source, pk = key
    return Q(occurred_at__lte=when) if source != VIEW_SOURCE else cursor_before(when, pk)


def _view_after(key: Key) -> Q:
    when, source, pk = key
    return Q(occurred_at__gt=when) if source != VIEW_SOURCE else cursor_after(when, pk)


def access_timeline_page(timeline: AccessTimeline, *, params: dict, size: int = 50) -> KeysetPage:
    """The page before (older than) or after (newer than) the cursor in ``params``, with the links to the pages
    around it, filters kept, as the access log's. A cursor that cannot be read opens the newest page."""
    return keyset_page(params=params, size=size, parse=_parse_cursor, cursor=_cursor,
                       older=timeline.older_than, newer=timeline.newer_than)


def _cursor(entry: TimelineEntry) -> str:
    return f"{entry.when.isoformat()}_{entry.source}_{entry.row_id}"


def _parse_cursor(value: str | None) -> Key | None:
    try:
        when, source, row_id = (value or "").rsplit("_", 2)
        moment, source, row_id = datetime.datetime.fromisoformat(when), int(source), int(row_id)
    except ValueError:
        return None  # a damaged link opens the newest page
    known = moment.tzinfo is not None and VIEW_SOURCE <= source <= len(HISTORY_SOURCES)
    return (moment, source, row_id) if known else None


def _views(*, start, end, actor, kind) -> QuerySet[AccessEvent]:
    """The access events the filters keep, as the report reads them; the patient's are chosen by the page."""
    events = AccessEvent.objects.all()
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
    )


def _view_entry(event: AccessEvent) -> TimelineEntry:
    return TimelineEntry(when=event.occurred_at, who=event.actor_label, kind=event.action,
                         kind_label=event.get_action_display(),
                         what=event.object_type + (" (a list of patients)" if event.names_a_list else ""),
                         where=event.ip_address or "", source=VIEW_SOURCE, row_id=event.pk)


HISTORY_SOURCES = ["registry entry", "intake", "intake request"]  # a change's source: 1 + its place here


def _history_sources(patient):
    """(label, event queryset) for each tracked row of the patient's, in the order of HISTORY_SOURCES."""
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
            else "Changed", what=label, where=meta.get("ip") or "", detail=", ".join(changed),
            source=1 + HISTORY_SOURCES.index(label), row_id=event.pgh_id))
    return entries


def _meta(event) -> dict:
    context = event.pgh_context
    return context.metadata if context is not None and isinstance(context.metadata, dict) else {}


def _changed_fields(event, previous) -> list[str]:
    names = [f for f in event._meta.fields if f.name not in HISTORY_IGNORED and not f.name.startswith("pgh_")]
    if previous is None:
        return []
    return [str(f.verbose_name) for f in names if getattr(event, f.attname) != getattr(previous, f.attname)]

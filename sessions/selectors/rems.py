"""Which esketamine sessions owe a Spravato REMS Patient Monitoring Form, and by when (sessions/rems.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import DateField, DateTimeField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast

from clinic.prepared import PreparedAggregate, PreparedQuery
from clinic.timezones import local_today
from sessions import rems
from sessions.models import Appointment, LedgerEntry, Protocol, RemsSubmission

_GIVEN_STATUSES = (Appointment.Status.IN_SESSION, Appointment.Status.RECOVERING, Appointment.Status.COMPLETED)


def esketamine_sessions_given() -> QuerySet[Appointment]:
    """Esketamine appointments where the drug was given: the session started, or the ledger records a dose.

    The esketamine protocols are read first and named by id: PostgreSQL then knows from its statistics how
    few appointments they have and reads them by the protocol index, where a join on the protocol's route
    made it read every appointment ever booked (issue 13: a million IV sessions behind one REMS count)."""
    return _given_of(_ESKETAMINE_PROTOCOLS())


def _given_of(protocol_ids: list[int]) -> QuerySet[Appointment]:
    dosed = LedgerEntry.objects.filter(appointment=OuterRef("pk"), kind="administration")
    return (Appointment.objects.filter(protocol_id__in=protocol_ids)
            .filter(Q(status__in=_GIVEN_STATUSES) | Q(Exists(dosed))))


def _owed_of(protocol_ids: list[int]) -> QuerySet[Appointment]:
    submitted = RemsSubmission.objects.filter(appointment=OuterRef("pk"))
    return _given_of(protocol_ids).exclude(Exists(submitted))


def rems_forms_owed() -> QuerySet[Appointment]:
    """Sessions whose form has not been marked submitted yet."""
    return _owed_of(_ESKETAMINE_PROTOCOLS())


def rems_due_count() -> int:
    """The count on the prescriber's and manager's home page (due and overdue), asked on every visit: prepared
    once per process for each number of esketamine protocols (a clinic has one or two; clinic.prepared)."""
    protocol_ids = _ESKETAMINE_PROTOCOLS()
    if not protocol_ids:
        return 0
    names = {f"protocol_{n}": protocol_id for n, protocol_id in enumerate(protocol_ids)}
    counted = _OWED_COUNTS.get(len(names))
    if counted is None:
        counted = _OWED_COUNTS.setdefault(len(names), PreparedAggregate(
            lambda **ids: _owed_of(list(ids.values())), PreparedAggregate.COUNT, **dict.fromkeys(names, int)))
    return counted.count(**names)


_ESKETAMINE_PROTOCOLS = PreparedQuery(
    lambda: Protocol.objects.filter(route=rems.ROUTE).order_by("pk").values_list("pk", flat=True))
_OWED_COUNTS: dict[int, PreparedAggregate] = {}


@dataclass(frozen=True)
class QueueRow:
    appointment: Appointment
    due_on: datetime.date
    days_left: int
    submission: RemsSubmission | None

    @property
    def state(self) -> str:
        if self.submission is not None:
            return "submitted"
        return "overdue" if self.days_left < 0 else "due"


def rems_queue(*, state: str, now: datetime.datetime) -> QuerySet[Appointment]:
    """``state``: 'due' (days left of the 7, fewest first), 'overdue' (most overdue first) or 'submitted'
    (newest first). Filtered and ordered in the database, so that a page of the queue is one LIMITed query;
    ``queue_rows`` turns a page into rows. Days are counted at each session's location, as the session's own
    date is: the server keeps UTC, a day ahead of an American clinic every evening."""
    sessions = esketamine_sessions_given().select_related("patient", "location", "protocol", "nurse",
                                                          "rems_submission", "rems_submission__submitted_by")
    if state == "submitted":
        return sessions.filter(rems_submission__isnull=False).order_by("-rems_submission__submitted_at", "-pk")
    # Due until the session's local date + DUE_DAYS (rems.due_on), overdue after.
    owed = sessions.filter(rems_submission__isnull=True).annotate(
        session_day=_local_date(F("start")),
        oldest_due=_local_date(Value(now)) - datetime.timedelta(days=rems.DUE_DAYS))
    owed = (owed.filter(session_day__gte=F("oldest_due")) if state == "due"
            else owed.filter(session_day__lt=F("oldest_due")))
    return owed.order_by("start", "pk")


def _local_date(moment) -> Cast:
    """``moment``'s date at the session's location (as ``rems.session_local_date``), worked out by PostgreSQL."""
    local = Func(F("location__time_zone"), moment, function="timezone", output_field=DateTimeField())
    return Cast(local, DateField())


def queue_rows(appointments, *, now: datetime.datetime) -> list[QueueRow]:
    """One page of ``rems_queue`` with each session's due date and days left at its location (no query)."""
    rows = []
    for appointment in appointments:
        due = rems.due_on(appointment)
        days_left = (due - local_today(appointment.location.time_zone, now)).days  # the 7 days counted there
        rows.append(QueueRow(appointment, due, days_left, getattr(appointment, "rems_submission", None)))
    return rows

"""Which esketamine sessions owe a Spravato REMS Patient Monitoring Form, and by when (sessions/rems.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from sessions import rems
from sessions.models import Appointment, LedgerEntry, RemsSubmission

_GIVEN_STATUSES = (Appointment.Status.IN_SESSION, Appointment.Status.RECOVERING, Appointment.Status.COMPLETED)


def esketamine_sessions_given() -> QuerySet[Appointment]:
    """Esketamine appointments where the drug was given: the session started, or the ledger records a dose."""
    dosed = LedgerEntry.objects.filter(appointment=OuterRef("pk"), kind="administration")
    return (Appointment.objects.filter(protocol__route=rems.ROUTE)
            .filter(Q(status__in=_GIVEN_STATUSES) | Q(Exists(dosed))))


def rems_forms_owed() -> QuerySet[Appointment]:
    """Sessions whose form has not been marked submitted yet."""
    submitted = RemsSubmission.objects.filter(appointment=OuterRef("pk"))
    return esketamine_sessions_given().exclude(Exists(submitted))


def rems_due_count() -> int:
    """The count on the prescriber's and manager's home page (due and overdue)."""
    return rems_forms_owed().count()


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


def rems_queue(*, state: str, today: datetime.date) -> list[QueueRow]:
    """``state``: 'due' (days left of the 7, fewest first), 'overdue' or 'submitted' (newest first)."""
    sessions = esketamine_sessions_given().select_related("patient", "location", "protocol", "nurse",
                                                          "rems_submission", "rems_submission__submitted_by")
    if state == "submitted":
        sessions = sessions.filter(rems_submission__isnull=False).order_by("-rems_submission__submitted_at")
    else:
        sessions = sessions.filter(rems_submission__isnull=True).order_by("start", "pk")
    rows = []
    for appointment in sessions:
        due = rems.due_on(appointment)
        submission = getattr(appointment, "rems_submission", None)
        row = QueueRow(appointment, due, (due - today).days, submission)
        if row.state == state:
            rows.append(row)
    return rows

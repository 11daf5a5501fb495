"""A patient's courses and appointments, the plan's protocol."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from clinic.paging import counted_first_page
from clinic.prepared import PreparedQuery
from sessions.models import Appointment, AppointmentEmail, Course, Protocol

from .slots import OCCUPYING


def course_progress(course: Course) -> dict:
    """"3 of 6 done": counts by status, counted by PostgreSQL (annotated by ``patient_courses``, else one query)."""
    if not hasattr(course, "sessions_done"):
        course = Course.objects.annotate(**_session_counts()).get(pk=course.pk)
    return {"done": course.sessions_done, "booked": course.sessions_booked, "planned": course.planned_sessions}


def _session_counts() -> dict:
    return {"sessions_done": Count("appointments", filter=Q(appointments__status=Appointment.Status.COMPLETED)),
            "sessions_booked": Count("appointments", filter=Q(appointments__status__in=OCCUPYING))}


def _patient_courses(*, patient_id: int) -> QuerySet[Course]:
    return (Course.objects.filter(patient_id=patient_id).select_related("protocol", "location")
            .annotate(**_session_counts()).order_by("-created_at", "-id"))


# The patient's appointment list reads its courses and its first page on every view, each from a statement
# PostgreSQL keeps (clinic.prepared): it planned the courses' count and the page's four-table join anew each
# time, 0.2-0.4 ms each at 1,000,000 appointments against 0.05-0.1 ms of running them (issue 13).
_PATIENT_COURSES = PreparedQuery(_patient_courses, patient_id=int)


def patient_courses(*, patient) -> list[Course]:
    """The patient's courses, newest first, with their progress counted, not their appointments loaded."""
    return _PATIENT_COURSES(patient_id=patient.pk)


# What the patient's appointment list shows of each: when (in its location's time), protocol, chair and place,
# status. The nurse and the course are not on the list: not joined, and no other column is read.
_LISTED = ("public_id", "start", "status", "late_cancel", "protocol__name", "chair__name", "location__name",
           "location__time_zone")


APPOINTMENTS_PAGE = 50  # a patient in maintenance for years has hundreds of sessions: a page at a time


def patient_appointments(*, patient) -> QuerySet[Appointment]:
    """Newest first (the coming sessions, then the latest past ones); a total order, as the list is paged."""
    return _patient_appointments(patient_id=patient.pk)


def _patient_appointments(*, patient_id: int) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(patient_id=patient_id).select_related("protocol", "location", "chair")
            .only(*_LISTED).order_by("-start", "-pk"))


_FIRST_PAGE_OF_APPOINTMENTS = PreparedQuery(
    lambda *, patient_id: counted_first_page(_patient_appointments(patient_id=patient_id), APPOINTMENTS_PAGE),
    patient_id=int)


def patient_appointments_first_page(*, patient) -> list[Appointment]:
    """The list's first page (``patient_appointments``), each row annotated ``rows_in_all``: the number of all the
    patient's appointments (``clinic.paging.FirstPageCounted``)."""
    return _FIRST_PAGE_OF_APPOINTMENTS(patient_id=patient.pk)


def plan_protocol(plan) -> Protocol | None:
    """The active protocol for a prescriber's plan: the one named in the plan, else the first of its route."""
    if plan is None:
        return None
    protocols = Protocol.objects.filter(route=plan.route, is_active=True)
    return protocols.filter(name__iexact=plan.protocol_name).first() or protocols.first()


def email_outcome(*, appointment: Appointment, kind: str) -> bool | None:
    """Whether the latest ``kind`` e-mail about ``appointment`` went out: True, False, or None when none was
    recorded (no address on file, or the booking's transaction has not committed yet)."""
    return (AppointmentEmail.objects.filter(appointment=appointment, kind=kind)
            .values_list("sent", flat=True).first())

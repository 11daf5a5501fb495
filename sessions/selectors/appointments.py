"""A patient's courses and appointments, the plan's protocol."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions.models import Appointment, AppointmentEmail, Course, Protocol

from .slots import OCCUPYING


def course_progress(course: Course) -> dict:
    """"3 of 6 done": counts by status for a course (uses prefetched appointments when present)."""
    appointments = list(course.appointments.all())
    done = sum(a.status == Appointment.Status.COMPLETED for a in appointments)
    booked = sum(a.status in OCCUPYING for a in appointments)
    return {"done": done, "booked": booked, "planned": course.planned_sessions}


def patient_courses(*, patient) -> list[Course]:
    return list(Course.objects.filter(patient=patient).select_related("protocol", "location")
                .prefetch_related("appointments"))


def patient_appointments(*, patient) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(patient=patient)
            .select_related("protocol", "location", "chair", "nurse", "course").order_by("start"))


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

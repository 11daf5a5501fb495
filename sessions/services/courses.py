"""Booking a course of sessions together: all of them or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from sessions.courses import to_local
from sessions.models import Appointment, Chair, Course, Protocol

from .booking import appointment_book, planned_sessions_for
from .errors import BookingConflict, BookingRefused
from .links import appointment_link_issue
from .locks import _lock_patient
from .notify import _notify

Status = Appointment.Status


@dataclass(frozen=True)
class CourseSlotChoice:
    start: datetime
    chair: Chair
    nurse: object


@transaction.atomic
def course_book(*, patient, protocol: Protocol, location, slots: list[CourseSlotChoice], booked_by,
                kind: str = Course.Kind.INDUCTION, planned_sessions: int | None = None,
                notify: bool = True) -> Course:
    """Book the accepted sessions of a course together: all of them, or none (any refusal or conflict
    rolls the whole course back and says which session failed)."""
    if not slots:
        raise BookingRefused(["Choose at least one session to book."])
    _lock_patient(patient)  # the "induction under way" check and the course insert must not race
    planned = planned_sessions or (planned_sessions_for(patient=patient) if kind == Course.Kind.INDUCTION
                                   else len(slots))
    if len(slots) > planned:
        raise BookingRefused([f"The plan has {planned} sessions; {len(slots)} were chosen."])
    if kind == Course.Kind.INDUCTION and Appointment.objects.filter(
            course__patient=patient, course__protocol=protocol, course__kind=Course.Kind.INDUCTION,
            status__in=Appointment.OCCUPYING).exclude(status=Status.COMPLETED).exists():
        raise BookingRefused(["This patient already has an induction course of this protocol under way: book any "
                              "missing sessions into it one at a time, or book a booster course."])
    if any(choice.start.tzinfo is None or choice.start.utcoffset() is None for choice in slots):
        raise BookingRefused(["One of the chosen times has no time zone: propose the dates again."])
    course = Course.objects.create(patient=patient, protocol=protocol, location=location, kind=kind,
                                   planned_sessions=planned, created_by=booked_by)
    booked = []
    for number, choice in enumerate(sorted(slots, key=lambda s: s.start), start=1):
        if choice.chair.location_id != location.pk:
            raise BookingRefused([f"Session {number}: {choice.chair.name} is at another location."])
        try:
            # One e-mail for the whole course (below), not one per session.
            booked.append(appointment_book(patient=patient, protocol=protocol, chair=choice.chair,
                                           nurse=choice.nurse, start=choice.start, booked_by=booked_by,
                                           course=course, notify=False))
        except BookingRefused as exc:
            when = to_local(choice.start, location.time_zone)
            raise BookingRefused([f"Session {number} ({when:%a %d %b %H:%M}): {r}" for r in exc.reasons]) from exc
        except BookingConflict as exc:
            exc.number = number
            raise
    if notify:
        # Each session keeps its own link (one link, one appointment: DESIGN.md §6), listed in one e-mail.
        links = [(appointment, appointment_link_issue(appointment=appointment)) for appointment in booked]
        transaction.on_commit(lambda: _notify("course_booked", booked[0], links=links))
    return course

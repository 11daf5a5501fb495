"""Booking one session: the gate (intake, consent, interval, course size), the checks of the input, and the
insert that PostgreSQL's exclusion constraints referee (DESIGN.md §4.1-4.3)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import Location
from patients.selectors import booking_blockers, current_treatment_plan
from sessions.courses import session_window, to_local
from sessions.intervals import min_interval_between, too_close, widest_interval
from sessions.models import Appointment, Chair, Course, Protocol, Route
from sessions.selectors import next_free_times, nurses, opening_problem

from .errors import (
    _CONFLICT_MESSAGES,
    NURSE_CONSTRAINT,
    RATIO_CONSTRAINT,
    BookingConflict,
    BookingRefused,
    _constraint_name,
)
from .links import appointment_link_issue
from .locks import _lock_patient
from .notify import _notify
from .rems import rems_site_blockers


def _intake_blockers(*, patient, route: str) -> list[str]:
    """Intake approval, consent and (esketamine) REMS, from the intake app (issue 3)."""
    return list(booking_blockers(patient=patient, route=route))


def _booking_gate(*, patient, protocol: Protocol, start: datetime, course: Course | None,
                  ignore: Appointment | None = None, location: Location | None = None) -> list[str]:
    """Every hard stop before a booking, each a sentence with what would lift it. Empty = cleared.

    Intake approved by a prescriber, consent current, REMS for esketamine (intake app); the esketamine dose the
    prescriber ordered; the minimum interval between the patient's sessions (CLINICAL.md §1: the longer of the
    two protocols', sessions/intervals.py); the course's planned number of sessions.
    """
    reasons = _intake_blockers(patient=patient, route=protocol.route)
    others = Appointment.objects.filter(patient=patient, status__in=Appointment.OCCUPYING)
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    reasons += _esketamine_dose_problems(patient=patient, protocol=protocol, start=start, others=others)
    reach = widest_interval([protocol, *Protocol.objects.all()])
    nearby = others.filter(start__gt=start - reach, start__lt=start + reach).select_related("location", "protocol")
    for other in nearby:
        if not too_close(protocol=protocol, start=start, other_protocol=other.protocol, other_start=other.start):
            continue
        when = to_local(other.start, other.location.time_zone)
        hours = int(min_interval_between(protocol, other.protocol).total_seconds() // 3600)
        # No suggested times here: "48 h after the other session" may fall on a closed day, outside opening
        # hours or on a full chair, and a suggestion that is then refused wastes the front desk's time.
        # "Find a free time" (opened for this patient) runs the real free-slot search, which leaves out
        # times too close to any of the patient's sessions.
        between = ("" if other.protocol_id == protocol.pk
                   else f" (the longer of {protocol.name} and {other.protocol.name})")
        reasons.append(
            f"{protocol.name} needs at least {hours} hours between sessions{between}, and "
            f"this patient has a session on {when:%a %d %b at %H:%M}. Use “Find a free time” for this patient: "
            f"it lists only times that keep this gap and fit the opening hours, chairs and nurses."
        )
    if course is not None:
        booked = others.filter(course=course).count()
        if booked >= course.planned_sessions:
            reasons.append(
                f"The {course.get_kind_display().lower()} course of {course.planned_sessions} sessions is fully "
                f"booked. Cancel one of its sessions, or book a booster course from the prescriber's plan."
            )
    if location is not None:
        reasons.extend(rems_site_blockers(location=location, protocol=protocol, start=start))
    return reasons


def _esketamine_dose_problems(*, patient, protocol: Protocol, start: datetime, others) -> list[str]:
    """CLINICAL.md §1 [REG]: the esketamine dose is the prescriber's order on the plan, never the booker's
    choice, and the first session is 56 mg."""
    if protocol.route != Route.INTRANASAL:
        return []
    from patients.models.plan import ESKETAMINE_FIRST_DOSE_MG
    from patients.selectors import current_treatment_plan

    plan = current_treatment_plan(patient=patient)
    if plan is None or plan.route != Route.INTRANASAL:
        return []  # the intake gate already says there is no esketamine plan
    if not plan.esketamine_dose_mg:
        return ["The esketamine plan carries no ordered dose (approved before doses were ordered): a prescriber "
                "must approve a new plan with the dose, 56 or 84 mg."]
    earlier = others.filter(protocol__route=Route.INTRANASAL, start__lt=start).exists()
    wanted = plan.esketamine_dose_mg if earlier else ESKETAMINE_FIRST_DOSE_MG
    if protocol.default_dose_mg != wanted:
        which = "This is the patient's first esketamine session: it is 56 mg" if not earlier else (
            f"The prescriber ordered {wanted} mg")
        return [f"{which}. Book it with the {wanted} mg protocol, not {protocol.name}."]
    return []


def _input_problems(*, protocol: Protocol, chair: Chair, nurse, start: datetime, end: datetime,
                    now: datetime) -> list[str]:
    problems = []
    if start.tzinfo is None:
        return ["The start time has no time zone; choose it in the location's local time."]
    if start <= now:
        problems.append("The start time has passed: choose a time later than now.")
    if not chair.is_active or not chair.location.is_active:
        problems.append(f"{chair.name} is not in use any more: choose another chair.")
    if not protocol.is_active:
        problems.append(f"The protocol {protocol.name} is switched off: ask a manager, or choose another.")
    if not nurses().filter(pk=nurse.pk).exists():
        problems.append(f"{nurse} cannot be the nurse watching (inactive, or not a nurse): choose another nurse.")
    if not end > start:
        problems.append("The session must end after it starts.")
    else:
        hours = opening_problem(location=chair.location, start=start, end=end)
        if hours:
            problems.append(hours)
    return problems


@transaction.atomic
def appointment_book(
    *,
    patient,
    protocol: Protocol,
    chair: Chair,
    nurse,
    start: datetime,
    booked_by,
    course: Course | None = None,
    rescheduled_from: Appointment | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> Appointment:
    """Book one session. Refuses (``BookingRefused``) on bad input or a gate; ``BookingConflict`` when the
    chair, the patient or the nurse is taken. Without a course, it joins the patient's open course of this
    protocol, or starts one from the prescriber's plan."""
    now = now or timezone.now()
    if start.tzinfo is None or start.utcoffset() is None:
        # Checked before session_window, which would raise ValueError (a 500) on a naive time.
        raise BookingRefused(["The start time has no time zone; choose it in the location's local time."])
    _lock_patient(patient)
    window = session_window(start_utc=start, checkin_minutes=protocol.checkin_minutes,
                            dosing_minutes=protocol.dosing_minutes,
                            observation_minutes=protocol.observation_minutes,
                            turnover_minutes=protocol.turnover_minutes)
    problems = _input_problems(protocol=protocol, chair=chair, nurse=nurse, start=window.start, end=window.end,
                               now=now)
    if problems:
        raise BookingRefused(problems)
    if course is None:
        course = _course_for_single_booking(patient=patient, protocol=protocol, location=chair.location,
                                            by=booked_by, ignore=rescheduled_from)
    elif course.patient_id != patient.pk or course.protocol_id != protocol.pk:
        raise BookingRefused(["That course belongs to another patient or protocol."])
    reasons = _booking_gate(patient=patient, protocol=protocol, start=window.start, course=course,
                            ignore=rescheduled_from, location=chair.location)
    if reasons:
        raise BookingRefused(reasons)
    appointment = _insert(
        {"patient": patient, "protocol": protocol, "location": chair.location, "chair": chair, "nurse": nurse,
         "course": course, "start": window.start, "end": window.end, "blocked_until": window.blocked_until,
         "booked_by": booked_by, "rescheduled_from": rescheduled_from, "status_changed_at": now,
         "status_changed_by": booked_by},
    )
    if notify:
        token = appointment_link_issue(appointment=appointment)
        if rescheduled_from is not None:
            old_start = rescheduled_from.start
            transaction.on_commit(lambda: _notify("appointment_moved", appointment,
                                                  links=[(appointment, token)], old_start=old_start))
        else:
            transaction.on_commit(lambda: _notify("appointment_booked", appointment,
                                                  links=[(appointment, token)]))
    return appointment


def _course_for_single_booking(*, patient, protocol, location, by, ignore) -> Course:
    if ignore is not None and ignore.course_id:
        return ignore.course
    latest = Course.objects.filter(patient=patient, protocol=protocol).order_by("-created_at", "-pk").first()
    if latest is not None:
        return latest  # the gate refuses when it is full
    return Course.objects.create(patient=patient, protocol=protocol, location=location, kind=Course.Kind.INDUCTION,
                                 planned_sessions=planned_sessions_for(patient=patient), created_by=by)


def planned_sessions_for(*, patient) -> int:
    """The number of sessions in the prescriber's approved plan (intake app), or 1 without a plan."""
    plan = current_treatment_plan(patient=patient)
    return getattr(plan, "number_of_sessions", None) or 1


def _insert(fields: dict) -> Appointment:
    """INSERT in a savepoint; the first free watch slot of the nurse wins. A violated exclusion constraint
    becomes a ``BookingConflict`` with the next free times."""
    ratio = Location.objects.values_list("nurse_patient_ratio", flat=True).get(pk=fields["location"].pk)
    used = set(Appointment.objects.filter(nurse=fields["nurse"], status__in=Appointment.OCCUPYING,
                                          start__lt=fields["blocked_until"], blocked_until__gt=fields["start"])
               .values_list("nurse_slot", flat=True))
    slots = [s for s in range(1, ratio + 1) if s not in used] + [s for s in range(1, ratio + 1) if s in used]
    constraint = NURSE_CONSTRAINT
    for slot in slots:
        try:
            with transaction.atomic():
                return Appointment.objects.create(nurse_slot=slot, **fields)
        except IntegrityError as exc:
            constraint = _constraint_name(exc)
            if constraint not in _CONFLICT_MESSAGES:
                raise  # not a booking conflict: a bug, let it surface
            if constraint == RATIO_CONSTRAINT:  # the ratio was lowered meanwhile: no slot left
                constraint = NURSE_CONSTRAINT
            if constraint != NURSE_CONSTRAINT:
                break
    raise BookingConflict(
        _CONFLICT_MESSAGES[constraint].format(chair=fields["chair"].name, nurse=fields["nurse"]),
        constraint=constraint,
        next_free=next_free_times(protocol=fields["protocol"], location=fields["location"], after=fields["start"],
                                  patient=fields["patient"]),
    )

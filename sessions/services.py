"""Writes for the schedule: booking, cancelling, rescheduling, status moves, courses (DESIGN.md §3).

Double booking is refused by PostgreSQL's exclusion constraints (DESIGN.md §4.1-4.3), not by a check made
before the insert: two front-desk users racing for one chair both reach the INSERT, one commits, the other's
INSERT fails with an ``IntegrityError`` naming the constraint, which becomes a ``BookingConflict`` carrying
the next free times.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.models import Location
from patients.models import Patient
from sessions.courses import session_window, to_local
from sessions.models import Appointment, AppointmentLink, Chair, Course, Protocol
from sessions.selectors import FreeSlot, link_location, next_free_times, nurses, opening_problem

logger = logging.getLogger(__name__)
Status = Appointment.Status
# Moves that are clinical care, recorded by the nurse watching (``attend_appointment``), not the front desk.
CLINICAL_STATUSES = frozenset({Status.IN_SESSION, Status.RECOVERING, Status.COMPLETED})
CLINICAL_PERMISSION = "clinic_sessions.attend_appointment"

CHAIR_CONSTRAINT = "appointment_no_chair_overlap"
PATIENT_CONSTRAINT = "appointment_no_patient_overlap"
NURSE_CONSTRAINT = "appointment_no_nurse_slot_overlap"
RATIO_CONSTRAINT = "appointment_nurse_slot_within_ratio"  # raised by the trigger on Appointment
_CONFLICT_MESSAGES = {
    CHAIR_CONSTRAINT: "{chair} is already booked at an overlapping time (turnover included).",
    PATIENT_CONSTRAINT: "The patient already has a session that overlaps this time.",
    NURSE_CONSTRAINT: "{nurse} already watches as many patients as the ratio allows at this time.",
    RATIO_CONSTRAINT: "{nurse} already watches as many patients as the ratio allows at this time.",
}


class BookingRefused(Exception):
    """A rule stops this booking; ``reasons`` say which, and what would lift each."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class TransitionRefused(BookingRefused):
    """A status move the map in ``Appointment.ALLOWED_TRANSITIONS`` does not allow."""


class BookingConflict(Exception):
    """The time is taken (lost to another booking or a race); ``next_free`` are bookable alternatives."""

    def __init__(self, message: str, *, next_free: list[FreeSlot], constraint: str = "", number: int | None = None):
        super().__init__(message)
        self.message = message
        self.next_free = next_free
        self.constraint = constraint
        self.number = number  # which session of a course, when booking one


# --- The gate ---------------------------------------------------------------------------------------------


def _intake_blockers(*, patient, route: str) -> list[str]:
    """Intake approval, consent and (esketamine) REMS, from the intake app (issue 3)."""
    try:
        from patients.selectors import booking_blockers
    except ImportError:  # fail closed: without the intake module nobody can be cleared for treatment
        return ["Intake approval cannot be checked yet (the intake module is missing), so booking stays closed."]
    return list(booking_blockers(patient=patient, route=route))


def _booking_gate(*, patient, protocol: Protocol, start: datetime, course: Course | None,
                  ignore: Appointment | None = None) -> list[str]:
    """Every hard stop before a booking, each a sentence with what would lift it. Empty = cleared.

    Intake approved by a prescriber, consent current, REMS for esketamine (intake app); the protocol's
    minimum interval between sessions (CLINICAL.md §1: IV default 48 h, a per-protocol setting); the
    course's planned number of sessions.
    """
    reasons = _intake_blockers(patient=patient, route=protocol.route)
    others = Appointment.objects.filter(patient=patient, status__in=Appointment.OCCUPYING)
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    if protocol.min_interval_hours:
        gap = protocol.min_interval
        for other in others.filter(start__gt=start - gap, start__lt=start + gap).select_related("location"):
            when = to_local(other.start, other.location.time_zone)
            # No suggested times here: "48 h after the other session" may fall on a closed day, outside opening
            # hours or on a full chair, and a suggestion that is then refused wastes the front desk's time.
            # "Find a free time" (opened for this patient) runs the real free-slot search, which leaves out
            # times too close to any of the patient's sessions.
            reasons.append(
                f"{protocol.name} needs at least {protocol.min_interval_hours} hours between sessions, and this "
                f"patient has a session on {when:%a %d %b at %H:%M}. Use “Find a free time” for this patient: "
                f"it lists only times that keep this gap and fit the opening hours, chairs and nurses."
            )
    if course is not None:
        booked = others.filter(course=course).count()
        if booked >= course.planned_sessions:
            reasons.append(
                f"The {course.get_kind_display().lower()} course of {course.planned_sessions} sessions is fully "
                f"booked. Cancel one of its sessions, or book a booster course from the prescriber's plan."
            )
    return reasons


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


# --- Booking ----------------------------------------------------------------------------------------------


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
    window = session_window(start_utc=start, dosing_minutes=protocol.dosing_minutes,
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
                            ignore=rescheduled_from)
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
            transaction.on_commit(lambda: _notify(appointment, "appointment_moved", appointment,
                                                  links=[(appointment, token)], old_start=old_start))
        else:
            transaction.on_commit(lambda: _notify(appointment, "appointment_booked", appointment,
                                                  links=[(appointment, token)]))
    return appointment


def _lock_patient(patient) -> None:
    """Serialise bookings for one patient until this transaction ends.

    The minimum interval and the course size are checked in Python before the INSERT; no constraint covers
    them. Without this row lock, two bookings for the same patient (two front-desk screens, a double click)
    both pass the checks and both commit, or both start a course. The second now waits for the first and
    then sees its appointment (READ COMMITTED takes a fresh snapshot per statement)."""
    Patient.objects.select_for_update().only("pk").get(pk=patient.pk)


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
    try:
        from patients.selectors import current_treatment_plan
    except ImportError:
        return 1
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


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


# --- Status moves -------------------------------------------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).select_related(
        "location", "protocol", "course", "patient").get(pk=appointment.pk)


def _save_status(appointment: Appointment, fields: list[str]) -> None:
    """Save a status change; a database rule refusing it becomes a message, never a 500.

    The placement trigger no longer fires on status changes, but a rule added later (or a setting changed
    under an old appointment) must still reach the user as something they can act on. The savepoint keeps
    the surrounding transaction usable."""
    try:
        with transaction.atomic():
            appointment.save(update_fields=fields)
    except IntegrityError as exc:
        logger.warning("Status change refused by the database for appointment %s (%s)", appointment.public_id,
                       _constraint_name(exc) or "unnamed rule")
        raise TransitionRefused([
            "The clinic's settings changed since this appointment was booked (chair location or nurse "
            "ratio), so it cannot be updated as it is: reschedule it to a current chair and nurse, or ask a "
            "manager."]) from exc


def _local_day(moment: datetime, appointment: Appointment):
    return to_local(moment, appointment.location.time_zone).date()


def _refuse_move(appointment: Appointment, to_status: str) -> None:
    if not appointment.can_move_to(to_status):
        moves = sorted(appointment.ALLOWED_TRANSITIONS[appointment.status])
        allowed = ", ".join(str(Status(s).label).lower() for s in moves)
        raise TransitionRefused([
            f"A {appointment.get_status_display().lower()} appointment cannot be marked "
            f"{Status(to_status).label.lower()}." + (f" It can be: {allowed}." if allowed else "")
        ])


@transaction.atomic
def appointment_transition(*, appointment: Appointment, to_status: str, by, now: datetime | None = None) -> Appointment:
    """Move along booked → confirmed → checked in → in session → recovering → completed, or to no-show.
    Cancelling and rescheduling have their own services (they need a reason or a new time)."""
    if to_status in (Status.CANCELLED, Status.RESCHEDULED):
        raise TransitionRefused(["Use cancel or reschedule for that."])
    appointment = _locked(appointment)
    _refuse_move(appointment, to_status)
    now = now or timezone.now()
    if to_status == Status.NO_SHOW and now < appointment.start:
        raise TransitionRefused(["A patient can only be marked a no-show once the appointment time has come."])
    if to_status == Status.CHECKED_IN and _local_day(now, appointment) != _local_day(appointment.start, appointment):
        # Checking in days early would make the board show the patient as here; only on the day itself.
        raise TransitionRefused([
            f"Check-in opens on the day of the appointment "
            f"({to_local(appointment.start, appointment.location.time_zone):%a %d %b}, clinic time)."])
    if to_status in (Status.CHECKED_IN, Status.IN_SESSION):
        # Booking checked consent and approval when the appointment was made, but since then a manager may
        # have published a new consent version (which every patient signs again before their next session,
        # patients.models.ConsentDocument) or a prescriber withdrawn the approval. Checked at check-in and
        # again at the start, so that nobody is dosed on consent that is no longer current.
        blockers = _intake_blockers(patient=appointment.patient, route=appointment.protocol.route)
        if blockers:
            what = ("The patient cannot be checked in yet." if to_status == Status.CHECKED_IN
                    else "The session cannot start yet.")
            raise TransitionRefused([what] + blockers)
    if to_status == Status.IN_SESSION and appointment.escort_confirmed_at is None:
        # CLINICAL.md §1: "No escort confirmed → the session cannot start."
        raise TransitionRefused(["No escort confirmed: record the escort's name and phone on the appointment "
                                 "before the session starts."])
    appointment.status, appointment.status_changed_at, appointment.status_changed_by = to_status, now, by
    _save_status(appointment, ["status", "status_changed_at", "status_changed_by"])
    if to_status in (Status.COMPLETED, Status.NO_SHOW):
        AppointmentLink.objects.filter(appointment=appointment, revoked_at__isnull=True).update(revoked_at=now)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, by, now: datetime | None = None,
                       notify: bool = True) -> Appointment:
    """Cancel with a reason; inside ``SESSIONS_LATE_CANCEL_HOURS`` (24 h) of the start it is a late cancel."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused(["Say why the appointment is cancelled."])
    appointment = _locked(appointment)
    _refuse_move(appointment, Status.CANCELLED)
    now = now or timezone.now()
    if now >= appointment.start:
        # After the start time the patient either came (check in) or did not: that is a no-show, which the
        # clinic counts differently from a cancellation.
        raise TransitionRefused(["The appointment time has passed, so it cannot be cancelled: if the patient did "
                                 "not come, mark them a no-show."])
    appointment.status, appointment.cancel_reason = Status.CANCELLED, reason[:300]
    appointment.late_cancel = appointment.start - now < timedelta(hours=settings.SESSIONS_LATE_CANCEL_HOURS)
    appointment.status_changed_at, appointment.status_changed_by = now, by
    _save_status(appointment, ["status", "cancel_reason", "late_cancel", "status_changed_at", "status_changed_by"])
    AppointmentLink.objects.filter(appointment=appointment, revoked_at__isnull=True).update(revoked_at=now)
    if notify:
        # The patient learns it is off; the reason stays in the record (it may be clinical).
        transaction.on_commit(lambda: _notify(appointment, "appointment_cancelled", appointment))
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, start: datetime, chair: Chair, nurse, by,
                           now: datetime | None = None) -> Appointment:
    """Mark the old appointment rescheduled and book the new one, linked to it, in the same course. All or
    nothing: if the new time is refused or taken, the old appointment stays as it was."""
    _lock_patient(appointment.patient)  # before the appointment row: the same order as appointment_book
    old = _locked(appointment)
    _refuse_move(old, Status.RESCHEDULED)
    if start == old.start and chair.pk == old.chair_id:
        # Nothing would move: a new appointment and a "Was X / Now X" e-mail would only confuse the patient.
        raise BookingRefused(["Choose a different time or chair: this is the appointment's current time and "
                              "chair."])
    now = now or timezone.now()
    old.status, old.status_changed_at, old.status_changed_by = Status.RESCHEDULED, now, by
    _save_status(old, ["status", "status_changed_at", "status_changed_by"])
    AppointmentLink.objects.filter(appointment=old, revoked_at__isnull=True).update(revoked_at=now)
    return appointment_book(patient=old.patient, protocol=old.protocol, chair=chair, nurse=nurse, start=start,
                            booked_by=by, course=old.course, rescheduled_from=old, now=now)


# --- Courses ------------------------------------------------------------------------------------------------


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
        transaction.on_commit(lambda: _notify(course, "course_booked", booked[0], links=links))
    return course


# --- Patient links and e-mail ------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def appointment_link_issue(*, appointment: Appointment) -> str:
    """A fresh link for the appointment (replacing any earlier one). Returns the token: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    AppointmentLink.objects.update_or_create(
        appointment=appointment,
        defaults={"token_hash": _hash(token), "expires_at": appointment.end + timedelta(hours=1),
                  "revoked_at": None, "failed_checks": 0},
    )
    return token


def appointment_link_find(*, token: str, now: datetime | None = None) -> AppointmentLink | None:
    """The live link for ``token``: not revoked, not expired, not locked by failed checks; else None."""
    now = now or timezone.now()
    link = (AppointmentLink.objects.select_related("appointment__patient", "appointment__location",
                                                   "appointment__protocol")
            .filter(token_hash=_hash(token or "")).first())
    if (link is None or link.revoked_at is not None or link.expires_at <= now
            or link.failed_checks >= settings.SESSIONS_LINK_MAX_DOB_FAILURES
            or not link.appointment.is_occupying):
        return None
    return link


def appointment_link_location(*, token: str) -> Location | None:
    """The clinic to call about a link that no longer works (its location's phone is not PHI)."""
    return link_location(token_hash=_hash(token or ""))


@transaction.atomic
def appointment_link_check_birth_date(*, link: AppointmentLink, date_of_birth) -> bool:
    """The date-of-birth check before anything shows; repeated failures lock the link."""
    link = AppointmentLink.objects.select_for_update().select_related("appointment__patient").get(pk=link.pk)
    if link.appointment.patient.date_of_birth == date_of_birth:
        return True
    link.failed_checks += 1
    link.save(update_fields=["failed_checks"])
    return False


@transaction.atomic
def appointment_prepare(*, appointment: Appointment, escort_name: str, escort_phone: str, fasting_understood: bool,
                        now: datetime | None = None) -> Appointment:
    """The patient confirms the escort (CLINICAL.md §1: no escort confirmed → the session cannot start) and
    acknowledges the fasting instructions."""
    if not escort_name.strip() or not escort_phone.strip():
        raise BookingRefused(["Give the name and phone number of the adult who will take you home."])
    if not fasting_understood:
        raise BookingRefused(["Please confirm you have read the fasting instructions."])
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status not in (Status.BOOKED, Status.CONFIRMED):
        # Once the patient is checked in, the staff have recorded who takes them home; a change from the
        # patient's phone mid-session would silently replace it.
        raise BookingRefused(["You are already checked in: please tell the clinic staff about any change to "
                              "who will take you home."])
    appointment.escort_name, appointment.escort_phone = escort_name.strip()[:120], escort_phone.strip()[:40]
    appointment.escort_confirmed_at = appointment.fasting_acknowledged_at = now
    appointment.save(update_fields=["escort_name", "escort_phone", "escort_confirmed_at", "fasting_acknowledged_at"])
    return appointment


@transaction.atomic
def appointment_escort_record(*, appointment: Appointment, escort_name: str, escort_phone: str, by,
                              now: datetime | None = None) -> Appointment:
    """Front desk records the escort at check-in (when the patient did not confirm through their link)."""
    if not escort_name.strip() or not escort_phone.strip():
        raise BookingRefused(["Give the escort's name and phone number."])
    appointment = _locked(appointment)
    if not appointment.is_occupying or appointment.status == Status.COMPLETED:
        raise BookingRefused(["This appointment is closed: nothing to confirm."])
    appointment.escort_name, appointment.escort_phone = escort_name.strip()[:120], escort_phone.strip()[:40]
    appointment.escort_confirmed_at = now or timezone.now()
    appointment.save(update_fields=["escort_name", "escort_phone", "escort_confirmed_at"])
    return appointment


def _notify(target, template: str, appointment: Appointment, *, links=(), **extra) -> None:
    """E-mail the patient after the booking has committed, and record on ``target`` whether it went.

    ``target.email_sent`` is True (sent), False (failed: the view warns the front desk to phone the patient)
    or stays unset (no address). A mail failure must not turn a saved booking into an error page, and the
    log line names the appointment by its public id only: no address, no name (DESIGN.md §6)."""
    if not appointment.patient.email:
        return
    try:
        _send_patient_email(template, appointment, links=links, **extra)
    except Exception as exc:  # noqa: BLE001 - any backend failure (SMTP, DNS, TLS) is the same to the user
        logger.warning("Could not send the %s e-mail for appointment %s (%s)", template, appointment.public_id,
                       type(exc).__name__)
        target.email_sent = False
    else:
        target.email_sent = True


def _send_patient_email(template: str, appointment: Appointment, *, links=(),
                        old_start: datetime | None = None) -> None:
    """Time, place, instructions and a link per appointment; no clinical detail (DESIGN.md §6)."""
    base = settings.SITE_URL.rstrip("/")
    zone = appointment.location.time_zone
    sessions = [{"local_start": to_local(a.start, zone),
                 "link": base + reverse("appointment_link", kwargs={"token": token})} for a, token in links]
    context = {
        "appointment": appointment,
        "local_start": to_local(appointment.start, zone),
        "old_local_start": to_local(old_start, zone) if old_start else None,
        "location": appointment.location,
        "fasting": appointment.protocol.fasting_instructions,
        "link": sessions[0]["link"] if sessions else "",
        "sessions": sessions,
        "clinic_name": settings.CLINIC_NAME,
    }
    with timezone.override(zone):  # the template's dates in the clinic's wall time
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        message = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[appointment.patient.email],
              fail_silently=False)

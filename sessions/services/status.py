"""Status moves of an appointment: check-in to completed, no-show, cancel, reschedule, the escort."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import Appointment, Chair
from sessions.selectors import next_free_times
from sessions.selectors.moves import appointment_move_refusal

from .booking import _intake_blockers, appointment_book
from .errors import BookingConflict, BookingRefused, TransitionRefused, _constraint_name
from .links import appointment_links_revoke
from .locks import _lock_patient, _locked
from .notify import _notify

logger = logging.getLogger(__name__)
Status = Appointment.Status


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


def _set_status(appointment: Appointment, to_status: str, *, by, now: datetime, **fields) -> None:
    """The one path a status changes by: the status, when and by whom, and the move's own fields (a cancel's
    reason); the appointment's links stop when it is over, cancelled or moved."""
    appointment.status, appointment.status_changed_at, appointment.status_changed_by = to_status, now, by
    for name, value in fields.items():
        setattr(appointment, name, value)
    _save_status(appointment, ["status", "status_changed_at", "status_changed_by", *fields])
    if not appointment.is_occupying or to_status == Status.COMPLETED:
        appointment_links_revoke(appointment=appointment, now=now)


def _refuse_move(appointment: Appointment, to_status: str, now: datetime) -> None:
    refusal = appointment_move_refusal(appointment, to_status, now)
    if refusal:
        raise TransitionRefused([refusal])


@transaction.atomic
def appointment_transition(*, appointment: Appointment, to_status: str, by, now: datetime | None = None) -> Appointment:
    """Move along booked → confirmed → checked in → in session → recovering → completed, or to no-show.
    Cancelling and rescheduling have their own services (they need a reason or a new time)."""
    if to_status in (Status.CANCELLED, Status.RESCHEDULED):
        raise TransitionRefused(["Use cancel or reschedule for that."])
    if to_status == Status.NOT_GIVEN:
        raise TransitionRefused(["A session ends as not given only by the prescriber's stop on its record."])
    appointment = _locked(appointment)
    now = now or timezone.now()
    _refuse_move(appointment, to_status, now)
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
    _set_status(appointment, to_status, by=by, now=now)
    if to_status == Status.CHECKED_IN:
        from .records import record_open  # check-in opens the session record (issue 10)

        record_open(appointment=appointment, by=by, now=now)
    return appointment


@transaction.atomic
def appointment_discharge(*, appointment: Appointment, by, discharged_at: datetime,
                          now: datetime | None = None) -> Appointment:
    """The record's discharge completes the appointment (through its allowed moves) and frees the chair from
    the discharge time plus turnover. A session that overran keeps its booked times (the next booking holds
    the chair from its own start)."""
    for step in (Status.IN_SESSION, Status.RECOVERING, Status.COMPLETED):
        if appointment.can_move_to(step):
            appointment = appointment_transition(appointment=appointment, to_status=step, by=by, now=now)
    free_from = discharged_at + timedelta(minutes=appointment.protocol.turnover_minutes)
    if free_from < appointment.blocked_until and discharged_at > appointment.start:
        appointment.end = min(appointment.end, discharged_at)
        appointment.blocked_until = max(free_from, appointment.end)
        _save_status(appointment, ["end", "blocked_until"])
    return appointment


@transaction.atomic
def appointment_not_given(*, appointment: Appointment, by, now: datetime | None = None) -> Appointment:
    """The prescriber's Stop on a checked-in session (``services.records.hold_release``): the appointment ends
    as not given, which no longer occupies the chair, the patient's time or the nurse's slot."""
    appointment = _locked(appointment)
    now = now or timezone.now()
    _refuse_move(appointment, Status.NOT_GIVEN, now)
    _set_status(appointment, Status.NOT_GIVEN, by=by, now=now)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, by, now: datetime | None = None,
                       notify: bool = True) -> Appointment:
    """Cancel with a reason; inside ``SESSIONS_LATE_CANCEL_HOURS`` (24 h) of the start it is a late cancel."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused(["Say why the appointment is cancelled."])
    appointment = _locked(appointment)
    now = now or timezone.now()
    _refuse_move(appointment, Status.CANCELLED, now)
    late = appointment.start - now < timedelta(hours=settings.SESSIONS_LATE_CANCEL_HOURS)
    _set_status(appointment, Status.CANCELLED, by=by, now=now, cancel_reason=reason[:300], late_cancel=late)
    if notify:
        # The patient learns it is off; the reason stays in the record (it may be clinical).
        transaction.on_commit(lambda: _notify("appointment_cancelled", appointment))
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, start: datetime, chair: Chair, nurse, by,
                           now: datetime | None = None) -> Appointment:
    """Mark the old appointment rescheduled and book the new one, linked to it, in the same course. All or
    nothing: if the new time is refused or taken, the old appointment stays as it was."""
    _lock_patient(appointment.patient)  # before the appointment row: the same order as appointment_book
    old = _locked(appointment)
    now = now or timezone.now()
    _refuse_move(old, Status.RESCHEDULED, now)
    if start == old.start and chair.pk == old.chair_id:
        # Nothing would move: a new appointment and a "Was X / Now X" e-mail would only confuse the patient.
        raise BookingRefused(["Choose a different time or chair: this is the appointment's current time and "
                              "chair."])
    _set_status(old, Status.RESCHEDULED, by=by, now=now)
    try:
        return appointment_book(patient=old.patient, protocol=old.protocol, chair=chair, nurse=nurse, start=start,
                                booked_by=by, course=old.course, rescheduled_from=old, now=now)
    except BookingConflict as conflict:
        # The alternatives never offer the slot being moved (it looks free only because the move is under way).
        conflict.next_free = next_free_times(protocol=old.protocol, location=old.location, after=start,
                                             patient=old.patient, leave_out=((old.start, old.chair_id),))
        raise


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

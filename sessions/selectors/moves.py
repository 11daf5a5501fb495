"""Which status moves a user may make on an appointment now: the one answer that the service
(``services.appointment_transition``, ``appointment_cancel``, ``appointment_reschedule``), the view
(``views.appointment_action``) and the buttons a page offers (``selectors.actions``: the day board's cards and
the ``appointment_actions`` tag) all ask.

Two questions, asked in two places (README "Code map"):

- *who may* make a move is a permission, checked by the view (``Move.permissions``), and by the template so
  that it offers no button its user would meet as a 403;
- *what is allowed* now (the transition map, no-show only once the time has come, check-in only on the
  appointment's local day, cancel only before the start) is checked by the service
  (``appointment_move_refusal``); the service adds the checks that read other rows (consent, approval,
  escort), which a page shows separately before anyone presses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from sessions.courses import to_local
from sessions.models import Appointment

Status = Appointment.Status

CHANGE_PERMISSION = "clinic_sessions.change_appointment"
# Moves that are clinical care, recorded by the nurse watching, not by the front desk.
CLINICAL_PERMISSION = "clinic_sessions.attend_appointment"


@dataclass(frozen=True)
class Move:
    status: str
    action: str  # the URL's action slug, "" for moves with their own page (cancel, reschedule)
    label: str  # the button
    style: str  # the Bootstrap button style
    done: str  # past tense, for the message after the move
    permissions: tuple[str, ...] = (CHANGE_PERMISSION,)


_CLINICAL = (CHANGE_PERMISSION, CLINICAL_PERMISSION)

MOVES: tuple[Move, ...] = (
    Move(Status.CONFIRMED, "confirm", "Confirm", "outline-success", "confirmed"),
    Move(Status.CHECKED_IN, "check-in", "Check in", "success", "checked in"),
    Move(Status.IN_SESSION, "start", "Start session", "primary", "in session", _CLINICAL),
    Move(Status.RECOVERING, "recovering", "Recovering", "primary", "recovering", _CLINICAL),
    Move(Status.COMPLETED, "complete", "Complete", "primary", "completed", _CLINICAL),
    Move(Status.NO_SHOW, "no-show", "No-show", "outline-secondary", "marked as a no-show"),
    Move(Status.RESCHEDULED, "", "Reschedule", "outline-secondary", "rescheduled"),
    Move(Status.CANCELLED, "", "Cancel", "outline-danger", "cancelled"),
    # No button: only the prescriber's Stop on the session record makes it (services.appointment_not_given).
    Move(Status.NOT_GIVEN, "", "Not given", "outline-danger", "ended as not given",
         ("clinic_sessions.release_hold",)),
)
MOVES_BY_STATUS: dict[str, Move] = {move.status: move for move in MOVES}
# The one-click moves of the board and the appointment page: URL action -> move.
ACTIONS: dict[str, Move] = {move.action: move for move in MOVES if move.action}
CLINICAL_STATUSES = frozenset(move.status for move in MOVES if CLINICAL_PERMISSION in move.permissions)


def user_may_move(user, move: Move) -> bool:
    """Who may: the move's permissions (front desk confirms and checks in; the nurse starts, recovers, completes)."""
    return user is not None and user.has_perms(move.permissions)


def _local_day(moment: datetime, appointment: Appointment):
    return to_local(moment, appointment.location.time_zone).date()


def appointment_move_refusal(appointment: Appointment, to_status: str, now: datetime | None = None) -> str | None:
    """What is allowed: why ``appointment`` cannot move to ``to_status`` at ``now``, or None when it can.
    Reads only the appointment itself, so a page can ask it for every card on the board."""
    now = now or timezone.now()
    if not appointment.can_move_to(to_status):
        moves = sorted(appointment.ALLOWED_TRANSITIONS[appointment.status])
        allowed = ", ".join(str(Status(s).label).lower() for s in moves)
        return (f"A {appointment.get_status_display().lower()} appointment cannot be marked "
                f"{Status(to_status).label.lower()}." + (f" It can be: {allowed}." if allowed else ""))
    if to_status == Status.NO_SHOW and now < appointment.start:
        return "A patient can only be marked a no-show once the appointment time has come."
    if to_status == Status.CANCELLED and now >= appointment.start:
        # After the start time the patient either came (check in) or did not: that is a no-show, which the
        # clinic counts differently from a cancellation.
        return ("The appointment time has passed, so it cannot be cancelled: if the patient did not come, mark "
                "them a no-show.")
    if to_status == Status.CHECKED_IN and _local_day(now, appointment) != _local_day(appointment.start, appointment):
        # Checking in days early would make the board show the patient as here; only on the day itself.
        return (f"Check-in opens on the day of the appointment "
                f"({to_local(appointment.start, appointment.location.time_zone):%a %d %b}, clinic time).")
    return None


def appointment_moves(*, appointment: Appointment, user, now: datetime | None = None) -> list[Move]:
    """The moves ``user`` may make on ``appointment`` now: permitted to them and allowed at this moment."""
    return allowed_moves(appointment, permitted_moves(user), now or timezone.now())


def permitted_moves(user) -> tuple[Move, ...]:
    """Who may: the moves ``user`` may make on any appointment. A page of many appointments asks this once,
    then ``allowed_moves`` for each one."""
    return tuple(move for move in MOVES if user_may_move(user, move))


def allowed_moves(appointment: Appointment, moves: tuple[Move, ...], now: datetime) -> list[Move]:
    """What is allowed: those of ``moves`` that ``appointment`` can make at ``now``. The status map is asked
    first: it rules out most moves, and the refusal's message (which it would write) is not needed here."""
    return [move for move in moves
            if appointment.can_move_to(move.status) and appointment_move_refusal(appointment, move.status, now) is None]

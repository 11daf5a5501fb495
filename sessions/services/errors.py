"""What a schedule write can refuse, and the database rules behind a conflict."""

from __future__ import annotations

from django.db import IntegrityError

from sessions.selectors import FreeSlot

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


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""

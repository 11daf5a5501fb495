"""Writes for the schedule: booking, cancelling, rescheduling, status moves, courses (DESIGN.md §3).

Double booking is refused by PostgreSQL's exclusion constraints (DESIGN.md §4.1-4.3), not by a check made
before the insert: two front-desk users racing for one chair both reach the INSERT, one commits, the other's
INSERT fails with an ``IntegrityError`` naming the constraint, which becomes a ``BookingConflict`` carrying
the next free times."""

from .booking import (
    appointment_book,
    planned_sessions_for,
)
from .courses import (
    CourseSlotChoice,
    course_book,
)
from .errors import (
    CHAIR_CONSTRAINT,
    NURSE_CONSTRAINT,
    PATIENT_CONSTRAINT,
    RATIO_CONSTRAINT,
    BookingConflict,
    BookingRefused,
    TransitionRefused,
)
from .links import (
    appointment_link_issue,
    appointment_link_open,
    appointment_links_revoke,
    appointment_prepare,
)
from .status import (
    appointment_cancel,
    appointment_discharge,
    appointment_escort_record,
    appointment_not_given,
    appointment_reschedule,
    appointment_transition,
)

__all__ = [
    "BookingConflict",
    "BookingRefused",
    "CHAIR_CONSTRAINT",
    "CourseSlotChoice",
    "NURSE_CONSTRAINT",
    "PATIENT_CONSTRAINT",
    "RATIO_CONSTRAINT",
    "TransitionRefused",
    "appointment_book",
    "appointment_cancel",
    "appointment_not_given",
    "appointment_discharge",
    "appointment_escort_record",
    "appointment_link_issue",
    "appointment_link_open",
    "appointment_links_revoke",
    "appointment_prepare",
    "appointment_reschedule",
    "appointment_transition",
    "course_book",
    "planned_sessions_for",
]

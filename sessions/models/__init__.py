"""The schedule's models, one module per journey; records and the ledger join them here."""

from patients.models import Route  # the plan's route choices, used with protocols

from .emails import AppointmentEmail  # noqa: I001 - after the models it points at
from .links import AppointmentLink
from .scheduling import (
    ALLOWED_TRANSITIONS,
    OCCUPYING,
    Appointment,
    AppointmentStatus,
    Chair,
    Course,
    Protocol,
    TsTzRange,
    default_turnover_minutes,
)

__all__ = [
    "Route",
    "ALLOWED_TRANSITIONS",
    "Appointment",
    "AppointmentEmail",
    "AppointmentLink",
    "AppointmentStatus",
    "Chair",
    "Course",
    "OCCUPYING",
    "Protocol",
    "TsTzRange",
    "default_turnover_minutes",
]

"""The schedule's models, one module per journey; records and the ledger join them here."""

from patients.models import Route  # the plan's route choices, used with protocols

from .ledger import (
    CountLine,
    DiscrepancyReview,
    Drug,
    EntryKind,
    InventoryCount,
    LedgerEntry,
    Lot,
    RemsSubmission,
)
from .links import AppointmentLink  # noqa: I001 - after the models it points at
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
    "AppointmentLink",
    "AppointmentStatus",
    "Chair",
    "CountLine",
    "Course",
    "DiscrepancyReview",
    "Drug",
    "EntryKind",
    "InventoryCount",
    "LedgerEntry",
    "Lot",
    "RemsSubmission",
    "OCCUPYING",
    "Protocol",
    "TsTzRange",
    "default_turnover_minutes",
]

"""The schedule's models, one module per journey; records and the ledger join them here."""

from patients.models import Route  # the plan's route choices, used with protocols

from .emails import AppointmentEmail  # noqa: I001 - after the models it points at
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
from .links import AppointmentLink
from .records import (  # noqa: I001 - the session record (issue 10)
    VITAL_BOUNDS,
    Addendum,
    Administration,
    AdministrationChange,
    AdverseEvent,
    AdverseEventKind,
    Discharge,
    Dissociation,
    DoseOrder,
    EnteredInError,
    EsketamineDevice,
    HoldKind,
    Intervention,
    PreDoseCheck,
    PregnancyStatus,
    SessionHoldEvent,
    SessionRecord,
    Severity,
    VitalPhase,
    VitalSign,
    WeightBasis,
)
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
    "Addendum", "Administration", "AdministrationChange", "AdverseEvent", "AdverseEventKind", "Discharge",
    "Dissociation", "DoseOrder", "EnteredInError", "EsketamineDevice", "HoldKind", "Intervention", "PreDoseCheck",
    "PregnancyStatus", "SessionHoldEvent", "SessionRecord", "Severity", "VITAL_BOUNDS", "VitalPhase", "VitalSign",
    "WeightBasis",
    "Route",
    "ALLOWED_TRANSITIONS",
    "Appointment",
    "AppointmentEmail",
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

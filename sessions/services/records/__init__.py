"""Writes for the supervised-session record (issue 10): one module per step of the session."""

from .checks import hold_release, predose_check_record, record_hold_state, record_open
from .closing import (
    MARKABLE,
    addendum_add,
    circulation_score,
    entered_in_error_mark,
    record_discharge,
    record_sign,
)
from .doses import (
    DEVICE_MG,
    administration_change,
    administration_sign,
    administration_start,
    dose_order_prepare,
    dose_working,
    esketamine_device_give,
)
from .errors import RULE_MESSAGES, RecordRefused, refused_by_database, rule_name
from .thresholds import thresholds_in_force, vital_flags
from .vitals import RESCUE_DRUGS, adverse_event_record, vital_sign_record

__all__ = [
    "DEVICE_MG", "MARKABLE", "RESCUE_DRUGS", "RULE_MESSAGES", "RecordRefused", "addendum_add",
    "administration_change", "administration_sign", "administration_start", "adverse_event_record",
    "circulation_score", "dose_order_prepare", "dose_working", "entered_in_error_mark", "esketamine_device_give",
    "hold_release", "predose_check_record", "record_discharge", "record_hold_state", "record_open", "record_sign",
    "refused_by_database", "rule_name", "thresholds_in_force", "vital_flags", "vital_sign_record",
]

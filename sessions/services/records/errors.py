"""What a session-record write can refuse, and the PostgreSQL rules behind a refusal."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import IntegrityError, InternalError, transaction

logger = logging.getLogger(__name__)

# The database rule -> what the person at the chair reads (and can act on).
RULE_MESSAGES = {
    "session_record_signed_lock": "This record is signed and locked: corrections are addenda.",
    "session_record_never_deleted": "Nothing in a session record is ever deleted: mark it entered in error.",
    "session_record_dose_on_hold": "The session is on hold: no dose until a prescriber says go.",
    "record_sign_ledger_balanced": "Drawn, given and wasted for this session do not balance: record them in the "
                                   "controlled-substance ledger, then sign.",
    "esketamine_device_interval": "Esketamine devices must be at least 5 minutes apart.",
    "discharge_esketamine_observation": "Esketamine: discharge is not allowed before 120 minutes from the first "
                                        "device.",
    "discharge_aldrete_at_least_9": "A modified Aldrete score of at least 9 is needed to discharge.",
    "discharge_escort_and_instructions": "Discharge needs the escort present and the written instructions given.",
    "session_record_one_per_appointment": "This appointment already has a session record.",
    "predose_check_one_per_record": "The pre-dose checks are already recorded.",
    "dose_order_one_per_record": "The dose order is already recorded.",
    "administration_one_per_record": "The administration is already recorded.",
    "discharge_one_per_record": "The patient is already discharged.",
    "dose_order_above_cap_needs_override": "This dose is above the cap: a prescriber's override with a reason "
                                           "is needed.",
    "esketamine_device_number_unique": "That device is already recorded.",
    "entered_in_error_once": "That entry is already marked entered in error.",
}


class RecordRefused(Exception):
    """A rule stops this write; ``reasons`` say which, in words the user can act on."""

    def __init__(self, reasons: list[str] | str):
        reasons = [reasons] if isinstance(reasons, str) else reasons
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def rule_name(exc: Exception) -> str:
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", "") or ""


@contextmanager
def refused_by_database():
    """Turn a database rule's refusal into a ``RecordRefused`` with its message (never a 500), inside a
    savepoint so that nothing of the write is half-saved."""
    try:
        with transaction.atomic():
            yield
    except (IntegrityError, InternalError) as exc:
        name = rule_name(exc)
        logger.info("Session record write refused by the database (%s)", name or "unnamed rule")
        raise RecordRefused(RULE_MESSAGES.get(name, f"The database refused this entry ({name or 'a rule'}).")) \
            from exc

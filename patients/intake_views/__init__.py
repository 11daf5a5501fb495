"""The patient's intake pages, reached by a link without an account (DESIGN.md §6)."""

from .proof import (
    IDLE_MESSAGE,
    PENDING_KEY,
    PROOF_KEY,
    STASHED_MESSAGE,
    UNUSABLE_STATUS,
    link,
    start,
    start_done,
)
from .steps import (
    NOT_EDITABLE_MESSAGE,
    consent_only,
    crisis,
    intake_summary,
    step,
    submit,
)

__all__ = [
    "IDLE_MESSAGE",
    "NOT_EDITABLE_MESSAGE",
    "PENDING_KEY",
    "PROOF_KEY",
    "STASHED_MESSAGE",
    "UNUSABLE_STATUS",
    "consent_only",
    "crisis",
    "intake_summary",
    "link",
    "start",
    "start_done",
    "step",
    "submit",
]

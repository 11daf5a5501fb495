"""Eligibility screening of intake answers (CLINICAL.md §2).

Pure Python: no Django, no database. ``MEDICAL_CHECKLIST`` is the single source of the yes/no
contraindication checklist: the intake form renders its questions and ``screen()`` applies its levels.

``screen(answers)`` expects a plain mapping with these keys (all optional; a missing checklist answer is
reported as a finding, never read as "no"):

``medical_history``: ``dict[str, bool | None]``
    One answer per ``MEDICAL_CHECKLIST`` key (True = yes, False = no, None = not answered).
``medications``: ``list[str]``
    Current medications, free text, one per entry (``"Xanax 0.5 mg at night"``).
``allergies``: ``str``
    Allergies and prior anaesthesia reactions, free text.
``antidepressant_trials``: ``list[dict]``
    One dict per trial with keys ``drug`` (str), ``dose`` (str, as written), ``weeks`` (number of weeks
    at that dose, or None), ``adequate_dose`` (bool | None: was it a therapeutic dose?),
    ``current_episode`` (bool | None), ``response`` (one of ``TRIAL_RESPONSES`` or None = unknown) and
    optionally ``why_stopped`` (str)."""

from .checklist import (
    ADEQUATE_TRIAL_MIN_WEEKS,
    CHECKLIST_BY_KEY,
    CONTRAINDICATION,
    EXPLANATION,
    FAILED_RESPONSES,
    INFO,
    KETAMINE_NAMES,
    LEVEL_DETAIL,
    LEVELS,
    MEDICAL_CHECKLIST,
    MEDICATION,
    MEDICATION_CLASSES,
    MEDICATION_REASONS,
    REVIEW,
    RULE_TITLES,
    TRD_MIN_FAILED_TRIALS,
    TRIAL_RESPONSES,
    ChecklistItem,
)
from .rules import (
    Finding,
    ScreeningError,
    ScreeningResult,
    adequate_failed_trials,
    is_adequate_failed_trial,
    medication_classes,
    mentions_ketamine,
    screen,
    trials_meet_trd,
)

__all__ = [
    "ADEQUATE_TRIAL_MIN_WEEKS",
    "CHECKLIST_BY_KEY",
    "CONTRAINDICATION",
    "ChecklistItem",
    "EXPLANATION",
    "FAILED_RESPONSES",
    "Finding",
    "INFO",
    "KETAMINE_NAMES",
    "LEVELS",
    "LEVEL_DETAIL",
    "MEDICAL_CHECKLIST",
    "MEDICATION",
    "MEDICATION_CLASSES",
    "MEDICATION_REASONS",
    "REVIEW",
    "RULE_TITLES",
    "ScreeningError",
    "ScreeningResult",
    "TRD_MIN_FAILED_TRIALS",
    "TRIAL_RESPONSES",
    "adequate_failed_trials",
    "is_adequate_failed_trial",
    "medication_classes",
    "mentions_ketamine",
    "screen",
    "trials_meet_trd",
]

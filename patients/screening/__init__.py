"""Eligibility screening of intake answers (CLINICAL.md §2).

Pure Python: no Django, no database. ``MEDICAL_CHECKLIST`` is the single source of the yes/no
contraindication checklist: the intake form renders its questions and ``screen()`` applies its levels.

``screen(answers)`` expects a plain mapping with these keys (all optional; a missing checklist answer is
reported as a finding, never read as "no"):

``medical_history``: ``dict[str, bool | None]``
    One answer per ``MEDICAL_CHECKLIST`` key (True = yes, False = no, "unsure" = not sure, which counts as
    review, None = not answered); keys of ``RETIRED_CHECKLIST`` saved earlier are still read.
``stroke_when``: ``str`` — when a stroke or TIA happened (free text), shown with a "yes".
``medication_classes``: ``dict[str, bool | "unsure" | None]``
    Yes / no / not sure per ``MEDICATION_CLASS_QUESTIONS`` key (absent in intakes saved before they existed).
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
    MEDICATION_CLASS_QUESTIONS,
    MEDICATION_CLASSES,
    MEDICATION_REASONS,
    RETIRED_CHECKLIST,
    REVIEW,
    RULE_TITLES,
    TRD_MIN_FAILED_TRIALS,
    TRIAL_RESPONSES,
    UNSURE,
    ChecklistItem,
)
from .rules import (
    Finding,
    ScreeningError,
    ScreeningResult,
    adequate_failed_trials,
    different_failed_drugs,
    drug_key,
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
    "MEDICATION_CLASS_QUESTIONS",
    "RETIRED_CHECKLIST",
    "UNSURE",
    "MEDICATION_REASONS",
    "REVIEW",
    "RULE_TITLES",
    "ScreeningError",
    "ScreeningResult",
    "TRD_MIN_FAILED_TRIALS",
    "TRIAL_RESPONSES",
    "adequate_failed_trials",
    "different_failed_drugs",
    "drug_key",
    "is_adequate_failed_trial",
    "medication_classes",
    "mentions_ketamine",
    "screen",
    "trials_meet_trd",
]

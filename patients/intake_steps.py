"""The steps of the online intake, in order, and how saved answers feed scoring and screening.

Pure Python. Answers are stored per step (``intake.answers["about"]`` …) as plain JSON values; the forms in
``patients/intake_forms.py`` produce them and this module reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from patients import scoring


@dataclass(frozen=True)
class Step:
    slug: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("about", "About you"),
    Step("contacts", "Contacts and escort"),
    Step("psychiatric", "Mental health history"),
    Step("treatments", "Past treatments"),
    Step("medications", "Medicines and allergies"),
    Step("medical", "Medical history"),
    Step("phq9", "Mood (PHQ-9)"),
    Step("gad7", "Anxiety (GAD-7)"),
    Step("cssrs", "Safety questions"),
    Step("pcl5", "After a stressful experience (PCL-5)"),
    Step("consent", "Consent"),
    Step("review", "Review and submit"),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
# Questionnaire steps and the instrument each one scores (CLINICAL.md §3).
QUESTIONNAIRE_STEPS: dict[str, str] = {
    "phq9": scoring.PHQ9, "gad7": scoring.GAD7, "cssrs": scoring.CSSRS, "pcl5": scoring.PCL5,
}
# Steps that hold answers (consent is a signature row, review shows the rest).
ANSWER_STEPS = tuple(step.slug for step in STEPS if step.slug not in ("consent", "review"))

REASONS = (
    ("depression", "Depression"),
    ("ptsd", "PTSD (post-traumatic stress)"),
    ("anxiety", "Anxiety"),
    ("ocd", "OCD"),
    ("pain", "Chronic pain"),
    ("other", "Something else"),
)


def ptsd_among_reasons(answers: Mapping[str, Any]) -> bool:
    """The PCL-5 is asked only when PTSD is among the reasons for treatment (issue 3)."""
    return "ptsd" in (answers.get("about") or {}).get("reasons", [])


def steps_for(answers: Mapping[str, Any]) -> list[Step]:
    return [step for step in STEPS if step.slug != "pcl5" or ptsd_among_reasons(answers)]


def missing_steps(answers: Mapping[str, Any]) -> list[Step]:
    """Answer steps not yet saved, in order. Consent is checked separately (a signature row)."""
    return [step for step in steps_for(answers) if step.slug in ANSWER_STEPS and not answers.get(step.slug)]


def next_step(answers: Mapping[str, Any], after: str) -> Step:
    steps = steps_for(answers)
    slugs = [step.slug for step in steps]
    index = slugs.index(after) if after in slugs else -1
    return steps[min(index + 1, len(steps) - 1)]


def first_open_step(answers: Mapping[str, Any]) -> Step:
    missing = missing_steps(answers)
    return missing[0] if missing else STEPS_BY_SLUG["consent"]


def score_step(slug: str, data: Mapping[str, Any], *, pcl5_cutoff: int = scoring.PCL5_DEFAULT_CUTOFF):
    """Score a questionnaire step's answers with ``patients.scoring``."""
    instrument = QUESTIONNAIRE_STEPS[slug]
    if instrument == scoring.PCL5:
        return scoring.score_pcl5(data, cutoff=pcl5_cutoff)
    return scoring.score(instrument, data)


def partial_urgent_reasons(slug: str, form) -> tuple[str, ...]:
    """Urgent reasons in a questionnaire step that did not validate (an item missed), from the answers the
    form could read: the rules are ``patients.scoring``'s, not repeated here."""
    instrument = QUESTIONNAIRE_STEPS.get(slug)
    partial = getattr(form, "partial_answers", None)
    if instrument is None or partial is None:
        return ()
    return scoring.urgent_reasons_in_partial(instrument, partial())


def screening_input(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping ``patients.screening.screen`` expects, built from saved intake answers."""
    medicines = answers.get("medications") or {}
    medical = answers.get("medical") or {}
    return {
        "medical_history": dict(medical.get("checklist", {})),
        "stroke_when": medical.get("stroke_when", ""),
        "medication_classes": dict(medicines.get("classes", {})),
        "medications": [line for line in medicines.get("medications", []) if line],
        "allergies": medicines.get("allergies", ""),
        "antidepressant_trials": list((answers.get("treatments") or {}).get("trials", [])),
    }

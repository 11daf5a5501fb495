"""Demo and test content for the intake: a consent text covering CLINICAL.md §2 and a complete set of answers.

Used by ``manage.py seed_demo`` and the test factories; never by a clinic's real data.
"""

from __future__ import annotations

from patients.screening import MEDICAL_CHECKLIST, MEDICATION_CLASS_QUESTIONS

# Covers every point CLINICAL.md §2 lists for consent. A clinic publishes its own text (Consent page).
DEMO_CONSENT_TEXT = """\
What this is. Ketamine given by IV infusion or IM injection for depression is "off-label": the FDA has not \
approved it for this use. Esketamine nasal spray (Spravato) is FDA-approved for treatment-resistant depression.

What happens. A nurse checks your blood pressure, heart rate, breathing and oxygen level before, during and \
after each treatment. Your dose is worked out from your body weight (milligrams per kilogram).

Side effects. Feeling detached or unreal (dissociation), seeing or hearing things (hallucinations), nausea, \
dizziness, and a rise in blood pressure and heart rate. These usually pass within an hour or two.

Longer-term risks. Ketamine can be misused. Frequent use over a long time can harm the bladder and the liver.

After each treatment. You must not drive or operate machinery until the next day after a restful sleep. A \
responsible adult must take you home.

Pregnancy. Tell us if you are or might be pregnant or are breastfeeding: ketamine is not recommended.

Alternatives. Other medicines, talking therapies, TMS and ECT are alternatives; your prescriber can discuss them.

No guarantee. Not everyone improves with ketamine.

Your right to withdraw. You may stop at any time, including on the day, before the dose is given.
"""


def demo_intake_answers(*, reasons=("depression",), phq9_item9=0, cssrs_high=False) -> dict:
    """A full, valid set of intake step answers, as the intake forms save them: two failed adequate trials."""
    trial = {"drug": "sertraline", "dose": "150 mg", "weeks": 8, "adequate_dose": True, "current_episode": True,
             "response": "none", "why_stopped": "No effect"}
    answers = {
        "about": {"preferred_name": "", "sex": "female", "height_cm": 170.0, "weight_kg": 70.0,
                  "primary_care": "Dr Grey", "referring_clinician": "", "reasons": list(reasons)},
        "contacts": {"phone": "+1 555 0142", "address": "1 Elm Street", "emergency_name": "Robin Rivera",
                     "emergency_phone": "+1 555 0143", "emergency_relationship": "Partner",
                     "escort_name": "Robin Rivera", "escort_phone": "+1 555 0143"},
        "psychiatric": {"diagnoses": "Major depressive disorder", "episode_months": 18, "hospitalisations": 0,
                        "suicide_attempts": False, "substance_use": "", "family_psychosis": "no"},
        "treatments": {"trials": [trial, {**trial, "drug": "bupropion", "dose": "300 mg", "response": "partial"}],
                       "ect": False, "tms": False, "psychotherapy": True, "psychotherapy_detail": "CBT"},
        "medications": {"medications": ["Sertraline 150 mg"], "allergies": "None known",
                        "classes": dict.fromkeys(MEDICATION_CLASS_QUESTIONS, False)},
        "medical": {"checklist": {item.key: False for item in MEDICAL_CHECKLIST}, "stroke_when": ""},
        "phq9": {f"q{i}": 2 for i in range(1, 9)} | {"q9": phq9_item9},
        "gad7": {f"q{i}": 1 for i in range(1, 8)},
        "cssrs": ({"q1": True, "q2": True, "q3": True, "q4": True, "q5": False, "q6": False, "q6_recent": None}
                  if cssrs_high else {"q1": False, "q2": False, "q3": None, "q4": None, "q5": None, "q6": False,
                                      "q6_recent": None}),
    }
    if "ptsd" in reasons:
        answers["pcl5"] = {f"q{i}": 2 for i in range(1, 21)}
    return answers

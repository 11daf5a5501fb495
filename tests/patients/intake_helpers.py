"""Helpers for intake tests: open a link as a patient, post steps as the forms would."""

from django.urls import reverse

from patients.services import invitation_send
from tests.factories import PatientFactory


def invite(patient=None, **fields):
    patient = patient or PatientFactory(**fields)
    issued = invitation_send(patient=patient, sent_by=None, by_email=False)
    return patient, issued


def prove(client, token, dob):
    return client.post(reverse("intake:link", kwargs={"token": token}), {"date_of_birth": dob.isoformat()})


def step_url(token, step):
    return reverse("intake:step", kwargs={"token": token, "step": step})


YES_NO_ALL_NO = "no"

STEP_POSTS = {
    "about": {"sex": "female", "height": "66", "height_unit": "in", "weight": "150", "weight_unit": "lb",
              "primary_care": "Dr Grey", "reasons": ["depression"]},
    "contacts": {"phone": "555 010 0142", "address": "1 Elm Street", "emergency_name": "Robin Rivera",
                 "emergency_phone": "555 010 0143", "emergency_relationship": "Partner", "escort_name": "Robin Rivera",
                 "escort_phone": "555 010 0143"},
    "psychiatric": {"diagnoses": "Depression", "episode_months": "18", "hospitalisations": "0",
                    "suicide_attempts": "no", "family_psychosis": "no"},
    "treatments": {"trials-TOTAL_FORMS": "2", "trials-INITIAL_FORMS": "0", "trials-MIN_NUM_FORMS": "0",
                   "trials-MAX_NUM_FORMS": "30",
                   "trials-0-drug": "Sertraline", "trials-0-dose": "150 mg", "trials-0-weeks": "8",
                   "trials-0-adequate_dose": "yes", "trials-0-current_episode": "yes", "trials-0-response": "none",
                   "trials-1-drug": "Bupropion", "trials-1-dose": "300 mg", "trials-1-weeks": "6",
                   "trials-1-adequate_dose": "yes", "trials-1-current_episode": "yes",
                   "trials-1-response": "partial",
                   "ect": "no", "tms": "no", "psychotherapy": "yes"},
    "medications": {"medications": "Sertraline 150 mg\nXanax 0.5 mg at night", "allergies": "none",
                    "class_benzodiazepine": "yes", "class_opioid": "no", "class_psychostimulant": "no",
                    "class_maoi": "no", "class_lamotrigine": "no", "class_cns_depressant": "no"},
    "phq9": {f"q{i}": "2" for i in range(1, 9)} | {"q9": "0"},
    "gad7": {f"q{i}": "1" for i in range(1, 8)},
    "cssrs": {"q1": "no", "q2": "no", "q6": "no"},
}


def medical_post(**answers):
    """Every checklist question "no", except those given: True → "yes", or the choice itself ("unsure")."""
    from patients.screening import MEDICAL_CHECKLIST

    post = {item.key: {True: "yes", None: "no", False: "no"}.get(answers.get(item.key), answers.get(item.key))
            for item in MEDICAL_CHECKLIST}
    if post.get("stroke_or_tia") == "yes":
        post["stroke_when"] = "March 2019"
    return post

"""Issue 9: clinical safety at intake (CLINICAL.md §1-§3). One test (or a few) per rule, named for it."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from patients import scoring, screening
from patients.intake_forms import AboutForm, MedicalForm
from patients.models import IntakeDecision, TreatmentPlan, UrgentAcknowledgement
from patients.services import (
    IntakeError,
    intake_decide,
    intake_step_save,
    intake_urgent_acknowledge,
)
from tests.factories import complete_intake_answers, make_submitted_intake
from tests.patients.intake_helpers import STEP_POSTS, invite, medical_post, prove, step_url

pytestmark = pytest.mark.django_db

IV_PLAN = {"route": "iv", "protocol_name": "IV induction", "target_dose_mg_per_kg": "0.5", "number_of_sessions": 6}


def _answers(**medical):
    answers = complete_intake_answers()
    answers["medical"]["checklist"].update(medical)
    return answers


def _refused_by(constraint: str, create) -> None:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    assert constraint in str(caught.value)


# --- 1. An absolute contraindication blocks approval unless the prescriber writes a reason -------------------


def test_approval_with_an_absolute_contraindication_needs_a_written_reason(prescriber):
    intake = make_submitted_intake(answers=_answers(aneurysmal_vascular_disease=True))
    assert intake.has_contraindication
    with pytest.raises(IntakeError, match="absolute contraindication"):
        intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan=IV_PLAN)
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                             plan={**IV_PLAN, "contraindication_override_reason": "Repaired 2010; vascular OK"})
    assert decision.contraindication_override_reason == "Repaired 2010; vascular OK"


def test_postgresql_refuses_an_approval_with_a_contraindication_and_no_reason(prescriber):
    intake = make_submitted_intake(answers=_answers(intracerebral_haemorrhage=True))
    _refused_by("decision_approval_safety", lambda: IntakeDecision.objects.create(
        intake=intake, kind="approve", decided_by=prescriber))


def test_approval_is_refused_while_an_urgent_flag_is_unacknowledged(prescriber):
    intake = make_submitted_intake(answers=complete_intake_answers(phq9_item9=2))
    with pytest.raises(IntakeError, match="urgent flag"):
        intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan=IV_PLAN)
    _refused_by("decision_approval_safety", lambda: IntakeDecision.objects.create(
        intake=intake, kind="approve", decided_by=prescriber))
    intake_urgent_acknowledge(intake=intake, acknowledged_by=prescriber, note="Called: safe, plan agreed")
    assert intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan=IV_PLAN).pk


def test_the_override_reason_is_shown_with_the_plan(prescriber, prescriber_client):
    intake = make_submitted_intake(answers=_answers(aneurysmal_vascular_disease=True))
    intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                  plan={**IV_PLAN, "contraindication_override_reason": "Cleared by vascular surgery"})
    for url in (intake.get_absolute_url(), intake.patient.get_absolute_url()):
        assert "Cleared by vascular surgery" in prescriber_client.get(url).content.decode()


# --- 2. An urgent flag on an unfinished intake can be opened and acknowledged, with a note ------------------


def _unfinished_flagged_intake(patient=None):
    patient, issued = invite(patient)
    intake = issued.link.intake
    intake = intake_step_save(intake=intake, step="phq9", data=complete_intake_answers(phq9_item9=2)["phq9"])
    assert intake.is_urgent and intake.submitted_at is None
    return intake


def test_an_unfinished_flagged_intake_opens_from_the_queue_and_acknowledges_with_a_note(prescriber_client):
    intake = _unfinished_flagged_intake()
    queue = prescriber_client.get(reverse("patients:intake_list")).content.decode()
    assert intake.get_absolute_url() in queue
    assert prescriber_client.get(intake.get_absolute_url()).status_code == 200
    url = reverse("patients:intake_acknowledge", kwargs={"public_id": intake.public_id})
    prescriber_client.post(url, {"note": "  "})
    intake.refresh_from_db()
    assert intake.is_urgent  # no note, no acknowledgement
    prescriber_client.post(url, {"note": "Called the patient: safe, seeing GP today"})
    intake.refresh_from_db()
    assert not intake.is_urgent
    [ack] = UrgentAcknowledgement.objects.filter(intake=intake)
    assert ack.note == "Called the patient: safe, seeing GP today"


def test_postgresql_keeps_urgent_acknowledgements_append_only_and_with_a_note(prescriber):
    intake = _unfinished_flagged_intake()
    _refused_by("urgent_ack_has_note", lambda: UrgentAcknowledgement.objects.create(
        intake=intake, note=" ", acknowledged_by=prescriber))
    intake_urgent_acknowledge(intake=intake, acknowledged_by=prescriber, note="Called, safe")
    ack = UrgentAcknowledgement.objects.get(intake=intake)
    with pytest.raises(Exception, match="Cannot update or delete"), transaction.atomic():
        UrgentAcknowledgement.objects.filter(pk=ack.pk).update(note="edited")


# --- 3. A new urgent flag e-mails the on-call address at once; honest patient text ---------------------------


def test_a_new_urgent_flag_emails_the_oncall_address_after_commit_without_clinical_words(
        settings, django_capture_on_commit_callbacks, patient):
    settings.CLINIC_ONCALL_EMAIL = "oncall@clinic.test"
    settings.SITE_URL = "https://clinic.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        intake = _unfinished_flagged_intake(patient)
    [message] = [m for m in mail.outbox if m.to == ["oncall@clinic.test"]]
    text = (message.subject + message.body).lower()
    assert f"https://clinic.example.org/patients/intakes/{intake.public_id}/" in message.body or \
        f"https://clinic.example.org{intake.get_absolute_url()}" in message.body
    for word in ("phq", "c-ssrs", "suicid", "self-harm", "death", "risk", patient.legal_first_name.lower(),
                 patient.legal_last_name.lower()):
        assert word not in text
    intake.refresh_from_db()
    assert intake.urgent_notified_at is not None


def test_the_crisis_page_says_when_answers_are_read_and_that_the_form_is_not_watched(client, patient):
    patient_, issued = invite(patient)
    prove(client, issued.token, patient.date_of_birth)
    response = client.post(step_url(issued.token, "phq9"), STEP_POSTS["phq9"] | {"q9": "2"}, follow=True)
    page = response.content.decode()
    assert "not watched around the clock" in page and "988" in page and "911" in page
    assert "will be in touch" not in page


def test_the_submitted_page_promises_no_two_working_days_to_a_flagged_patient(client, patient):
    from patients.services import consent_sign, intake_submit
    from tests.factories import published_consent

    patient_, issued = invite(patient)
    prove(client, issued.token, patient.date_of_birth)  # as the patient does before answering
    intake = issued.link.intake
    for step, data in complete_intake_answers(phq9_item9=2).items():
        intake = intake_step_save(intake=intake, step=step, data=data)
    consent_sign(patient=patient, document=published_consent(), typed_name=patient.full_name,
                 ip_address="127.0.0.1", user_agent="test", intake=intake)
    intake_submit(intake=intake)
    page = client.get(reverse("intake:link", kwargs={"token": issued.token}), follow=True).content.decode()
    assert "two working days" not in page and "not watched around the clock" in page


# --- 4. A C-SSRS yes to Q3-5 is stored and scored even when Q2 is no ------------------------------------------


def test_cssrs_yes_to_q4_with_q2_no_is_stored_scored_and_shown_as_a_contradiction(client, patient, prescriber_client):
    patient_, issued = invite(patient)
    prove(client, issued.token, patient.date_of_birth)
    client.post(step_url(issued.token, "cssrs"), {"q1": "yes", "q2": "no", "q4": "yes", "q6": "no"})
    intake = issued.link.intake
    intake.refresh_from_db()
    assert intake.answers["cssrs"]["q4"] is True
    assert intake.is_urgent and intake.urgent_label == "Immediate evaluation"
    page = prescriber_client.get(intake.get_absolute_url()).content.decode()
    assert "Contradictory C-SSRS answers" in page and "Question 4 answered Yes although question 2 was No" in page


# --- 6. High C-SSRS risk is labelled "Immediate evaluation" ----------------------------------------------------


def test_high_cssrs_risk_is_labelled_immediate_evaluation_in_the_queue(prescriber_client):
    make_submitted_intake(answers=complete_intake_answers(cssrs_high=True))
    page = prescriber_client.get(reverse("patients:intake_list")).content.decode()
    assert "Urgent: Immediate evaluation" in page


# --- 7. IM has its own cap (0.5 mg/kg), a setting read in one place --------------------------------------------


def test_an_im_plan_above_half_a_mg_per_kg_needs_a_written_reason(prescriber):
    intake = make_submitted_intake()
    plan = {**IV_PLAN, "route": "im", "target_dose_mg_per_kg": "1.0"}
    with pytest.raises(IntakeError, match="cap of 0.5"):
        intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan=plan)


def test_postgresql_refuses_an_im_plan_above_its_cap_without_a_reason(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not now")
    _refused_by("plan_dose_above_cap_has_reason", lambda: TreatmentPlan.objects.create(
        decision=decision, patient=intake.patient, route="im", protocol_name="IM", target_dose_mg_per_kg="0.8",
        number_of_sessions=6))


def test_a_lower_im_cap_setting_is_what_the_approval_asks_for(prescriber, settings):
    settings.IM_DOSE_CAP_MG_PER_KG = "0.3"
    intake = make_submitted_intake()
    with pytest.raises(IntakeError, match="cap of 0.3"):
        intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                      plan={**IV_PLAN, "route": "im", "target_dose_mg_per_kg": "0.4"})


# --- 10. The esketamine dose is the prescriber's order on the plan ---------------------------------------------


def test_an_esketamine_plan_carries_the_ordered_dose(prescriber):
    intake = make_submitted_intake()
    plan = {"route": "intranasal", "protocol_name": "Spravato", "number_of_sessions": 8}
    with pytest.raises(IntakeError, match="56 or 84"):
        intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan=plan)
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                             plan={**plan, "esketamine_dose_mg": 84})
    assert decision.treatment_plan.esketamine_dose_mg == 84


def test_postgresql_refuses_an_esketamine_plan_without_a_label_dose(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not now")
    for dose in (None, 70):
        _refused_by("plan_esketamine_dose_ordered", lambda dose=dose: TreatmentPlan.objects.create(
            decision=decision, patient=intake.patient, route="intranasal", protocol_name="Spravato",
            esketamine_dose_mg=dose, number_of_sessions=8))


# --- 12. Treatment resistance counts different antidepressants, patient-reported ----------------------------


def test_treatment_resistance_counts_different_antidepressants_only():
    trial = {"drug": "Sertraline", "dose": "150 mg", "weeks": 8, "adequate_dose": True, "current_episode": True,
             "response": "none"}
    twice = [trial, {**trial, "drug": "sertraline 200 mg"}]
    assert screening.trials_meet_trd(twice) is False
    assert screening.trials_meet_trd([trial, {**trial, "drug": "Bupropion"}]) is True
    [finding] = [f for f in screening.screen({"antidepressant_trials": twice}).findings if f.rule_code == "trd"]
    assert "patient-reported" in finding.title.lower() and "Patient-reported" in finding.detail


# --- 13. Medicines: yes / no / not sure per class beside the free text; more names matched -----------------


@pytest.mark.parametrize("text,drug_class", [
    ("Klonipin 1 mg", "benzodiazepine"), ("xanex at night", "benzodiazepine"), ("Tylenol #3", "opioid"),
    ("phentermine 37.5", "psychostimulant"), ("methylene blue", "maoi"), ("ketamine troches 50 mg", "ketamine"),
])
def test_medication_screening_catches_misspellings_brands_and_a_current_ketamine_prescription(text, drug_class):
    assert drug_class in screening.medication_classes(text)


def test_medication_class_answers_flag_a_yes_and_send_a_not_sure_to_review():
    result = screening.screen({"medication_classes": {"opioid": True, "maoi": "unsure", "lamotrigine": False}})
    codes = {f.rule_code: f.level for f in result.findings}
    assert codes["med_opioid"] == screening.MEDICATION and codes["med_unsure"] == screening.REVIEW
    assert "med_lamotrigine" not in codes


def test_the_medicines_step_asks_each_class_with_not_sure(client, patient):
    patient_, issued = invite(patient)
    prove(client, issued.token, patient.date_of_birth)
    client.post(step_url(issued.token, "medications"), STEP_POSTS["medications"] | {"class_opioid": "unsure"})
    intake = issued.link.intake
    intake.refresh_from_db()
    assert intake.answers["medications"]["classes"]["opioid"] == "unsure"
    assert intake.answers["medications"]["classes"]["benzodiazepine"] is True


# --- 14. "Not sure" on the medical checklist counts as review ---------------------------------------------------


def test_not_sure_on_the_medical_checklist_counts_as_review_never_as_no():
    form = MedicalForm(data=medical_post(aneurysmal_vascular_disease="unsure"))
    assert form.is_valid(), form.errors
    answers = form.to_answers()
    assert answers["checklist"]["aneurysmal_vascular_disease"] == "unsure"
    result = screening.screen({"medical_history": answers["checklist"]})
    [finding] = [f for f in result.findings if f.rule_code == "aneurysmal_vascular_disease"]
    assert finding.level == screening.REVIEW and "Not sure" in finding.source_answer
    assert result.needs_review and not result.has_contraindication


# --- 15. Height and weight: units explicit; an implausible BMI asks the patient to confirm -------------------


def test_an_implausible_bmi_asks_the_patient_to_confirm_before_saving():
    pounds_meant_as_kg = STEP_POSTS["about"] | {"weight": "70", "weight_unit": "lb"}  # 31.8 kg at 5'6"
    form = AboutForm(data=pounds_meant_as_kg)
    assert not form.is_valid() and "bmi_confirmed" in form.errors
    confirmed = AboutForm(data=pounds_meant_as_kg | {"bmi_confirmed": "on"})
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.to_answers()["bmi_confirmed"] is True


def test_height_and_weight_units_are_never_preselected():
    form = AboutForm(data={k: v for k, v in STEP_POSTS["about"].items() if k != "weight_unit"})
    assert not form.is_valid() and "weight_unit" in form.errors


# --- 16. Stroke/TIA ever (with when), coronary disease, arrhythmia and heart failure are asked -------------


def test_the_checklist_asks_stroke_ever_with_when_and_heart_conditions():
    keys = {item.key for item in screening.MEDICAL_CHECKLIST if item.level == screening.REVIEW}
    assert {"stroke_or_tia", "coronary_disease", "arrhythmia", "heart_failure",
            "heart_attack_or_unstable_angina"} <= keys
    no_when = medical_post(stroke_or_tia=True) | {"stroke_when": ""}
    assert "stroke_when" in MedicalForm(data=no_when).errors
    answers = MedicalForm(data=medical_post(stroke_or_tia=True))
    assert answers.is_valid()
    [finding] = [f for f in screening.screen({"medical_history": answers.to_answers()["checklist"],
                                              "stroke_when": "March 2019"}).findings if f.rule_code == "stroke_or_tia"]
    assert "March 2019" in finding.source_answer


def test_answers_saved_under_the_retired_cardiac_question_are_still_read():
    history = {item.key: False for item in screening.MEDICAL_CHECKLIST} | {"recent_heart_attack_angina_or_stroke": True}
    codes = [f.rule_code for f in screening.screen({"medical_history": history}).findings]
    assert "recent_heart_attack_angina_or_stroke" in codes


# --- 17. Smaller wording and record-keeping fixes ---------------------------------------------------------------


def test_cssrs_q6_carries_columbias_examples():
    q6 = dict(scoring.CSSRS_ITEMS)["q6"]
    assert "collected pills" in q6 and "wrote a will or suicide note" in q6


def test_the_psychosis_question_asks_plainly_about_hallucinations_and_fixed_false_beliefs():
    question = screening.CHECKLIST_BY_KEY["psychosis"].question
    assert "others said were not true" not in question
    assert "heard voices" in question and "talk you out of" in question


def test_the_pcl5_cutoff_in_force_is_stored_with_the_result(settings):
    settings.PCL5_CUTOFF = 31
    intake = make_submitted_intake(answers=complete_intake_answers(reasons=("depression", "ptsd")))
    assessment = intake.assessments.get(instrument="pcl5")
    assert assessment.cutoff == 31

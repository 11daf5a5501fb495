"""The patient's intake through the link, with the Django test client: steps, drafts, submit, escalation."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from clinic.audit.models import AccessEvent
from patients.models import Assessment, ConsentSignature, Intake, IntakeStatus
from tests.factories import published_consent
from tests.patients.intake_helpers import STEP_POSTS, invite, medical_post, prove, step_url

pytestmark = pytest.mark.django_db
DOB = datetime.date(1985, 6, 15)


def _fill_all(client, token, **overrides):
    for step, data in STEP_POSTS.items():
        response = client.post(step_url(token, step), overrides.get(step, data))
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    assert client.post(step_url(token, "medical"), overrides.get("medical", medical_post())).status_code == 302


def test_nothing_shows_before_the_date_of_birth_is_proven(client):
    patient, issued = invite(legal_last_name="Rivera", date_of_birth=DOB)
    response = client.get(step_url(issued.token, "about"))
    assert response.status_code == 302 and response.url == reverse("intake:link", kwargs={"token": issued.token})
    page = client.get(response.url).content.decode()
    assert "date of birth" in page and "Rivera" not in page


def test_a_patient_fills_every_step_signs_and_submits(client):
    published_consent()
    patient, issued = invite(legal_last_name="Rivera", date_of_birth=DOB)
    assert prove(client, issued.token, DOB).status_code == 302
    _fill_all(client, issued.token)
    response = client.post(step_url(issued.token, "consent"), {"agree": "on", "typed_name": "Alex Rivera"})
    assert response.status_code == 302
    assert ConsentSignature.objects.get().ip_address == "127.0.0.1"
    response = client.post(reverse("intake:submit", kwargs={"token": issued.token}))
    intake = Intake.objects.get()
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.answers["about"]["height_cm"] == 167.6 and intake.answers["about"]["weight_kg"] == 68.0
    assert set(Assessment.objects.values_list("instrument", flat=True)) == {"phq9", "gad7", "cssrs"}
    assert Assessment.objects.get(instrument="phq9").total == 16
    assert intake.screening["trd_met"] is True
    assert any(f["rule_code"] == "med_benzodiazepine" and "Xanax" in f["source_answer"]
               for f in intake.screening["findings"])
    # After submit the link shows what happens next and the intake is read-only.
    done = client.get(response.url)
    assert "what happens next" in done.content.decode()
    again = client.post(step_url(issued.token, "about"), STEP_POSTS["about"])
    assert again.status_code == 200 and "has been sent" in again.content.decode()


def test_submit_is_refused_until_every_answer_and_the_signature_are_there(client):
    published_consent()
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = client.post(reverse("intake:submit", kwargs={"token": issued.token}), follow=True)
    assert "Some answers are still needed" in response.content.decode()
    _fill_all(client, issued.token)
    response = client.post(reverse("intake:submit", kwargs={"token": issued.token}), follow=True)
    assert "Consent (signature)" in response.content.decode()
    assert Intake.objects.get().status == IntakeStatus.IN_PROGRESS


def test_an_invalid_step_keeps_what_was_typed_even_after_leaving(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    bad = STEP_POSTS["about"] | {"height": "20", "height_unit": "cm", "primary_care": "Dr Zoë Ñúñez"}
    response = client.post(step_url(issued.token, "about"), bad)
    assert response.status_code == 200
    assert "That height looks impossible" in response.content.decode()
    # Come back tomorrow (a new browser): prove the date of birth again, the draft is still there.
    from django.test import Client

    tomorrow = Client()
    prove(tomorrow, issued.token, DOB)
    page = tomorrow.get(step_url(issued.token, "about")).content.decode()
    assert "Dr Zoë Ñúñez" in page and "That height looks impossible" in page


@pytest.mark.parametrize("field,value,message", [
    ("weight", "1000", "That weight looks impossible"),
    ("height", "-3", "Ensure this value is greater than or equal to 0"),
    ("weight", "abc", "Enter a number"),
])
def test_impossible_height_or_weight_gets_a_message(client, field, value, message):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, "about"), STEP_POSTS["about"] | {field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert "about" not in Intake.objects.get().answers


def test_a_pasted_script_is_stored_as_text_and_never_runs(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    script = "<script>alert(1)</script>"
    client.post(step_url(issued.token, "psychiatric"), STEP_POSTS["psychiatric"] | {"diagnoses": script})
    assert Intake.objects.get().answers["psychiatric"]["diagnoses"] == script
    page = client.get(step_url(issued.token, "review")).content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_phq9_item_9_shows_crisis_resources_at_once_and_flags_the_intake(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, "phq9"), STEP_POSTS["phq9"] | {"q9": "1"})
    assert response.url == reverse("intake:crisis", kwargs={"token": issued.token})
    page = client.get(response.url).content.decode()
    assert "988" in page and patient.location.phone in page
    intake = Intake.objects.get()
    assert intake.is_urgent and "PHQ-9 item 9" in intake.urgent_reasons[0]


def test_cssrs_high_risk_flags_the_intake_and_skip_logic_is_enforced(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    missing = client.post(step_url(issued.token, "cssrs"), {"q1": "yes", "q2": "yes", "q6": "no"})
    assert missing.status_code == 200 and "you said Yes to the one before" in missing.content.decode()
    response = client.post(step_url(issued.token, "cssrs"),
                           {"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "no", "q6": "no"})
    assert response.url.endswith("/help-now/")
    assert Intake.objects.get().is_urgent


def test_pcl5_is_asked_only_when_ptsd_is_a_reason(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    client.post(step_url(issued.token, "about"), STEP_POSTS["about"])
    assert "PCL-5" not in client.get(step_url(issued.token, "review")).content.decode()
    client.post(step_url(issued.token, "about"), STEP_POSTS["about"] | {"reasons": ["depression", "ptsd"]})
    assert "PCL-5" in client.get(step_url(issued.token, "review")).content.decode()


def test_patient_pages_that_show_answers_write_access_events(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    client.get(step_url(issued.token, "about"))
    client.get(step_url(issued.token, "review"))
    events = AccessEvent.objects.filter(patient_id=patient.public_id, actor__isnull=True)
    assert events.count() == 2 and {e.actor_label for e in events} == {"Patient link"}


def test_invitation_email_carries_a_link_and_a_date_but_no_health_information(front_desk_client, patient, settings):
    settings.CLINIC_NAME = "Riverside Health"  # the default name says "ketamine" itself
    response = front_desk_client.post(reverse("patients:invitation_send", kwargs={"public_id": patient.public_id}),
                                      {"how": "email"})
    assert response.status_code == 200
    body = mail.outbox[0].body
    assert "/intake/" in body and "works until" in body
    for word in ("ketamine", "depression", patient.legal_last_name, patient.legal_first_name):
        assert word.lower() not in body.lower() + mail.outbox[0].subject.lower()


def test_save_and_add_another_medicine_keeps_the_rows_and_adds_an_empty_box(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    data = STEP_POSTS["treatments"] | {"add_trial": "1"}
    response = client.post(step_url(issued.token, "treatments"), data)
    assert response.url == step_url(issued.token, "treatments")
    formset = client.get(response.url).context["formset"]
    assert len(formset.forms) == 3 and formset.forms[1].initial["drug"] == "Bupropion"
    assert len(Intake.objects.get().answers["treatments"]["trials"]) == 2


def test_a_consent_link_lets_the_patient_sign_a_new_version(client, manager):
    from patients.selectors import consent_is_current
    from patients.services import consent_document_publish, consent_link_send
    from tests.factories import make_cleared_patient

    patient = make_cleared_patient(date_of_birth=DOB)
    consent_document_publish(title="Consent", body="Version two", published_by=manager)
    assert not consent_is_current(patient=patient)
    issued = consent_link_send(patient=patient, sent_by=manager, base_url="http://testserver", by_email=False)
    response = prove(client, issued.token, DOB)
    assert response.url == reverse("intake:consent_only", kwargs={"token": issued.token})
    page = client.get(response.url).content.decode()
    assert "Version two" in page
    client.post(response.url, {"agree": "on", "typed_name": patient.full_name})
    assert consent_is_current(patient=patient)
    assert client.get(response.url).status_code == 200  # the used link now says so
    used = client.get(reverse("intake:link", kwargs={"token": issued.token}))
    assert "Your consent is signed" in used.content.decode()

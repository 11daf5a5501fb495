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


def test_invitation_email_carries_a_link_and_a_date_but_no_health_information(
        front_desk_client, patient, settings, django_capture_on_commit_callbacks):
    settings.CLINIC_NAME = "Riverside Health"  # the default name says "ketamine" itself
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes once the transaction commits
        response = front_desk_client.post(reverse("patients:invitation_send",
                                                  kwargs={"public_id": patient.public_id}), {"how": "email"})
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


def _treatments_without_other_answers():
    return {key: value for key, value in STEP_POSTS["treatments"].items()
            if key not in ("ect", "tms", "psychotherapy")} | {"add_trial": "1"}


def test_adding_a_medicine_before_the_other_questions_checks_only_the_medicine_rows(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    data = _treatments_without_other_answers() | {"psychotherapy_detail": "CBT, a year"}
    response = client.post(step_url(issued.token, "treatments"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert not response.context["form"].is_bound and "This field is required" not in page
    assert "Some answers need attention" not in page
    formset = response.context["formset"]
    assert len(formset.forms) == 3 and formset.forms[1].initial["drug"] == "Bupropion"
    assert "CBT, a year" in page  # what was typed below the rows is still there
    # Kept as a draft (not as answers: the page is not complete), with the new box after a reload too.
    intake = Intake.objects.get()
    assert "treatments" not in intake.answers and intake.drafts["treatments"]["trials-TOTAL_FORMS"] == ["3"]
    again = client.get(step_url(issued.token, "treatments"))
    assert len(again.context["formset"].forms) == 3


def test_adding_a_medicine_after_an_unfinished_row_shows_that_rows_message_only(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    data = _treatments_without_other_answers() | {"trials-1-weeks": ""}
    response = client.post(step_url(issued.token, "treatments"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 2 and formset.forms[1].errors.get("weeks")
    assert not response.context["form"].is_bound


def test_a_consent_link_lets_the_patient_sign_a_new_version(client, manager):
    from patients.selectors import consent_is_current
    from patients.services import consent_document_publish, consent_link_send
    from tests.factories import make_cleared_patient

    patient = make_cleared_patient(date_of_birth=DOB)
    consent_document_publish(title="Consent", body="Version two", published_by=manager)
    assert not consent_is_current(patient=patient)
    issued = consent_link_send(patient=patient, sent_by=manager, by_email=False)
    response = prove(client, issued.token, DOB)
    assert response.url == reverse("intake:consent_only", kwargs={"token": issued.token})
    page = client.get(response.url).content.decode()
    assert "Version two" in page
    client.post(response.url, {"agree": "on", "typed_name": patient.full_name})
    assert consent_is_current(patient=patient)
    assert client.get(response.url).status_code == 200  # the used link now says so
    used = client.get(reverse("intake:link", kwargs={"token": issued.token}))
    assert "Your consent is signed" in used.content.decode()


# --- Bad input never becomes an error page, nor patient answers in the error log -----------------------


def _post_raw(client, url, pairs):
    """A POST as a hostile or broken client sends it (urlencoded, any byte in names and values)."""
    from urllib.parse import urlencode

    return client.post(url, data=urlencode(pairs, doseq=True), content_type="application/x-www-form-urlencoded")


def test_a_nul_character_in_an_answer_or_a_field_name_gets_a_message_and_keeps_the_rest(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    pairs = STEP_POSTS["psychiatric"] | {"diagnoses": "Major\x00depression", "substance_use": "Wine at weekends",
                                         "\x00evil": "x", "not_a_field" * 50: "y" * 10_000}
    response = _post_raw(client, step_url(issued.token, "psychiatric"), pairs)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    draft = Intake.objects.get().drafts["psychiatric"]
    assert draft["diagnoses"] == ["Majordepression"] and draft["substance_use"] == ["Wine at weekends"]
    assert draft["episode_months"] == ["18"] and set(draft) <= set(STEP_POSTS["psychiatric"]) | {"substance_use"}


def test_a_nul_in_a_field_name_alone_does_not_stop_a_valid_step_from_saving(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = _post_raw(client, step_url(issued.token, "psychiatric"), STEP_POSTS["psychiatric"] | {"a\x00": "b"})
    assert response.status_code == 302
    assert Intake.objects.get().answers["psychiatric"]["diagnoses"] == "Depression"


def test_a_draft_of_past_treatments_keeps_the_formset_rows_and_management_names(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    bad = STEP_POSTS["treatments"] | {"trials-1-weeks": "many\x00", "csrfmiddlewaretoken": "x", "trials-99-drug": "z"}
    assert _post_raw(client, step_url(issued.token, "treatments"), bad).status_code == 200
    draft = Intake.objects.get().drafts["treatments"]
    assert draft["trials-TOTAL_FORMS"] == ["2"] and draft["trials-1-drug"] == ["Bupropion"]
    assert draft["trials-1-weeks"] == ["many"] and "csrfmiddlewaretoken" not in draft and "trials-99-drug" not in draft
    page = client.get(step_url(issued.token, "treatments")).content.decode()
    assert "Bupropion" in page


def test_a_patient_can_remove_a_medicine_row_they_added(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    assert client.post(step_url(issued.token, "treatments"), STEP_POSTS["treatments"]).status_code == 302
    # The second row goes, even with a half-edited (invalid) box.
    remove = STEP_POSTS["treatments"] | {"trials-INITIAL_FORMS": "2", "trials-1-DELETE": "on", "trials-1-weeks": ""}
    assert client.post(step_url(issued.token, "treatments"), remove).status_code == 302
    trials = Intake.objects.get().answers["treatments"]["trials"]
    assert [trial["drug"] for trial in trials] == ["Sertraline"] and "DELETE" not in trials[0]


# --- A high-risk answer escalates even when the questionnaire is not finished (CLINICAL.md §3) ----------


@pytest.mark.parametrize("step,post", [
    ("phq9", {"q1": "1", "q9": "2"}),  # item 9 answered, the rest missing
    ("cssrs", {"q1": "yes", "q2": "yes", "q4": "yes"}),  # Q3 and Q5 missing
    ("cssrs", {"q2": "no", "q6": "yes", "q6_recent": "yes"}),  # Q1 missing
    ("cssrs", {"q1": "maybe", "q2": "yes", "q3": "no", "q4": "no", "q5": "yes", "q6": "no"}),
])
def test_a_high_risk_answer_in_an_unfinished_questionnaire_escalates_at_once(client, step, post):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, step), post)
    page = response.content.decode()
    assert response.status_code == 200 and "Some answers need attention" in page
    assert "Help is available right now" in page and 'href="tel:988"' in page and patient.location.phone in page
    intake = Intake.objects.get()
    assert intake.is_urgent and step not in intake.answers and intake.drafts[step]


@pytest.mark.parametrize("step,post", [("phq9", {"q1": "3", "q9": "0"}), ("cssrs", {"q1": "yes", "q2": "yes"}),
                                       ("phq9", {"q9": "7"})])
def test_an_unfinished_questionnaire_without_a_high_risk_answer_is_not_flagged(client, step, post):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, step), post)
    assert response.status_code == 200 and "Help is available right now" not in response.content.decode()
    assert not Intake.objects.get().is_urgent


# --- Editing an intake that can no longer be edited ---------------------------------------------------


def test_a_step_saved_after_the_intake_was_sent_from_another_tab_says_so(client, monkeypatch):
    from django.utils import timezone

    from patients import services

    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    real_save = services.intake_step_save

    def sent_from_the_other_tab_first(*, intake, step, data):
        Intake.objects.filter(pk=intake.pk).update(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())
        return real_save(intake=intake, step=step, data=data)

    monkeypatch.setattr(services, "intake_step_save", sent_from_the_other_tab_first)
    response = client.post(step_url(issued.token, "psychiatric"), STEP_POSTS["psychiatric"], follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "already been sent to the clinic" in page
    assert response.redirect_chain[-1][0] == step_url(issued.token, "review")
    assert "psychiatric" not in Intake.objects.get().answers


def test_a_read_only_intake_shows_the_review_and_never_sends_the_patient_round_in_circles(client):
    from django.utils import timezone

    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    client.post(step_url(issued.token, "about"), STEP_POSTS["about"] | {"reasons": ["depression", "ptsd"]})
    # A link still live on an intake that is no longer editable (as decisions once left it): it must not loop.
    Intake.objects.update(status=IntakeStatus.SUBMITTED, submitted_at=timezone.now())
    Intake.objects.update(status=IntakeStatus.APPROVED)  # along the allowed moves: PostgreSQL holds them
    for url in (reverse("intake:link", kwargs={"token": issued.token}), step_url(issued.token, "pcl5"),
                step_url(issued.token, "nonsense"), step_url(issued.token, "about")):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert response.redirect_chain[-1][0] == step_url(issued.token, "review"), url
        assert "what happens next" in page and "Submit my intake" not in page and ">Change<" not in page
    assert client.post(step_url(issued.token, "about"), STEP_POSTS["about"]).url == step_url(issued.token, "review")


# --- Consent: no error page, no second signature --------------------------------------------------------


def _consent_link(client, manager):
    from patients.services import consent_document_publish, consent_link_send
    from tests.factories import make_cleared_patient

    patient = make_cleared_patient(date_of_birth=DOB)
    consent_document_publish(title="Consent", body="Version two", published_by=manager)
    issued = consent_link_send(patient=patient, sent_by=manager, by_email=False)
    prove(client, issued.token, DOB)
    return patient, issued, reverse("intake:consent_only", kwargs={"token": issued.token})


def test_a_consent_version_replaced_while_the_patient_read_it_asks_them_to_read_the_new_one(client, manager):
    from patients.services import consent_document_publish

    patient, issued, url = _consent_link(client, manager)
    assert 'name="version" value="2"' in client.get(url).content.decode()
    consent_document_publish(title="Consent", body="Version three", published_by=manager)
    response = client.post(url, {"agree": "on", "typed_name": patient.full_name, "version": "2"})
    page = response.content.decode()
    assert response.status_code == 200 and "has been replaced" in page and "Version three" in page
    assert not ConsentSignature.objects.filter(document__version__gte=2).exists()
    assert 'name="version" value="3"' in page  # the next click signs what is now on screen
    client.post(url, {"agree": "on", "typed_name": patient.full_name, "version": "3"})
    assert ConsentSignature.objects.filter(document__version=3, patient=patient).count() == 1


def test_a_double_click_on_a_consent_link_signs_once(client, manager, monkeypatch):
    from patients import services

    patient, issued, url = _consent_link(client, manager)
    before = services.link_resolve(token=issued.token, purpose="consent")
    data = {"agree": "on", "typed_name": patient.full_name}
    assert client.post(url, data).status_code == 200
    # The second click resolved the link before the first committed: it waits for the lock, then finds it used.
    monkeypatch.setattr(services, "link_resolve", lambda **kwargs: before)
    response = client.post(url, data)
    assert response.status_code == 200 and "Your consent is signed" in response.content.decode()
    assert ConsentSignature.objects.filter(patient=patient, document__version=2).count() == 1
    signature = ConsentSignature.objects.get(patient=patient, document__version=2)
    assert signature.intake == patient.intakes.get()


def test_a_double_click_on_the_intake_consent_signs_once(client):
    published_consent()
    patient, issued = invite(legal_last_name="Rivera", date_of_birth=DOB)
    prove(client, issued.token, DOB)
    for _ in range(2):
        response = client.post(step_url(issued.token, "consent"), {"agree": "on", "typed_name": "Alex Rivera"})
        assert response.status_code == 302 and response.url == step_url(issued.token, "review")
    assert ConsentSignature.objects.count() == 1


# --- The date-of-birth proof ends with the browser and after idle minutes (DESIGN.md §6) ----------------


def _idle(client, token, minutes):
    from patients.services import token_hash

    session = client.session
    key = f"patient-link-proof:{token_hash(token)}"
    session[key] = session[key] | {"seen_at": session[key]["seen_at"] - minutes * 60}
    session.save()


def test_the_proof_ends_when_the_browser_closes(client, settings):
    patient, issued = invite(date_of_birth=DOB)
    response = prove(client, issued.token, DOB)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert settings.INTAKE_SESSION_IDLE_MINUTES == 15
    client.get(step_url(issued.token, "about"))  # activity does not turn it into a lasting cookie
    assert client.session.get_expire_at_browser_close()


def test_after_the_idle_limit_the_date_of_birth_is_asked_again(client):
    patient, issued = invite(legal_last_name="Rivera", date_of_birth=DOB)
    prove(client, issued.token, DOB)
    _idle(client, issued.token, 14)
    assert client.get(step_url(issued.token, "about")).status_code == 200  # activity moves the clock on
    _idle(client, issued.token, 16)
    response = client.get(step_url(issued.token, "about"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[0][0] == reverse("intake:link", kwargs={"token": issued.token})
    assert "Confirm it's you" in page and "15 minutes without activity" in page and "Rivera" not in page


def test_a_step_posted_after_the_idle_limit_is_kept_and_shown_once_the_date_of_birth_is_proven(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    _idle(client, issued.token, 30)
    typed = STEP_POSTS["psychiatric"] | {"diagnoses": "Bipolar II, currently depressed", "junk\x00": "x"}
    response = _post_raw(client, step_url(issued.token, "psychiatric"), typed)
    assert response.url == reverse("intake:link", kwargs={"token": issued.token})
    assert Intake.objects.get().drafts == {} and Intake.objects.get().answers == {}  # nothing before the proof
    page = client.get(response.url).content.decode()
    assert "What you just typed is kept" in page
    response = prove(client, issued.token, DOB)
    assert response.url == step_url(issued.token, "psychiatric")
    page = client.get(response.url).content.decode()
    assert "Bipolar II, currently depressed" in page and "check it and save" in page
    assert Intake.objects.get().drafts["psychiatric"]["diagnoses"] == ["Bipolar II, currently depressed"]


def test_an_answer_posted_by_someone_who_never_proved_the_date_of_birth_reaches_nothing(client):
    from django.test import Client

    patient, issued = invite(date_of_birth=DOB)
    stranger = Client()
    stranger.post(step_url(issued.token, "psychiatric"), STEP_POSTS["psychiatric"])
    assert Intake.objects.get().drafts == {} and Intake.objects.get().answers == {}
    assert prove(stranger, issued.token, datetime.date(1990, 1, 1)).status_code == 200  # wrong date: still nothing
    assert Intake.objects.get().drafts == {}


def test_opening_the_link_after_the_idle_limit_says_why_the_date_of_birth_is_asked_again(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    _idle(client, issued.token, 20)
    page = client.get(reverse("intake:link", kwargs={"token": issued.token})).content.decode()
    assert "Confirm it's you" in page and "without activity" in page


@pytest.mark.parametrize("last_name,typed", [("Ñúñez", "Zoe Nunez"), ("Ñúñez", "zoë   ÑÚÑEZ"),
                                              ("Ñúñez-O'Brien", "Zoe Nunez OBrien"),
                                              ("Ñúñez-O'Brien", "ZOE NUNEZ-O'BRIEN")])
def test_the_consent_signature_ignores_accents_case_and_spaces_and_keeps_what_was_typed(client, last_name, typed):
    published_consent()
    patient, issued = invite(date_of_birth=DOB, legal_first_name="Zoë", legal_last_name=last_name)
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, "consent"), {"agree": "on", "typed_name": typed})
    assert response.status_code == 302, response.content.decode()
    signature = ConsentSignature.objects.get(patient=patient)
    assert signature.typed_name == " ".join(typed.split())  # accents and case as typed, not normalised


def test_the_consent_signature_still_refuses_another_name(client):
    published_consent()
    patient, issued = invite(date_of_birth=DOB, legal_first_name="Zoë", legal_last_name="Ñúñez")
    prove(client, issued.token, DOB)
    response = client.post(step_url(issued.token, "consent"), {"agree": "on", "typed_name": "Zoe Martinez"})
    assert response.status_code == 200 and "including" in response.content.decode()
    assert not ConsentSignature.objects.exists()

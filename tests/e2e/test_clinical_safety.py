"""Issue 9 in a real browser: the five rules that could hurt a patient (CLINICAL.md §1-§3)."""

import datetime

import pytest
from django.core import mail

from patients.models import Intake, UrgentAcknowledgement
from patients.services import intake_step_save, invitation_send
from tests.e2e.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    LocationFactory,
    PatientFactory,
    UserFactory,
    complete_intake_answers,
    make_submitted_intake,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DOB = datetime.date(1984, 3, 9)


@pytest.fixture
def prescriber_page(page, live_server):
    UserFactory(email="prescriber@clinic.test", full_name="Dr Pat Prescriber", credentials="MD", role="prescriber")
    sign_in(page, live_server, "prescriber@clinic.test", TEST_PASSWORD)
    return page


def _patient_on_phone(browser, url):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(url)
    phone.get_by_label("Your date of birth").fill(DOB.isoformat())
    phone.get_by_role("button", name="Continue").click()
    phone.wait_for_load_state()
    return phone


def test_approval_with_an_aneurysm_answer_is_refused_without_a_written_reason(prescriber_page, live_server,
                                                                              screenshot):
    from playwright.sync_api import expect

    answers = complete_intake_answers()
    answers["medical"]["checklist"]["aneurysmal_vascular_disease"] = True
    intake = make_submitted_intake(answers=answers, legal_first_name="Ana", legal_last_name="Aneurysm")
    page = prescriber_page
    page.goto(f"{live_server.url}{intake.get_absolute_url()}")
    expect(page.get_by_text("Absolute contraindication", exact=True)).to_be_visible()
    page.locator('input[name="route"][value="iv"]').check()
    page.get_by_label("Target dose (mg/kg)").fill("0.5")
    page.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("The decision was not saved")).to_be_visible()
    screenshot(page, "issue9-1-contraindication-refused")
    assert not intake.decisions.exists()
    page.get_by_label("Reason for approving despite the absolute contraindication").fill(
        "Aneurysm repaired in 2015; vascular surgeon cleared ketamine in writing")
    page.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Decision signed and recorded.")).to_be_visible()
    expect(page.get_by_text("Approved despite an absolute contraindication")).to_be_visible()
    screenshot(page, "issue9-1-contraindication-approved-with-reason")


def test_prescriber_acknowledges_an_urgent_flag_on_an_unfinished_intake_from_the_queue_with_a_note(
        prescriber_page, live_server, screenshot, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url  # patient links are built from SITE_URL only

    patient = PatientFactory(legal_first_name="Una", legal_last_name="Unfinished")
    issued = invitation_send(patient=patient, sent_by=None, by_email=False)
    intake_step_save(intake=issued.link.intake, step="phq9", data=complete_intake_answers(phq9_item9=2)["phq9"])
    page = prescriber_page
    page.goto(f"{live_server.url}/patients/intakes/")
    row = page.locator("tbody tr").first
    expect(row.get_by_text("Urgent: Same-day review")).to_be_visible()
    screenshot(page, "issue9-2-queue-unfinished-urgent")
    row.get_by_role("link", name="Open answers so far").click()
    expect(page.get_by_text("The patient has not finished the intake")).to_be_visible()
    page.get_by_role("button", name="Acknowledge: I am handling this").click()  # empty note: the browser stops it
    assert Intake.objects.get(pk=issued.link.intake.pk).is_urgent
    page.get_by_label("What was done (required)").fill("Called Una: safe, with her sister tonight, GP tomorrow")
    page.get_by_role("button", name="Acknowledge: I am handling this").click()
    expect(page.get_by_text("Urgent flag acknowledged, with what was done.")).to_be_visible()
    expect(page.get_by_text("Called Una: safe, with her sister tonight, GP tomorrow")).to_be_visible()
    screenshot(page, "issue9-2-acknowledged-with-note")
    assert UrgentAcknowledgement.objects.filter(intake__patient=patient).count() == 1


def test_a_high_risk_answer_emails_on_call_and_tells_the_patient_honestly_when_answers_are_read(
        browser, live_server, prescriber_page, screenshot, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url  # patient links are built from SITE_URL only

    settings.CLINIC_ONCALL_EMAIL = "oncall@clinic.test"
    location = LocationFactory(name="Riverside", phone="+1 555 0100")
    patient = PatientFactory(legal_first_name="Cal", legal_last_name="Crisis", date_of_birth=DOB, location=location)
    issued = invitation_send(patient=patient, sent_by=None, by_email=False)
    phone = _patient_on_phone(browser, issued.url)
    phone.goto(f"{live_server.url}/intake/{issued.token}/step/phq9/")
    for i in range(1, 9):
        phone.locator(f'input[name="q{i}"][value="1"]').check()
    phone.locator('input[name="q9"][value="2"]').check()
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.get_by_role("heading", name="Help is available right now")).to_be_visible()
    expect(phone.get_by_text("not watched around the clock").first).to_be_visible()
    expect(phone.get_by_text("will be in touch")).to_have_count(0)
    screenshot(phone, "issue9-3-crisis-honest-phone")
    phone.context.close()
    [message] = [m for m in mail.outbox if m.to == ["oncall@clinic.test"]]
    assert "Crisis" not in message.body and "PHQ" not in message.body
    page = prescriber_page
    page.goto(f"{live_server.url}/patients/intakes/")
    expect(page.locator("tbody tr").first.get_by_text("On-call e-mailed")).to_be_visible()
    screenshot(page, "issue9-3-queue-oncall-sent")


def test_a_cssrs_yes_to_q4_survives_changing_q2_to_no_and_reaches_the_prescriber(
        browser, live_server, prescriber_page, screenshot, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url  # patient links are built from SITE_URL only

    patient = PatientFactory(legal_first_name="Cy", legal_last_name="Contradict", date_of_birth=DOB)
    issued = invitation_send(patient=patient, sent_by=None, by_email=False)
    phone = _patient_on_phone(browser, issued.url)
    phone.goto(f"{live_server.url}/intake/{issued.token}/step/cssrs/")
    phone.locator('input[name="q1"][value="yes"]').check()
    phone.locator('input[name="q2"][value="yes"]').check()
    phone.locator('input[name="q3"][value="no"]').check()
    phone.locator('input[name="q4"][value="yes"]').check()
    phone.locator('input[name="q5"][value="no"]').check()
    phone.locator('input[name="q2"][value="no"]').check()  # the patient changes their mind about Q2
    phone.locator('input[name="q6"][value="no"]').check()
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.get_by_role("heading", name="Help is available right now")).to_be_visible()
    phone.context.close()
    intake = Intake.objects.get(patient=patient)
    assert intake.answers["cssrs"]["q4"] is True
    page = prescriber_page
    page.goto(f"{live_server.url}/patients/intakes/")
    expect(page.locator("tbody tr").first.get_by_text("Urgent: Immediate evaluation")).to_be_visible()
    page.goto(f"{live_server.url}{intake.get_absolute_url()}")
    expect(page.get_by_text("Question 4 answered Yes although question 2 was No")).to_be_visible()
    screenshot(page, "issue9-4-cssrs-contradiction")


def test_a_light_patient_is_dosed_on_actual_weight_never_on_a_higher_ideal_weight(prescriber_page, live_server,
                                                                                 screenshot):
    from playwright.sync_api import expect

    answers = complete_intake_answers()
    answers["about"].update(sex="male", height_cm=177.8, weight_kg=55.0)  # 5'10", ideal 73 kg
    intake = make_submitted_intake(answers=answers, legal_first_name="Leo", legal_last_name="Light")
    page = prescriber_page
    page.goto(f"{live_server.url}{intake.get_absolute_url()}")
    panel = page.locator("#dosing-weight")
    expect(panel).to_contain_text("actual 55.0 kg")
    expect(panel).to_contain_text("Ideal (73.0 kg) and adjusted weights may not be used")
    panel.scroll_into_view_if_needed()
    screenshot(page, "issue9-5-dosing-weight-actual")

"""The intake journey in a real browser (DESIGN.md §1): a patient on a phone fills the intake over two visits,
signs and submits; a prescriber approves; front desk sees "cleared to book" and nothing clinical.
Patient-facing pages are checked with axe-core: no serious or critical violations."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from patients.models import Intake, IntakeStatus
from patients.screening import MEDICAL_CHECKLIST, MEDICATION_CLASS_QUESTIONS
from patients.services import invitation_send
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, PatientFactory, UserFactory, published_consent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DOB = datetime.date(1984, 3, 9)


def _save(page):
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def _radio(page, name: str, value: str):
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def _prove_dob(page, url):
    page.goto(url)
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Your date of birth").fill(DOB.isoformat())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _first_visit(page, url, screenshot):
    page.goto(url)
    assert_accessible(page, "date of birth check")
    screenshot(page, "intake-01-dob-check-phone")
    _prove_dob(page, url)
    expect(page.locator("#progress-label")).to_contain_text("Step 1 of 11: About you")
    _radio(page, "sex", "female")
    page.locator('input[name="height"]').fill("650")  # a slip of the thumb: 650 inches
    _radio(page, "height_unit", "in")
    page.locator('input[name="weight"]').fill("154")
    _radio(page, "weight_unit", "lb")
    page.get_by_label("Depression").check()
    page.get_by_label("Your primary care doctor (name and practice)").fill("Dr Zoë Ñúñez")
    _save(page)
    expect(page.get_by_text("That height looks impossible")).to_be_visible()
    expect(page.get_by_label("Your primary care doctor (name and practice)")).to_have_value("Dr Zoë Ñúñez")
    assert_accessible(page, "about you with errors")
    screenshot(page, "intake-02-about-error-phone")
    page.locator('input[name="height"]').fill("65")
    _save(page)
    expect(page.locator("#progress-label")).to_contain_text("Step 2 of 11: Contacts and escort")
    page.get_by_label("Your mobile phone").fill("555 010 0142")
    page.get_by_label("Home address").fill("1 Elm Street, Springfield")
    page.get_by_label("Emergency contact: name").fill("Robin Rivera")
    page.get_by_label("Emergency contact: phone").fill("555 010 0143")
    page.get_by_label("Emergency contact: how you know them").fill("Partner")
    page.get_by_label("Escort: name").fill("Robin Rivera")
    page.get_by_label("Escort: phone").fill("555 010 0143")
    _save(page)
    expect(page.locator("#progress-label")).to_contain_text("Step 3 of 11")


def _second_visit(page, url, screenshot):
    _prove_dob(page, url)
    # Carries on where the patient left off.
    expect(page.locator("#progress-label")).to_contain_text("Step 3 of 11: Mental health history")
    page.get_by_label("Mental health diagnoses you have been given").fill("Major depression")
    page.get_by_label("How many months has this episode of feeling unwell lasted?").fill("18")
    page.get_by_label("How many times have you been in hospital for your mental health?").fill("0")
    _radio(page, "suicide_attempts", "no")
    _radio(page, "family_psychosis", "no")
    _save(page)
    page.locator('input[name="trials-0-drug"]').fill("Sertraline")
    page.locator('input[name="trials-0-dose"]').fill("150 mg")
    page.locator('input[name="trials-0-weeks"]').fill("8")
    _radio(page, "trials-0-adequate_dose", "yes")
    _radio(page, "trials-0-current_episode", "yes")
    page.locator('select[name="trials-0-response"]').select_option("none")
    for name in ("ect", "tms", "psychotherapy"):
        _radio(page, name, "no")
    assert_accessible(page, "past treatments")
    screenshot(page, "intake-03-treatments-phone")
    _save(page)
    page.get_by_label("Medicines you take now, one per line, with the dose").fill("Sertraline 150 mg\nXanax 0.5 mg")
    page.get_by_label("Allergies, and any bad reaction to an anaesthetic").fill("None")
    for drug_class in MEDICATION_CLASS_QUESTIONS:
        _radio(page, f"class_{drug_class}", "yes" if drug_class == "benzodiazepine" else "no")
    _save(page)
    for item in MEDICAL_CHECKLIST:
        _radio(page, item.key, "no")
    assert_accessible(page, "medical history")
    _save(page)
    for i in range(1, 9):
        _radio(page, f"q{i}", "1")
    _radio(page, "q9", "0")
    assert_accessible(page, "PHQ-9")
    screenshot(page, "intake-03b-phq9-phone")
    _save(page)
    for i in range(1, 8):
        _radio(page, f"q{i}", "1")
    _save(page)
    _radio(page, "q1", "no")
    _radio(page, "q2", "no")
    _radio(page, "q6", "no")
    expect(page.locator('input[name="q3"]').first).to_be_hidden()  # skip logic: asked only after a yes to Q2
    assert_accessible(page, "safety questions")
    _save(page)


def _crisis_then_sign_and_submit(page, screenshot):
    # PHQ-9 item 9 above 0 shows crisis resources at once.
    expect(page.get_by_role("heading", name="Help is available right now")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988 (Suicide & Crisis Lifeline)")).to_be_visible()
    assert_accessible(page, "crisis resources")
    screenshot(page, "intake-04-crisis-phone")
    page.get_by_role("link", name="Continue my intake").click()
    expect(page.get_by_role("heading", name="Consent", exact=True)).to_be_visible()
    page.get_by_label("I have read the consent above and I agree to it.").check()
    page.get_by_label("Type your full name to sign").fill("Ana Ñúñez-Rivera")
    assert_accessible(page, "consent")
    screenshot(page, "intake-05-consent-phone")
    page.get_by_role("button", name="Sign consent").click()
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.get_by_text("Sertraline 150 mg, 8 weeks")).to_be_visible()
    assert_accessible(page, "review")
    screenshot(page, "intake-06-review-phone")
    page.get_by_role("button", name="Submit my intake").click()
    expect(page.get_by_role("heading", name="Thank you: your intake has been sent")).to_be_visible()
    assert_accessible(page, "after submit")
    screenshot(page, "intake-07-submitted-phone")


def _answer_phq9_with_item9(page):
    """Redo the PHQ-9 with item 9 above 0 (the patient goes back to it from the step list)."""
    page.get_by_text("All steps").click()
    page.get_by_role("link", name="Mood (PHQ-9)").click()
    _radio(page, "q9", "1")
    _save(page)


def test_patient_completes_intake_on_a_phone_prescriber_approves_front_desk_may_book(
        browser, live_server, page, screenshot, settings):
    settings.SITE_URL = live_server.url  # patient links are built from SITE_URL only
    location = LocationFactory(name="Riverside", phone="+1 555 0100")
    published_consent()
    prescriber = UserFactory(email="prescriber@clinic.test", full_name="Dr Pat Prescriber", credentials="MD",
                             role="prescriber")
    UserFactory(email="frontdesk@clinic.test", full_name="Frankie Front", role="front_desk")
    patient = PatientFactory(legal_first_name="Ana", legal_last_name="Ñúñez-Rivera", date_of_birth=DOB,
                             location=location)
    issued = invitation_send(patient=patient, sent_by=prescriber, by_email=False)

    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    first = browser.new_context(**phone).new_page()
    _first_visit(first, issued.url, screenshot)
    first.context.close()  # the patient closes the phone half way

    later = browser.new_context(**phone).new_page()
    _second_visit(later, issued.url, screenshot)
    _answer_phq9_with_item9(later)
    _crisis_then_sign_and_submit(later, screenshot)
    later.context.close()

    intake = Intake.objects.get(patient=patient)
    assert intake.status == IntakeStatus.SUBMITTED and intake.is_urgent

    # The prescriber: the urgent intake is at the top; screening first; approve with a plan.
    sign_in(page, live_server, "prescriber@clinic.test", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Intakes").click()
    expect(page.locator("tbody tr").first.get_by_text("Urgent: Same-day review")).to_be_visible()
    screenshot(page, "intake-08-queue-prescriber")
    page.get_by_role("link", name="Review intake of Ana Ñúñez-Rivera").click()
    expect(page.get_by_role("heading", name="Screening", exact=True)).to_be_visible()
    expect(page.get_by_text("Benzodiazepine", exact=True).first).to_be_visible()
    page.get_by_label("What was done (required)").fill("Called the patient: safe, plan agreed")
    page.get_by_role("button", name="Acknowledge: I am handling this").click()
    page.locator('input[name="route"][value="iv"]').check()
    page.get_by_label("Protocol").fill("IV induction: 6 infusions over 2–3 weeks")
    page.get_by_label("Target dose (mg/kg)").fill("0.5")
    page.get_by_label("Number of sessions").fill("6")
    page.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Decision signed and recorded.")).to_be_visible()
    screenshot(page, "intake-09-review-approved-prescriber")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.APPROVED and not intake.is_urgent
    page.get_by_role("button", name="Dr Pat Prescriber").click()
    page.get_by_role("button", name="Sign out").click()

    # Front desk: cleared to book, escort and contact, no clinical answers.
    sign_in(page, live_server, "frontdesk@clinic.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    expect(page.get_by_text("Cleared to book")).to_be_visible()
    expect(page.get_by_text("Robin Rivera, (555) 010-0143").first).to_be_visible()
    for clinical in ("Sertraline", "Xanax", "PHQ-9", "Screening", "depression", "Benzodiazepine"):
        expect(page.locator("main")).not_to_contain_text(re.compile(re.escape(clinical), re.IGNORECASE))
    screenshot(page, "intake-10-patient-front-desk")
    assert_accessible(page, "intake-10-patient-front-desk")


def test_public_start_page_and_bad_links_are_accessible(live_server, phone_page, screenshot):
    LocationFactory(name="Riverside", phone="+1 555 0100")
    phone_page.goto(f"{live_server.url}/intake/start/")
    assert_accessible(phone_page, "start page")
    phone_page.get_by_label("First name (legal)").fill("Zoë")
    phone_page.get_by_label("Last name (legal)").fill("<script>alert(1)</script>")
    phone_page.get_by_label("E-mail").fill("zoe@example.com")
    phone_page.get_by_label("Date of birth").fill((datetime.date.today() + datetime.timedelta(days=2)).isoformat())
    phone_page.get_by_role("button", name="Send me my link").click()
    expect(phone_page.get_by_text("cannot be in the future")).to_be_visible()
    assert_accessible(phone_page, "start page with errors")
    screenshot(phone_page, "intake-00-start-error-phone")
    phone_page.goto(f"{live_server.url}/intake/tampered-token/")
    expect(phone_page.get_by_role("heading", name="This link is no longer active")).to_be_visible()
    assert_accessible(phone_page, "bad link")

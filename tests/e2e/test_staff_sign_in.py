import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PatientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_SEES = {
    "front_desk": (["Patients"], ["Access log", "Administration"]),
    "nurse": (["Patients"], ["Access log", "Administration"]),
    "prescriber": (["Patients"], ["Access log", "Administration"]),
    "manager": (["Patients", "Access log", "Administration"], []),
}


@pytest.mark.parametrize("role", list(ROLE_SEES))
def test_each_role_signs_in_and_sees_its_own_navigation(page, live_server, screenshot, role):
    UserFactory(email=f"{role}@clinic.test", full_name=f"Demo {role}", role=role, is_staff=(role == "manager"))
    sign_in(page, live_server, f"{role}@clinic.test", TEST_PASSWORD)

    nav = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("heading", name="Good to see you")).to_be_visible()
    shown, hidden = ROLE_SEES[role]
    for label in shown:
        expect(nav.get_by_role("link", name=label), label).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label), label).to_have_count(0)
    screenshot(page, f"home-{role}")


def test_a_wrong_password_shows_the_message_in_the_browser(page, live_server, screenshot):
    UserFactory(email="nurse@clinic.test", role="nurse")
    sign_in(page, live_server, "nurse@clinic.test", "not-the-password")
    expect(page.get_by_text("do not match")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value("nurse@clinic.test")
    screenshot(page, "login-wrong-password")


def test_nurse_opens_a_patient_and_the_view_is_logged(page, live_server, screenshot):
    from clinic.audit.models import AccessEvent

    nurse = UserFactory(email="nurse@clinic.test", role="nurse")
    patient = PatientFactory(legal_first_name="Alex", legal_last_name="Rivera")
    sign_in(page, live_server, "nurse@clinic.test", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Rivera, Alex").click()
    expect(page.get_by_role("heading", name="Alex Rivera")).to_be_visible()
    expect(page).to_have_url(re.compile(str(patient.public_id)))
    screenshot(page, "patient-chart-nurse")
    assert_accessible(page, "patient-chart-nurse")
    assert AccessEvent.objects.filter(actor=nurse, patient_id=patient.public_id).count() == 1


def test_two_step_sign_in_is_set_up_in_the_browser(page, live_server, screenshot, settings):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    settings.CLINIC_REQUIRE_2FA = True
    nurse = UserFactory(email="nurse@clinic.test", role="nurse")
    sign_in(page, live_server, "nurse@clinic.test", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Turn on two-step sign-in")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_have_count(1)
    screenshot(page, "two-step-setup")

    device = TOTPDevice.objects.get(user=nurse)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    page.get_by_label("Six-digit code").fill(code)
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them, continue").click()
    expect(page.get_by_role("heading", name="Good to see you")).to_be_visible()


def test_sign_in_and_home_pages_have_no_serious_accessibility_violations(page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    UserFactory(email="manager@clinic.test", role="manager", is_staff=True)
    page.goto(f"{live_server.url}/accounts/login/")
    problems = _serious(Axe().run(page))
    sign_in(page, live_server, "manager@clinic.test", TEST_PASSWORD)
    problems += _serious(Axe().run(page))
    assert problems == []


def _serious(results) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]

"""Browser: a prescriber stops a held session, finds its record in *To sign* marked as stopped, and signs it."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from sessions.models import Appointment, SessionRecord
from sessions.services import appointment_transition
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, UserFactory, make_cleared_patient
from tests.sessions.helpers import ChairFactory, ProtocolFactory, make_nurse
from tests.sessions.records.conftest import record_checks

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stopped_sessions_record_waits_in_to_sign_and_is_signed_there(page, live_server, screenshot):
    location = LocationFactory(name="Downtown", time_zone="UTC")
    nurse = make_nurse(email="nurse.stop@clinic.test", full_name="Nia Nurse")
    UserFactory(email="doc.stop@clinic.test", full_name="Dr Pat Prescriber", role="prescriber")
    patient = make_cleared_patient(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=20)
    appointment = Appointment.objects.create(
        patient=patient, protocol=ProtocolFactory(name="IV ketamine 0.5 mg/kg"), location=location,
        chair=ChairFactory(location=location, name="Chair 1"), nurse=nurse, nurse_slot=1, start=start,
        end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115), status="confirmed",
        booked_by=nurse, escort_name="Sam Escort", escort_phone="+1 555 0100")
    appointment_transition(appointment=appointment, to_status="checked_in", by=nurse, now=now - timedelta(minutes=10))
    record = SessionRecord.objects.get(appointment=appointment)
    record_checks(record, nurse, now - timedelta(minutes=5), systolic=165, diastolic=100)  # held: BP above 140/90

    sign_in(page, live_server, "doc.stop@clinic.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/records/{record.public_id}/")
    page.get_by_label("Stop: not given today").check()
    decision = page.locator("form").filter(has_text="Record decision")
    decision.get_by_label("Reason").fill("BP 160/100 after rest: not today.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Not given").first).to_be_visible()

    page.get_by_role("link", name="To sign").first.click()
    row = page.get_by_role("row").filter(has_text="Rivera")
    expect(row).to_contain_text("Stopped: not given")
    screenshot(page, "to-sign-stopped-session")
    row.get_by_role("link", name="Open").click()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign and lock the record").click()
    expect(page.get_by_text("The record is locked.")).to_be_visible()
    page.get_by_role("link", name="To sign").first.click()
    expect(page.get_by_text("Nothing to sign.")).to_be_visible()

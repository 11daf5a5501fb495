"""Front desk books a course of 6 for an approved patient, meets a taken slot with alternatives, reschedules
one session and cancels another (issue 4). Screenshots in test-artifacts/booking-*.png."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from sessions.models import Appointment
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PatientFactory, UserFactory, make_cleared_patient
from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 + (7 - today.weekday()) % 7)


def test_front_desk_books_a_course_meets_a_conflict_reschedules_and_cancels(page, live_server, screenshot):
    from tests.factories import LocationFactory

    location = LocationFactory(name="Downtown", time_zone="America/New_York", address="100 Main Street")
    chairs = [ChairFactory(location=location, name=f"Chair {i}", position=i) for i in range(1, 4)]
    protocol = ProtocolFactory(name="IV ketamine 0.5 mg/kg")
    nurse = make_nurse(email="nora@clinic.test", full_name="Nora Nurse")
    desk = UserFactory(email="desk@clinic.test", full_name="Frankie Desk", role="front_desk")
    patient = make_cleared_patient(location=location, legal_first_name="Alex", legal_last_name="Rivera",
                                   number_of_sessions=6)
    monday = _next_monday()
    last_friday = local(location, monday + timedelta(days=11), 9)
    for chair in chairs:  # the sixth session's time, Friday of the second week at 09:00, is full
        Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
            nurse=nurse, nurse_slot=chair.position, start=last_friday, end=last_friday + timedelta(minutes=100),
            blocked_until=last_friday + timedelta(minutes=115), booked_by=desk)

    sign_in(page, live_server, "desk@clinic.test", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Book").click()
    page.get_by_label("Patient name").fill("Alex Rivera")
    page.get_by_role("button", name="Search").click()
    page.locator("li", has_text="Alex Rivera").get_by_role("link", name="Book a course").click()

    page.get_by_label("Protocol").select_option(label="IV ketamine 0.5 mg/kg")
    page.get_by_label("Location").select_option(label="Downtown")
    page.get_by_label("Number of sessions").fill("6")
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Time").fill("09:00")
    page.get_by_role("button", name="Propose dates").click()

    rows = page.locator("tr.proposal-row")
    expect(rows).to_have_count(6)
    conflict_row = page.locator("tr.proposal-row[data-number='6']")
    expect(conflict_row).to_contain_text("Every chair is taken")
    expect(conflict_row).to_contain_text("Nearest free")
    expect(conflict_row.get_by_label("Alternative", exact=False)).to_be_checked()
    screenshot(page, "booking-1-course-proposal-with-conflict")
    assert_accessible(page, "booking-1-course-proposal-with-conflict")

    page.get_by_role("button", name="Book the chosen sessions").click()
    expect(page.get_by_role("alert").filter(has_text="6 sessions booked")).to_be_visible()
    expect(page.get_by_text("0 of 6 done")).to_be_visible()
    assert Appointment.objects.filter(patient=patient).count() == 6
    screenshot(page, "booking-2-course-booked")

    # A second patient: the taken Friday slot, booked one at a time, offers the next free times.
    other = make_cleared_patient(location=location, legal_first_name="Jordan", legal_last_name="Lee")
    page.goto(f"{live_server.url}/schedule/patient/{other.public_id}/book/")
    page.get_by_label("Protocol").select_option(label="IV ketamine 0.5 mg/kg")
    page.get_by_label("Date").fill((monday + timedelta(days=11)).isoformat())
    page.get_by_label("Time").fill("09:00")
    page.get_by_label("Chair").select_option(label="Chair 1 — Downtown")
    page.get_by_label("Nurse watching").select_option(label="Nora Nurse, RN")
    page.get_by_role("button", name="Book appointment").click()
    alert = page.locator("#conflict")
    expect(alert).to_contain_text("That time is taken")
    expect(alert.get_by_role("link", name="use this time").first).to_be_visible()
    screenshot(page, "booking-3-single-booking-conflict")
    assert_accessible(page, "booking-3-single-booking-conflict")
    alert.get_by_role("link", name="use this time").first.click()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_role("alert").filter(has_text="Appointment booked")).to_be_visible()

    # Reschedule Alex's first session an hour earlier (later would fall inside the 48 h before Wednesday's).
    page.goto(f"{live_server.url}/schedule/patient/{patient.public_id}/appointments/")
    page.locator("tbody tr").last.get_by_role("link").click()  # newest first: the first session is the last row
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("Time").fill("08:00")
    page.get_by_role("button", name="Move to this time").click()
    expect(page.get_by_role("alert").filter(has_text="Appointment moved")).to_be_visible()
    expect(page.get_by_text("the earlier appointment")).to_be_visible()
    screenshot(page, "booking-4-rescheduled")
    assert_accessible(page, "booking-4-rescheduled")

    # Cancel Alex's last session.
    page.goto(f"{live_server.url}/schedule/patient/{patient.public_id}/appointments/")
    page.locator("tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_label("Reason").fill("Patient travelling")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("alert").filter(has_text="Appointment cancelled")).to_be_visible()
    screenshot(page, "booking-5-cancelled")
    assert_accessible(page, "booking-5-cancelled")

    statuses = sorted(Appointment.objects.filter(patient=patient).values_list("status", flat=True))
    assert statuses == sorted(["booked"] * 5 + ["rescheduled", "cancelled"])

    page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={monday.isoformat()}")
    board = page.get_by_role("grid", name="Appointments by chair and time")
    expect(board.get_by_text("Alex Rivera")).to_have_count(1)
    expect(board.get_by_text("08:00–10:00")).to_be_visible()  # 20 check-in + 40 + 60 (issue 9)
    screenshot(page, "booking-6-day-board")

    busy_day = (monday + timedelta(days=11)).isoformat()
    page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={busy_day}")
    board = page.get_by_role("grid", name="Appointments by chair and time")
    expect(board.locator("article")).to_have_count(4)  # three at 09:00 and Jordan at 11:00
    # Alex's cancelled sixth session is listed under the released ones.
    expect(page.get_by_role("heading", name="Cancelled, no-shows and not given")).to_be_visible()
    screenshot(page, "booking-7-day-board-busy")


def test_patient_opens_the_emailed_link_on_a_phone_confirms_the_escort_and_gets_the_calendar_file(
        phone_page, live_server, screenshot):
    """Patient-facing: date-of-birth check, appointment, escort and fasting, .ics; axe-core finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    from sessions.services import appointment_book, appointment_link_issue
    from tests.factories import LocationFactory

    def assert_accessible(label):
        violations = [v for v in Axe().run(phone_page).response["violations"]
                      if v.get("impact") in ("serious", "critical")]
        assert not violations, f"{label}: {[v['id'] for v in violations]}"

    location = LocationFactory(name="Downtown", time_zone="America/New_York", address="100 Main Street")
    chair = ChairFactory(location=location, name="Chair 1")
    desk = UserFactory(email="desk@clinic.test", role="front_desk")
    patient = make_cleared_patient(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    appointment = appointment_book(patient=patient, protocol=ProtocolFactory(), chair=chair, nurse=make_nurse(),
                                   start=local(location, _next_monday(), 9), booked_by=desk, notify=False)
    token = appointment_link_issue(appointment=appointment)

    phone_page.goto(f"{live_server.url}/appointment/{token}/")
    expect(phone_page.get_by_label("Your date of birth")).to_be_visible()
    expect(phone_page.locator("body")).not_to_contain_text("09:00")  # nothing about the visit before the check
    assert_accessible("date-of-birth check")
    phone_page.get_by_label("Your date of birth").fill("1900-01-01")
    phone_page.get_by_role("button", name="Continue").click()
    expect(phone_page.get_by_text("does not match")).to_be_visible()
    phone_page.get_by_label("Your date of birth").fill(patient.date_of_birth.isoformat())
    phone_page.get_by_role("button", name="Continue").click()
    expect(phone_page.get_by_text("at 09:00")).to_be_visible()
    expect(phone_page.get_by_text("No solid food for 6 hours")).to_be_visible()
    assert_accessible("appointment")
    phone_page.get_by_label("Name of the adult taking you home").fill("Sam Rivera")
    phone_page.get_by_label("Their phone number").fill("+1 555 010 0111")
    phone_page.get_by_label("I have read the fasting instructions").check()
    phone_page.get_by_role("button", name="Confirm").click()
    expect(phone_page.get_by_text("Confirmed: Sam Rivera")).to_be_visible()
    screenshot(phone_page, "booking-8-patient-link-phone")
    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert "BEGIN:VEVENT" in open(download.value.path()).read()  # noqa: SIM115
    appointment.refresh_from_db()
    assert appointment.escort_confirmed_at is not None and appointment.fasting_acknowledged_at is not None

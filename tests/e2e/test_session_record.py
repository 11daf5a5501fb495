"""Browser: a nurse and a prescriber run an IV session record end to end on a tablet (issue 10)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from playwright.sync_api import expect

from sessions.models import Appointment, SessionRecord, VitalSign
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, UserFactory, make_cleared_patient
from tests.sessions.helpers import ChairFactory, ProtocolFactory, make_nurse

pytestmark = pytest.mark.django_db(transaction=True)


def _zone_at_midday() -> str:
    """A fixed-offset zone in which it is about noon now, so that the day's times typed below (fasting since
    05:00, a start 15 minutes ago) are always in the past and on the same day, whenever the test runs."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # -12..11 hours from UTC
    return "UTC" if offset == 0 else f"Etc/GMT{'+' if offset < 0 else '-'}{abs(offset)}"


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def _local(page_time_zone, minutes_from_now=0) -> str:
    import zoneinfo

    moment = datetime.now(zoneinfo.ZoneInfo(page_time_zone)) + timedelta(minutes=minutes_from_now)
    return moment.strftime("%H:%M")


def test_iv_session_from_check_in_to_signed_record(tablet, live_server, screenshot):
    page = tablet
    zone = _zone_at_midday()
    location = LocationFactory(name="Downtown", time_zone=zone)
    chair = ChairFactory(location=location, name="Chair 1")
    protocol = ProtocolFactory(name="IV ketamine 0.5 mg/kg")
    nurse = make_nurse(email="nurse.e2e@clinic.test", full_name="Nia Nurse")
    UserFactory(email="doc.e2e@clinic.test", full_name="Dr Pat Prescriber", role="prescriber")
    patient = make_cleared_patient(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=10)
    appointment = Appointment.objects.create(
        patient=patient, protocol=protocol, location=location, chair=chair, nurse=nurse, nurse_slot=1, start=start,
        end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115), status="confirmed",
        booked_by=nurse, escort_name="Sam Escort", escort_phone="+1 555 0100")

    sign_in(page, live_server, "nurse.e2e@clinic.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/appointments/{appointment.public_id}/")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("link", name="Open the session record").click()

    # Pre-dose checks with BP 150/95: the session is held.
    page.get_by_label("Identity confirmed").check()
    page.get_by_label("Today's weight").fill("80")
    page.get_by_label("Last solid food").fill("05:00")
    page.get_by_label("Last clear liquid").fill("08:00")
    page.get_by_label("Escort confirmed").check()
    page.get_by_label("Pregnancy status").select_option("not_applicable")
    form = page.locator("form[action$='/checks/']")
    form.get_by_label("Systolic").fill("150")
    form.get_by_label("Diastolic").fill("95")
    form.get_by_label("HR").fill("78")
    form.get_by_label("SpO₂ %").fill("98")
    form.get_by_label("RR", exact=True).fill("14")
    page.get_by_role("button", name="Save checks").click()
    expect(page.locator("#record-header")).to_contain_text("ON HOLD")
    expect(page.locator("#record-header")).to_contain_text("150/95 is above 140/90")
    screenshot(page, "record-1-on-hold")
    assert_accessible(page, "record-1-on-hold")

    # The prescriber says go, with a reason.
    prescriber_page = page.context.browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    prescriber_page.on("dialog", lambda dialog: dialog.accept())
    record_url = page.url.split("#")[0]
    sign_in(prescriber_page, live_server, "doc.e2e@clinic.test", TEST_PASSWORD)
    prescriber_page.goto(record_url)
    prescriber_page.get_by_label("Go: dosing may start").check()
    release = prescriber_page.locator("form[action$='/release/']")
    release.get_by_label("Reason").fill("Anxious on arrival; 142/88 after 10 min rest. Proceed.")
    prescriber_page.get_by_role("button", name="Record decision").click()
    expect(prescriber_page.locator("#checks")).to_contain_text("Go (released by prescriber)")

    # The nurse works out the dose and sees the working.
    page.goto(record_url)
    expect(page.locator("#record-header")).not_to_contain_text("ON HOLD")
    order = page.locator("form[action$='/order/']")
    order.get_by_label("Vial (mg/mL)").select_option("10")
    order.get_by_label("Diluent (mL)").fill("96")
    order.get_by_label("Final volume (mL)").fill("100")
    page.get_by_role("button", name="Work out the dose").click()
    working = page.locator(".dose-working")
    expect(working).to_contain_text("dosing weight 80.0 kg")
    expect(working).to_contain_text("40.0 mg")
    expect(working).to_contain_text("4.00 mL")
    expect(working).to_contain_text("150.0 mL/h")

    # Administration, started 15 minutes ago: the first reading in the infusion is overdue at once.
    admin = page.locator("form[action$='/administration/']")
    admin.get_by_label("NDC").fill("0409-2051-05")
    admin.get_by_label("Lot").fill("LOT42A")
    admin.get_by_label("Expiry").fill((datetime.now() + timedelta(days=200)).strftime("%Y-%m-%d"))
    admin.get_by_label("Start").fill(_local(zone, -15))
    page.get_by_role("button", name="Start administration").click()
    expect(page.locator(".vitals-due")).to_contain_text("OVERDUE")
    screenshot(page, "record-2-overdue")

    # A flagged reading, saved without reloading the page (htmx).
    page.evaluate("window.__sameDocument = true")
    vital = page.locator("form.vital-form")
    vital.get_by_label("Systolic").fill("205")
    vital.get_by_label("Diastolic").fill("100")
    vital.get_by_label("HR").fill("96")
    vital.get_by_label("SpO₂ %").fill("97")
    vital.get_by_role("button", name="Save reading").click()
    expect(page.locator(".vitals-table")).to_contain_text("205/100")
    expect(page.locator("#record-header")).to_contain_text("at or above 200/120")
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "record-3-flagged")
    assert_accessible(page, "record-3-flagged")

    # Nausea treated with ondansetron.
    page.get_by_text("Log an adverse event").click()
    event = page.locator("form[action$='/event/']")
    event.locator("select[name=kind]").select_option("nausea")
    event.locator("select[name=drug]").select_option("ondansetron")
    event.locator("input[name=dose]").fill("4 mg")
    event.get_by_label("Outcome").fill("Settled in 10 minutes")
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("#event")).to_contain_text("Given: ondansetron 4 mg IV")

    # Stop the infusion, sign the administration, discharge with Aldrete 9.
    page.get_by_text("Pause, change rate or stop").click()
    change = page.locator("form[action$='/change/']")
    change.locator("select[name=kind]").select_option("stop")
    change.locator("input[name=at]").fill(_local(zone))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Sign the administration").click()
    discharge = page.locator("form[action$='/discharge/']")
    discharge.get_by_label("Consciousness").select_option("1")
    discharge.get_by_label("Systolic BP now").fill("140")
    discharge.get_by_label("Escort present").check()
    discharge.get_by_label("Written instructions given").check()
    page.get_by_role("button", name="Discharge").click()
    expect(page.locator("#discharge")).to_contain_text("Modified Aldrete 9")

    # The prescriber signs (password), from the queue.
    prescriber_page.goto(f"{live_server.url}/schedule/records/awaiting-signature/")
    prescriber_page.get_by_role("link", name="Open").click()
    prescriber_page.get_by_label("Your password").fill(TEST_PASSWORD)
    prescriber_page.get_by_role("button", name="Sign and lock the record").click()
    expect(prescriber_page.locator("#sign")).to_contain_text("Signed by Dr Pat Prescriber")

    # A vital cannot change now: the page offers no form, and PostgreSQL refuses raw SQL.
    page.goto(record_url)
    expect(page.locator("form.vital-form")).to_have_count(0)
    record = SessionRecord.objects.get(appointment=appointment)
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_sessions_vitalsign SET systolic = 120 WHERE record_id = %s", [record.pk])
    assert refused.value.__cause__.diag.constraint_name == "session_record_signed_lock"

    # An addendum, and an entry marked entered in error (struck through, still there).
    prescriber_page.get_by_text("Write an addendum").click()
    prescriber_page.get_by_label("Addendum").fill("Patient phoned at 17:00: well, no nausea.")
    prescriber_page.locator("form[action$='/addendum/']").get_by_label("Your password").fill(TEST_PASSWORD)
    prescriber_page.get_by_role("button", name="Sign the addendum").click()
    expect(prescriber_page.locator("#sign")).to_contain_text("Patient phoned at 17:00")
    flagged = prescriber_page.locator(".vitals-table tr", has_text="205/100")
    flagged.get_by_text("Entered in error?").click()
    flagged.get_by_placeholder("Reason").fill("Cuff on the wrong arm size; repeated")
    flagged.get_by_role("button", name="Mark").click()
    expect(prescriber_page.locator(".vitals-table tr.entered-in-error")).to_contain_text("Cuff on the wrong arm")
    screenshot(prescriber_page, "record-4-signed")
    assert_accessible(prescriber_page, "record-4-signed")
    assert VitalSign.objects.filter(record=record).count() == 2


@pytest.fixture
def portrait_tablet(browser):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_esketamine_three_devices_then_discharge_refused_at_115_minutes_and_accepted_at_120(
        portrait_tablet, live_server, screenshot):
    """CLINICAL.md §4 [REG]: Spravato not discharged before 120 min from the first device. The session was
    checked in through the services (``now=`` 140 minutes ago); the nurse records the three devices 5 minutes
    apart in the page, then tries to discharge at 115 minutes, and again (time-machine: 5 minutes later) at 120."""
    import importlib
    import zoneinfo
    from datetime import date

    import time_machine
    from django.apps import apps
    from django.urls import reverse

    from sessions.models import Discharge, EsketamineDevice, Protocol
    from sessions.services import appointment_transition
    from sessions.services.records import dose_order_prepare
    from tests.sessions.records.conftest import record_checks

    # An earlier browser test emptied the tables: the protocols come back as the data migration makes them.
    importlib.import_module("sessions.migrations.0002_protocols_and_roles").seed_protocols(apps)
    page = portrait_tablet
    zone = _zone_at_midday()
    location = LocationFactory(name="Downtown", time_zone=zone, rems_certification_number="REMS-E2E-1",
                               rems_certification_expires_on=date.today() + timedelta(days=300))
    chair = ChairFactory(location=location, name="Chair 2")
    nurse = make_nurse(email="nurse.esk@clinic.test", full_name="Nia Nurse")
    patient = make_cleared_patient(location=location, route="intranasal", number_of_sessions=8,
                                   esketamine_dose_mg=84, legal_first_name="Jordan", legal_last_name="Lee")
    t0 = datetime.now(UTC).replace(second=0, microsecond=0)
    first = t0 - timedelta(minutes=115)
    start = first - timedelta(minutes=25)
    appointment = Appointment.objects.create(
        patient=patient, protocol=Protocol.objects.get(name="Esketamine 84 mg"), location=location, chair=chair,
        nurse=nurse, nurse_slot=1, start=start, end=start + timedelta(minutes=155),
        blocked_until=start + timedelta(minutes=170), status="confirmed", booked_by=nurse,
        escort_name="Sam Escort", escort_phone="+1 555 0100")
    appointment = appointment_transition(appointment=appointment, to_status="checked_in", by=nurse, now=start)
    record = appointment.records.get()
    record_checks(record, nurse, start + timedelta(minutes=5))
    dose_order_prepare(record=record, by=nurse, mg_per_kg=None, concentration=None, esketamine_mg=84,
                       now=start + timedelta(minutes=10))

    def hhmm(moment):
        return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")

    sign_in(page, live_server, "nurse.esk@clinic.test", TEST_PASSWORD)
    record_url = f"{live_server.url}{reverse('schedule:record', kwargs={'public_id': record.public_id})}"
    page.goto(record_url)
    for number in range(3):
        device = page.locator("form[action$='/device/']")
        device.get_by_label("Device given at").fill(hhmm(first + timedelta(minutes=5 * number)))
        page.get_by_role("button", name="Record device").click()
        expect(page.locator("#administration")).to_contain_text(
            f"Device {number + 1} (28 mg) at {hhmm(first + timedelta(minutes=5 * number))}")
    expect(page.locator("form[action$='/device/']")).to_have_count(0)  # all three recorded
    screenshot(page, "esketamine-1-three-devices")

    def discharge_at(moment):
        discharge = page.locator("form[action$='/discharge/']")
        discharge.get_by_label("Discharge time").fill(hhmm(moment))
        discharge.get_by_label("Systolic BP now").fill("126")
        discharge.get_by_label("Escort present").check()
        discharge.get_by_label("Written instructions given").check()
        page.get_by_role("button", name="Discharge").click()

    discharge_at(first + timedelta(minutes=115))
    expect(page.get_by_role("alert").filter(has_text="120 minutes")).to_be_visible()
    assert not Discharge.objects.filter(record=record).exists()
    screenshot(page, "esketamine-2-discharge-refused-at-115")
    assert_accessible(page, "esketamine-2-discharge-refused-at-115")

    with time_machine.travel(t0 + timedelta(minutes=5, seconds=10), tick=True):
        page.goto(record_url)
        discharge_at(first + timedelta(minutes=120))
        expect(page.locator("#discharge")).to_contain_text("Modified Aldrete 10")
        screenshot(page, "esketamine-3-discharged-at-120")
    assert EsketamineDevice.objects.filter(record=record).count() == 3
    assert Discharge.objects.get(record=record).discharged_at == first + timedelta(minutes=120)

"""The controlled-substance journey in a browser (issue 11): a manager receives a lot (after a refused receipt
of -5 mg); a nurse on a tablet draws 50 mg for a session, gives 35 mg and wastes 15 mg with a second nurse
witnessing (after a wrong witness password); the manager sees the balance and prints the lot's log; a
prescriber opens the REMS form of an esketamine session and marks it submitted.
Screenshots in test-artifacts/ledger-*.png."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sessions.models import LedgerEntry, Lot, Protocol, RemsSubmission
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, UserFactory, make_cleared_patient
from tests.sessions.helpers import ProtocolFactory, make_nurse
from tests.sessions.ledger.conftest import make_appointment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _seeded_protocols():
    """An earlier browser test's flush took the protocols seeded by migration: put them back."""
    import importlib

    from django.apps import apps

    importlib.import_module("sessions.migrations.0002_protocols_and_roles").seed_protocols(apps)


def _record_discharged(appointment, nurse):
    """The session's record up to discharge, its administration from the ledger's lot."""
    from django.utils import timezone

    from sessions.services import records as services
    from tests.sessions.records.conftest import record_checks

    now = timezone.now()
    record = services.record_open(appointment=appointment, by=nurse)
    record_checks(record, nurse, now - datetime.timedelta(minutes=3))
    services.dose_order_prepare(record=record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(50),
                                now=now - datetime.timedelta(minutes=3))
    services.administration_start(record=record, by=nurse, ledger_lot=Lot.objects.get(), volume_ml=Decimal("0.7"),
                                  started_at=now - datetime.timedelta(minutes=2), now=now)
    services.record_discharge(record=record, by=nurse, discharged_at=now, activity=2, respiration=2,
                              consciousness=2, oxygen=2, systolic=125, escort_present=True, instructions_given=True,
                              now=now)
    return record


def test_receive_draw_give_waste_print_and_submit_a_rems_form(page, tablet, live_server, screenshot):
    _seeded_protocols()
    location = LocationFactory(name="Downtown", time_zone="America/New_York", address="100 Main Street",
                               rems_certification_number="SITE-1",
                               rems_certification_expires_on=datetime.date(2099, 1, 1))
    UserFactory(email="max@clinic.test", full_name="Max Manager", role="manager", is_staff=True)
    nora = make_nurse(email="nora@clinic.test", full_name="Nora Nurse")
    make_nurse(email="wes@clinic.test", full_name="Wes Witness")
    UserFactory(email="pat@clinic.test", full_name="Dr Pat Prescriber", credentials="MD", role="prescriber")
    iv = make_appointment(location=location, nurse=nora, protocol=ProtocolFactory(name="IV ketamine test"),
                          patient=make_cleared_patient(location=location, legal_first_name="Alex",
                                                       legal_last_name="Rivera"), status="in_session")
    eve = make_cleared_patient(location=location, route="intranasal", legal_first_name="Eve", legal_last_name="Esk")
    esketamine = make_appointment(location=location, nurse=nora, patient=eve, status="completed",
                                  protocol=Protocol.objects.get(name="Esketamine 56 mg"))

    # The manager receives a lot; -5 mg is refused first.
    sign_in(page, live_server, "max@clinic.test", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Controlled substances").click()
    page.get_by_role("link", name="Receive stock").click()
    page.get_by_label("Drug").select_option(label="Ketamine (racemic)")
    page.get_by_label("NDC").fill("0409-2051-05")
    page.get_by_label("Lot number").fill("KX-2024")
    page.get_by_label("Concentration (mg/mL)").fill("50")
    page.get_by_label("Container size").fill("10 mL vial")
    page.get_by_label("Containers received").fill("1")
    page.get_by_label("Quantity received (mg)").fill("-5")
    page.get_by_label("Supplier").fill("Cardinal Health")
    page.get_by_label("Invoice or DEA form reference").fill("CSOS-778812")
    page.get_by_label("Expires on").fill((datetime.date.today() + datetime.timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Record the receipt").click()
    # The browser refuses it before sending (min 0.01); the server's own refusal has its tests (test_pages.py).
    quantity = page.get_by_label("Quantity received (mg)")
    assert quantity.evaluate("input => !input.validity.valid && input.validity.rangeUnderflow")
    screenshot(page, "ledger-1-receipt-refused")
    assert not Lot.objects.exists()
    page.get_by_label("Quantity received (mg)").fill("500")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.locator("#lot-balance")).to_contain_text("500.00 mg")
    screenshot(page, "ledger-2-lot-received")
    assert_accessible(page, "ledger-2-lot-received")

    # A nurse at the chair, on a tablet: draw, give, waste with a witness.
    sign_in(tablet, live_server, "nora@clinic.test", TEST_PASSWORD)
    tablet.goto(f"{live_server.url}{iv.get_absolute_url()}")
    tablet.get_by_role("link", name="Controlled substances: draw, give, waste").click()
    draw = tablet.locator("#draw-form")
    draw.get_by_label("Lot").select_option(index=1)
    draw.get_by_label("Quantity drawn (mg)").fill("50")
    draw.get_by_role("button", name="Draw").click()
    expect(tablet.locator("#session-balance")).to_contain_text("Difference 50.00 mg")
    give = tablet.locator("#give-form")
    give.get_by_label("Lot").select_option(index=1)
    give.get_by_label("Quantity given (mg)").fill("35")
    give.get_by_role("button", name="Record as given").click()
    expect(tablet.locator("#session-balance")).to_contain_text("Difference 15.00 mg")
    # The record (built through its services: its own browser test walks the forms) took its lot from the
    # ledger; the prescriber's signature is refused while 15 mg is neither given nor wasted.
    record = _record_discharged(iv, nora)
    prescriber = tablet.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(prescriber, live_server, "pat@clinic.test", TEST_PASSWORD)
    prescriber.goto(f"{live_server.url}{record.get_absolute_url()}")
    expect(prescriber.locator("#record-ledger-balance")).to_contain_text("difference 15.00 mg")
    prescriber.get_by_label("Your password").fill(TEST_PASSWORD)
    prescriber.get_by_role("button", name="Sign and lock the record").click()
    expect(prescriber.locator("#sign")).to_contain_text("15.00 mg drawn for this session is not accounted for")
    screenshot(prescriber, "ledger-4a-record-sign-refused")
    waste = tablet.locator("#waste-form")
    waste.get_by_label("Lot").select_option(index=1)
    waste.get_by_label("Quantity wasted (mg)").fill("15")
    waste.locator("#id_waste-witness").select_option(label="Wes Witness, RN")
    waste.get_by_label("Witness's password").fill("not-the-password")
    waste.get_by_role("button", name="Record the waste").click()
    expect(tablet.get_by_text("The password typed for the witness")).to_be_visible()
    screenshot(tablet, "ledger-3-witness-password-refused")
    waste = tablet.locator("#waste-form")
    waste.get_by_label("Lot").select_option(index=1)
    waste.get_by_label("Quantity wasted (mg)").fill("15")
    waste.locator("#id_waste-witness").select_option(label="Wes Witness, RN")
    waste.get_by_label("Witness's password").fill(TEST_PASSWORD)
    waste.get_by_role("button", name="Record the waste").click()
    expect(tablet.locator("#session-balance")).to_contain_text("Balanced")
    screenshot(tablet, "ledger-4-session-balanced")
    assert_accessible(tablet, "ledger-4-session-balanced")
    assert LedgerEntry.objects.filter(kind="waste", witness__email="wes@clinic.test").count() == 1

    # Balanced: the record now signs.
    prescriber.goto(f"{live_server.url}{record.get_absolute_url()}")
    expect(prescriber.locator("#record-ledger-balance")).to_contain_text("balanced")
    prescriber.get_by_label("Your password").fill(TEST_PASSWORD)
    prescriber.get_by_role("button", name="Sign and lock the record").click()
    expect(prescriber.locator("#sign")).to_contain_text("Signed by Dr Pat Prescriber")
    screenshot(prescriber, "ledger-4b-record-signed")

    # The manager sees the balance and prints the lot's log.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Controlled substances").click()
    expect(page.locator("#lots tr[data-lot='KX-2024'] .balance")).to_have_text("450.00")
    screenshot(page, "ledger-5-stock")
    assert_accessible(page, "ledger-5-stock")
    page.get_by_role("link", name="KX-2024").click()
    page.get_by_role("link", name="Print this lot's log").click()
    expect(page.get_by_role("heading", name="Controlled-substance log (21 CFR 1304.22(c))")).to_be_visible()
    expect(page.locator("tr.entry-administration")).to_contain_text("Alex Rivera")
    expect(page.locator("tr.entry-waste")).to_contain_text("Wes Witness")
    screenshot(page, "ledger-6-printed-log")

    # The prescriber's home counts the REMS form due; it is opened and marked submitted.
    prescriber.goto(f"{live_server.url}/")
    prescriber.get_by_role("link", name="REMS monitoring forms due: 1").click()
    prescriber.get_by_role("link", name="Open the form").click()
    expect(prescriber.locator("#rems-missing")).to_contain_text("Blood pressure at about 40 minutes")
    prescriber.get_by_label("Confirmation number").fill("REMS-556677")
    screenshot(prescriber, "ledger-7-rems-form")
    assert_accessible(prescriber, "ledger-7-rems-form")
    prescriber.get_by_role("button", name="Mark submitted").click()
    expect(prescriber.locator("#rems-submission")).to_contain_text("REMS-556677")
    screenshot(prescriber, "ledger-8-rems-submitted")
    assert RemsSubmission.objects.get().appointment == esketamine
    prescriber.context.close()

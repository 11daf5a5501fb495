"""Ledger pages: who may open them, bad input answered with a message (never a 500, nothing half-saved),
access events for pages that name patients, and query counts that do not grow with the rows shown."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.audit.models import AccessEvent
from sessions.models import CountLine, InventoryCount, LedgerEntry, Lot
from sessions.services.ledger import stock_administer, stock_withdraw
from tests.factories import TEST_PASSWORD

from .conftest import make_appointment, receive

pytestmark = pytest.mark.django_db


def _receipt(location, **overrides):
    data = {"location": location.pk, "drug": "ketamine", "ndc": "0409-2051-05", "lot_number": "A1",
            "concentration_mg_per_ml": "50", "container_size": "10 mL vial", "containers": "1", "quantity_mg": "500",
            "supplier": "Cardinal", "reference": "INV-9", "received_on": timezone.localdate().isoformat(),
            "expires_on": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()}
    data.update(overrides)
    return data


def test_a_manager_receives_a_lot(manager_client, location):
    response = manager_client.post(reverse("schedule:ledger_receive"), _receipt(location))
    lot = Lot.objects.get()
    assert response.status_code == 302 and response.url == reverse("schedule:ledger_lot", args=[lot.public_id])
    assert "500.00 mg" in manager_client.get(response.url).content.decode()


@pytest.mark.parametrize("quantity", ["0", "-5"])
def test_a_receipt_of_zero_or_less_is_refused_with_a_message(manager_client, location, quantity):
    response = manager_client.post(reverse("schedule:ledger_receive"), _receipt(location, quantity_mg=quantity))
    assert response.status_code == 400
    assert "The quantity must be more than 0 mg." in response.content.decode()
    assert not Lot.objects.exists() and not LedgerEntry.objects.exists()


def test_front_desk_and_nurses_cannot_open_the_stock_pages(front_desk_client, nurse_client):
    for url in (reverse("schedule:ledger"), reverse("schedule:ledger_receive"), reverse("schedule:ledger_log")):
        assert front_desk_client.get(url).status_code == 403
    assert nurse_client.get(reverse("schedule:ledger_receive")).status_code == 403


def _session_url(name, appointment):
    return reverse(f"schedule:{name}", args=[appointment.public_id])


def test_a_nurse_draws_gives_and_wastes_with_a_witness(nurse_client, lot, appointment, second_nurse):
    assert nurse_client.post(_session_url("ledger_draw", appointment),
                             {"draw-lot": lot.pk, "draw-quantity_mg": "50"}).status_code == 302
    assert nurse_client.post(_session_url("ledger_give", appointment),
                             {"give-lot": lot.pk, "give-quantity_mg": "35"}).status_code == 302
    response = nurse_client.post(_session_url("ledger_waste", appointment), {
        "waste-lot": lot.pk, "waste-quantity_mg": "15", "waste-manner": "Disposal container",
        "waste-witness": second_nurse.pk, "waste-witness_password": TEST_PASSWORD})
    assert response.status_code == 302
    page = nurse_client.get(_session_url("ledger_session", appointment)).content.decode()
    assert "Balanced" in page
    assert AccessEvent.objects.filter(object_type="controlled substances given",
                                      patient_id=appointment.patient.public_id).exists()


def test_a_witness_typing_a_wrong_password_gets_a_message_and_nothing_is_saved(nurse_client, lot, appointment,
                                                                                nurse, second_nurse):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    response = nurse_client.post(_session_url("ledger_waste", appointment), {
        "waste-lot": lot.pk, "waste-quantity_mg": "15", "waste-manner": "sink", "waste-witness": second_nurse.pk,
        "waste-witness_password": "nope"})
    assert response.status_code == 400
    assert "password typed for the witness" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind="waste").exists()


def test_waste_larger_than_drawn_gets_a_message(nurse_client, lot, appointment, nurse, second_nurse):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    response = nurse_client.post(_session_url("ledger_waste", appointment), {
        "waste-lot": lot.pk, "waste-quantity_mg": "60", "waste-manner": "sink", "waste-witness": second_nurse.pk,
        "waste-witness_password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "more than what was drawn" in response.content.decode()


def test_an_expired_lot_is_not_offered_and_cannot_be_posted(nurse_client, location, manager, appointment):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(location.time_zone))
    expired = receive(location=location, by=manager, lot_number="OLD", expires_on=today - datetime.timedelta(days=1))
    page = nurse_client.get(_session_url("ledger_session", appointment)).content.decode()
    assert "OLD" not in page
    response = nurse_client.post(_session_url("ledger_draw", appointment),
                                 {"draw-lot": expired.pk, "draw-quantity_mg": "10"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind="withdrawal").exists()


def test_a_count_that_does_not_match_needs_a_reason(manager_client, location, lot, second_nurse):
    data = {"kind": "routine", f"counted_{lot.pk}": "480", "witness": second_nurse.pk,
            "witness_password": TEST_PASSWORD}
    response = manager_client.post(reverse("schedule:ledger_count_new"), data)
    assert response.status_code == 400
    assert "480.00 mg counted but the ledger says 500.00 mg" in response.content.decode()
    assert not InventoryCount.objects.exists()
    response = manager_client.post(reverse("schedule:ledger_count_new"), {**data, f"reason_{lot.pk}": "spilt"})
    assert response.status_code == 302
    assert CountLine.objects.get().difference_mg == Decimal("-20")
    assert "Count differences to review: <strong>1</strong>" in manager_client.get(reverse("home")).content.decode()
    assert "discrepancy-alert" in manager_client.get(reverse("schedule:ledger")).content.decode()


def test_a_biennial_inventory_prints_as_such(manager_client, location, lot, second_nurse):
    response = manager_client.post(reverse("schedule:ledger_count_new"), {
        "kind": "biennial", f"counted_{lot.pk}": "500", "witness": second_nurse.pk, "witness_password": TEST_PASSWORD})
    assert "Biennial inventory of controlled substances" in manager_client.get(response.url).content.decode()


def test_the_csv_and_the_print_are_each_one_access_event_naming_every_patient(manager_client, lot, nurse, location):
    sessions = [make_appointment(location=location, nurse=nurse, status="in_session") for _ in range(2)]
    for appointment in sessions:
        stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("10"), actor=nurse)
    response = manager_client.get(reverse("schedule:ledger_log"), {"lot": lot.public_id, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert body.splitlines()[0].startswith("date_time_local,location,drug,ndc,lot_number")
    assert sessions[0].patient.full_name in body
    [export] = AccessEvent.objects.filter(action="export")  # one event per export, not one per patient
    assert set(export.patient_ids) == {s.patient.public_id for s in sessions}
    manager_client.get(reverse("schedule:ledger_log"), {"lot": lot.public_id, "format": "print"})
    [printed] = AccessEvent.objects.filter(action="print")
    assert set(printed.patient_ids) == {s.patient.public_id for s in sessions}


def _queries(client, url, params=None) -> tuple[str, list[str]]:
    client.get(url, params or {})  # the session's first-request work is not the page's
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _draws(lot, nurse, location, n):
    for _ in range(n):
        appointment = make_appointment(location=location, nurse=nurse, status="in_session")
        stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("1"), actor=nurse)
        stock_administer(lot=lot, appointment=appointment, quantity_mg=Decimal("1"), actor=nurse)


# Each ledger page's queries, the same with 1 row and with 50. All start with the session, the user and the
# user's and their groups' permissions (3: the permissions are one read).
LEDGER_PAGE_QUERIES = {
    # the location, the COUNT of its lots, a page of them with their balances, the open count differences, the
    # latest counts, the location menu
    "stock": 9,
    # the lot with its balance, the COUNT of its entries, a page of them (lot, people, patient joined), the
    # access event naming the page's patients
    "lot": 7,
    # the location, the COUNT of its entries, a page of them, the access event
    "log": 7,
    # the location, every entry of the period (a printed log is whole), the access event
    "log print": 6,
}


def test_ledger_pages_query_counts_are_the_same_for_1_and_50_rows(manager_client, location, manager, nurse):
    lot = receive(location=location, by=manager, lot_number="Q0")
    pages = {"stock": (reverse("schedule:ledger"), {}),
             "lot": (reverse("schedule:ledger_lot", args=[lot.public_id]), {}),
             "log": (reverse("schedule:ledger_log"), {"location": location.public_id}),
             "log print": (reverse("schedule:ledger_log"), {"location": location.public_id, "format": "print"})}
    stock_withdraw(lot=lot, appointment=make_appointment(location=location, nurse=nurse, status="in_session"),
                   quantity_mg=Decimal("1"), actor=nurse)  # a receipt and one draw for one patient
    for name, (url, params) in pages.items():
        html, queries = _queries(manager_client, url, params)
        assert len(queries) == LEDGER_PAGE_QUERIES[name], (name, queries)
        assert html.count('data-lot="Q') == 1 if name == "stock" else html.count('class="entry-withdrawal"') == 1
    for i in range(49):
        receive(location=location, by=manager, lot_number=f"Q{i + 1}")
        stock_withdraw(lot=lot, appointment=make_appointment(location=location, nurse=nurse, status="in_session"),
                       quantity_mg=Decimal("1"), actor=nurse)
    for name, (url, params) in pages.items():
        html, queries = _queries(manager_client, url, params)
        assert len(queries) == LEDGER_PAGE_QUERIES[name], (name, queries)
        if name == "stock":
            assert html.count('data-lot="Q') == 50
        elif name == "log print":  # the whole log: 50 receipts, 50 draws
            assert html.count('class="entry-receipt"') == html.count('class="entry-withdrawal"') == 50
        else:  # a page of the lot's 51 entries, or of the location's 100
            assert html.count('<tr class="entry-') == 50
        if name != "log print":  # one page of rows read, not every lot or entry
            rows = [sql for sql in queries if 'ORDER BY "clinic_sessions_lot"."drug"' in sql
                    or 'ORDER BY "clinic_sessions_ledgerentry"."occurred_at"' in sql]
            assert rows and all(sql.endswith("LIMIT 50") for sql in rows), (name, rows)


def test_long_lists_are_paginated(manager_client, location, manager, nurse):
    lot = receive(location=location, by=manager, lot_number="P0")
    _draws(lot, nurse, location, 30)  # 61 entries: two pages of 50
    page = manager_client.get(reverse("schedule:ledger_lot", args=[lot.public_id])).content.decode()
    assert "Page 1 of 2" in page


def test_the_stock_page_shows_lots_a_page_at_a_time(manager_client, location, manager):
    for i in range(51):
        receive(location=location, by=manager, lot_number=f"S{i:02d}", drug="ketamine",
                expires_on=timezone.localdate() + datetime.timedelta(days=100 + i))
    second = manager_client.get(reverse("schedule:ledger"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and second.count('data-lot="S') == 1 and 'data-lot="S50"' in second


def test_the_receipt_form_offers_the_locations_date_not_the_servers(manager, location):
    """At 20:00 in New York it is already tomorrow in UTC (the server's zone): a delivery signed for that evening
    is received today, and the form says so by default."""
    import time_machine

    from tests.factories import client_for

    evening = datetime.datetime(2030, 1, 14, 20, 0, tzinfo=zoneinfo.ZoneInfo(location.time_zone))
    with time_machine.travel(evening, tick=False):
        page = client_for(manager).get(reverse("schedule:ledger_receive"), {"location": location.public_id})
    assert page.context["form"]["received_on"].value() == datetime.date(2030, 1, 14)

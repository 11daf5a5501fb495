"""The ledger's services: what each records, and each bad input refused with a message and nothing saved."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from sessions.models import CountLine, InventoryCount, LedgerEntry, Lot
from sessions.selectors.ledger import (
    lots_available,
    lots_with_balance,
    open_discrepancies,
    session_controlled_substance_balance,
)
from sessions.services.ledger import (
    LedgerRefused,
    discrepancy_review,
    inventory_count_record,
    stock_administer,
    stock_return,
    stock_waste,
    stock_withdraw,
)
from tests.factories import TEST_PASSWORD

from .conftest import receive

pytestmark = pytest.mark.django_db
D = Decimal


def _balance(lot):
    return lots_with_balance().get(pk=lot.pk).balance_mg


def test_a_receipt_makes_the_lot_and_its_first_entry(lot, manager):
    entry = lot.entries.get()
    assert (entry.kind, entry.quantity_mg, entry.balance_after_mg, entry.actor) == ("receipt", D("500"), D("500"),
                                                                                   manager)


@pytest.mark.parametrize("quantity", [D("0"), D("-5")])
def test_a_receipt_of_zero_or_less_is_refused_and_nothing_is_saved(location, manager, quantity):
    with pytest.raises(LedgerRefused, match="more than 0 mg"):
        receive(location=location, by=manager, quantity_mg=quantity)
    assert not Lot.objects.exists()


def test_a_nurse_cannot_receive_stock(location, nurse):
    with pytest.raises(LedgerRefused, match="does not allow"):
        receive(location=location, by=nurse)


def test_draw_give_and_waste_with_a_witness_balance_the_session(lot, nurse, second_nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=D("50"), actor=nurse)
    assert session_controlled_substance_balance(appointment=appointment).difference_mg == D("50")
    stock_administer(lot=lot, appointment=appointment, quantity_mg=D("35"), actor=nurse)
    stock_waste(lot=lot, appointment=appointment, quantity_mg=D("15"), manner="Drug disposal container",
                actor=nurse, witness=second_nurse, witness_password=TEST_PASSWORD)
    balance = session_controlled_substance_balance(appointment=appointment)
    assert balance.as_dict() == {"drawn": D("50"), "given": D("35"), "wasted": D("15"), "difference": D("0")}
    assert balance.is_balanced
    assert _balance(lot) == D("450")


def test_waste_larger_than_what_was_drawn_is_refused_with_a_message(lot, nurse, second_nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=D("50"), actor=nurse)
    stock_administer(lot=lot, appointment=appointment, quantity_mg=D("35"), actor=nurse)
    with pytest.raises(LedgerRefused, match="more than what was drawn"):
        stock_waste(lot=lot, appointment=appointment, quantity_mg=D("20"), manner="sink", actor=nurse,
                    witness=second_nurse, witness_password=TEST_PASSWORD)
    assert not LedgerEntry.objects.filter(kind="waste").exists()


def test_a_witness_typing_a_wrong_password_saves_nothing(lot, nurse, second_nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=D("50"), actor=nurse)
    with pytest.raises(LedgerRefused, match="password typed for the witness"):
        stock_waste(lot=lot, appointment=appointment, quantity_mg=D("15"), manner="sink", actor=nurse,
                    witness=second_nurse, witness_password="wrong")
    with pytest.raises(LedgerRefused, match="another person"):
        stock_waste(lot=lot, appointment=appointment, quantity_mg=D("15"), manner="sink", actor=nurse,
                    witness=nurse, witness_password=TEST_PASSWORD)
    assert not LedgerEntry.objects.filter(kind="waste").exists()


def test_a_front_desk_user_cannot_witness(lot, nurse, front_desk, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=D("50"), actor=nurse)
    with pytest.raises(LedgerRefused, match="cannot witness"):
        stock_waste(lot=lot, appointment=appointment, quantity_mg=D("15"), manner="sink", actor=nurse,
                    witness=front_desk, witness_password=TEST_PASSWORD)


def test_an_expired_lot_cannot_be_drawn_from_and_is_not_offered(location, manager, nurse, appointment):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(location.time_zone))
    expired = receive(location=location, by=manager, lot_number="OLD", expires_on=today - datetime.timedelta(days=1))
    with pytest.raises(LedgerRefused, match="expired on"):
        stock_withdraw(lot=expired, appointment=appointment, quantity_mg=D("10"), actor=nurse)
    assert expired not in lots_available(location=location, drug="ketamine", on=today)


def test_lots_available_leaves_out_empty_lots_and_other_drugs_and_sorts_by_expiry(location, manager, nurse,
                                                                                  appointment):
    today = timezone.localdate()
    later = receive(location=location, by=manager, lot_number="LATER", expires_on=today + datetime.timedelta(days=300))
    sooner = receive(location=location, by=manager, lot_number="SOON", expires_on=today + datetime.timedelta(days=20))
    empty = receive(location=location, by=manager, lot_number="EMPTY", quantity_mg=D("10"))
    receive(location=location, by=manager, lot_number="ESK", drug="esketamine")
    stock_withdraw(lot=empty, appointment=appointment, quantity_mg=D("10"), actor=nurse)
    assert list(lots_available(location=location, drug="ketamine", on=today)) == [sooner, later]


def test_more_than_the_balance_is_refused_with_what_is_left(lot, nurse, appointment):
    with pytest.raises(LedgerRefused, match="holds only 500.00 mg"):
        stock_withdraw(lot=lot, appointment=appointment, quantity_mg=D("600"), actor=nurse)


def test_nothing_is_drawn_for_a_cancelled_session(lot, nurse, location):
    from .conftest import make_appointment

    cancelled = make_appointment(location=location, nurse=nurse, status="cancelled",
                                 start=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(LedgerRefused, match="cancelled"):
        stock_withdraw(lot=lot, appointment=cancelled, quantity_mg=D("10"), actor=nurse)


def test_a_return_to_supplier_lowers_the_balance_and_needs_a_reference(lot, manager):
    with pytest.raises(LedgerRefused, match="reference"):
        stock_return(lot=lot, quantity_mg=D("100"), reference=" ", actor=manager)
    stock_return(lot=lot, quantity_mg=D("100"), reference="RA-77", actor=manager)
    assert _balance(lot) == D("400")


def test_a_count_that_does_not_match_needs_a_reason_and_saves_nothing_without_one(location, lot, manager,
                                                                                  second_nurse):
    with pytest.raises(LedgerRefused, match="490.00 mg counted but the ledger says 500.00 mg"):
        inventory_count_record(location=location, counted_by=manager, witness=second_nurse,
                               witness_password=TEST_PASSWORD, counted={lot.pk: D("490")}, reasons={})
    assert not InventoryCount.objects.exists() and not CountLine.objects.exists()


def test_a_count_difference_adjusts_the_balance_and_alerts_managers_until_reviewed(location, lot, manager,
                                                                                   second_nurse):
    count = inventory_count_record(location=location, counted_by=manager, witness=second_nurse,
                                   witness_password=TEST_PASSWORD, counted={lot.pk: D("490")},
                                   reasons={lot.pk: "vial broken in the safe"}, kind="biennial")
    line = count.lines.get()
    assert line.difference_mg == D("-10")
    adjustment = lot.entries.get(kind="adjustment")
    assert (adjustment.quantity_mg, adjustment.count_line, adjustment.witness) == (D("-10"), line, second_nurse)
    assert _balance(lot) == D("490")
    assert list(open_discrepancies()) == [line]
    discrepancy_review(line=line, reviewed_by=manager, note="Breakage, witnessed; no DEA report needed")
    assert not open_discrepancies().exists()


def test_a_matching_count_makes_no_adjustment_and_no_alert(location, lot, manager, second_nurse):
    inventory_count_record(location=location, counted_by=manager, witness=second_nurse,
                           witness_password=TEST_PASSWORD, counted={lot.pk: D("500")}, reasons={})
    assert not lot.entries.filter(kind="adjustment").exists()
    assert not open_discrepancies().exists()

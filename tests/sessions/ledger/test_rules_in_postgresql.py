"""DESIGN.md §4.7: each ledger rule broken directly with raw SQL, and PostgreSQL names the rule it refused.
The rules live in sessions/migrations/0007_ledger_rules.py (plain PL/pgSQL) and the models' constraints."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sessions.models import LedgerEntry, RemsSubmission
from sessions.models.ledger import LEDGER_TABLES
from sessions.services.ledger import discrepancy_review, inventory_count_record, stock_withdraw
from tests.factories import TEST_PASSWORD

from .conftest import make_appointment, receive

pytestmark = pytest.mark.django_db

INSERT = """INSERT INTO clinic_sessions_ledgerentry (public_id, lot_id, kind, quantity_mg, appointment_id, occurred_at,
    actor_id, witness_id, manner, reason, reference, seq, balance_after_mg, recorded_at)
    VALUES (gen_random_uuid(), %(lot)s, %(kind)s, %(quantity)s, %(appointment)s, now(), %(actor)s, %(witness)s,
    %(manner)s, %(reason)s, '', %(seq)s, %(balance)s, now())"""


def _refused(rule: str, sql: str, params=None) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert caught.value.__cause__.diag.constraint_name == rule
    assert rule in str(caught.value)
    return caught.value


def _entry(lot, actor, *, kind, quantity, appointment=None, witness=None, manner="", reason="", seq=0,
           balance=0):
    return {"lot": lot.pk, "kind": kind, "quantity": Decimal(quantity), "appointment": getattr(appointment, "pk", None),
            "actor": actor.pk, "witness": getattr(witness, "pk", None), "manner": manner, "reason": reason,
            "seq": seq, "balance": Decimal(balance)}


def test_a_withdrawal_larger_than_the_balance_is_refused(lot, nurse, appointment):
    _refused("ledger_balance_not_negative", INSERT,
             _entry(lot, nurse, kind="withdrawal", quantity="500.01", appointment=appointment))


def test_the_balance_is_computed_by_postgresql_not_taken_from_the_insert(lot, nurse, appointment):
    # A forged balance and sequence number are overwritten: the draw still leaves the lot below zero.
    _refused("ledger_balance_not_negative", INSERT,
             _entry(lot, nurse, kind="withdrawal", quantity="600", appointment=appointment, seq=99, balance=9999))
    with connection.cursor() as cursor:
        cursor.execute(INSERT, _entry(lot, nurse, kind="withdrawal", quantity="50", appointment=appointment,
                                      seq=99, balance=9999))
    latest = LedgerEntry.objects.filter(lot=lot).order_by("-seq").first()
    assert (latest.seq, latest.balance_after_mg) == (2, Decimal("450.00"))


def test_a_return_cannot_take_the_lot_below_zero(lot, manager):
    _refused("ledger_balance_not_negative", INSERT, _entry(lot, manager, kind="return", quantity="501"))


def test_a_witness_cannot_be_the_actor(lot, nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    _refused("ledger_witness_not_actor", INSERT, _entry(lot, nurse, kind="waste", quantity="15",
                                                        appointment=appointment, witness=nurse, manner="sink"))


def test_a_waste_needs_a_witness(lot, nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    _refused("ledger_witness_needed", INSERT, _entry(lot, nurse, kind="waste", quantity="15",
                                                     appointment=appointment, manner="sink"))


@pytest.mark.parametrize("quantity", ["0", "-5"])
def test_a_receipt_of_zero_or_less_is_refused(lot, manager, quantity):
    _refused("ledger_quantity_positive", INSERT, _entry(lot, manager, kind="receipt", quantity=quantity))


def test_more_wasted_than_drawn_for_the_session_is_refused(lot, nurse, second_nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    with connection.cursor() as cursor:
        cursor.execute(INSERT, _entry(lot, nurse, kind="administration", quantity="35", appointment=appointment))
    _refused("ledger_session_not_over_drawn", INSERT, _entry(
        lot, nurse, kind="waste", quantity="15.01", appointment=appointment, witness=second_nurse, manner="sink"))


def test_more_given_than_drawn_is_refused(lot, nurse, appointment):
    _refused("ledger_session_not_over_drawn", INSERT,
             _entry(lot, nurse, kind="administration", quantity="1", appointment=appointment))


def test_nothing_is_drawn_from_an_expired_lot(location, manager, nurse, appointment):
    local_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(location.time_zone))
    expired = receive(location=location, by=manager, lot_number="OLD1",
                      expires_on=local_today - datetime.timedelta(days=1))
    _refused("ledger_no_draw_from_expired_lot", INSERT,
             _entry(expired, nurse, kind="withdrawal", quantity="10", appointment=appointment))


def test_a_session_entry_needs_its_appointment(lot, nurse):
    _refused("ledger_session_entry_has_appointment", INSERT, _entry(lot, nurse, kind="withdrawal", quantity="10"))


def test_a_lot_serves_only_sessions_at_its_location(lot, nurse, other_location):
    elsewhere = make_appointment(location=other_location, nurse=nurse, status="in_session")
    _refused("ledger_lot_at_session_location", INSERT,
             _entry(lot, nurse, kind="withdrawal", quantity="10", appointment=elsewhere))


@pytest.fixture
def a_row_in_every_table(location, lot, manager, nurse, second_nurse, appointment):
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal("50"), actor=nurse)
    count = inventory_count_record(location=location, counted_by=manager, witness=second_nurse,
                                   witness_password=TEST_PASSWORD, counted={lot.pk: Decimal("440")},
                                   reasons={lot.pk: "vial cracked"})
    discrepancy_review(line=count.lines.get(), reviewed_by=manager, note="breakage, DEA Form 106 not needed")
    RemsSubmission.objects.create(appointment=appointment, submitted_by=manager, submitted_at=timezone.now(),
                                  confirmation_number="R-1")


@pytest.mark.parametrize("table", LEDGER_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table} CASCADE"])
def test_every_ledger_table_is_append_only(truncate_granted, a_row_in_every_table, table, statement):
    with connection.cursor() as cursor:  # run the deferred foreign-key checks: TRUNCATE refuses pending ones
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _refused("ledger_append_only", statement.format(table=table))


def test_the_orm_cannot_edit_an_entry_either(lot):
    entry = lot.entries.get()
    with pytest.raises(IntegrityError, match="ledger_append_only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(quantity_mg=Decimal("1"))

"""The record and the controlled-substance ledger together: the administration's lot comes from the ledger,
and the record cannot be signed while drawn - given - wasted for the session is not 0."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sessions.models import Administration
from sessions.services.ledger import stock_administer, stock_waste, stock_withdraw
from sessions.services.records import RecordRefused, administration_start, dose_order_prepare, record_sign
from tests.factories import TEST_PASSWORD, LocationFactory
from tests.sessions.helpers import make_nurse
from tests.sessions.ledger.conftest import receive
from tests.sessions.records.conftest import record_checks
from tests.sessions.records.test_services import _discharge

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_nurse(db):
    return make_nurse(email="second.nurse@clinic.test", full_name="Sam Second")


@pytest.fixture
def other_location(db):
    return LocationFactory(name="Uptown", time_zone="America/New_York")


@pytest.fixture
def ordered(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start)
    dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       now=day_start)
    return iv_record


def _start(record, nurse, at, **fields):
    values = {"drug": "", "ndc": "", "lot": "", "expiry": None, "concentration": None, "volume_ml": Decimal(4),
              "started_at": at, "now": at}
    values.update(fields)
    return administration_start(record=record, by=nurse, **values)


def test_the_administration_takes_ndc_lot_expiry_and_concentration_from_the_ledger_lot(
        ordered, nurse, manager, location, day_start):
    lot = receive(location=location, by=manager, concentration_mg_per_ml=Decimal(10), lot_number="KX-9",
                  expires_on=day_start.date() + timedelta(days=90))
    administration = _start(ordered, nurse, day_start + timedelta(minutes=5), ledger_lot=lot)
    administration.refresh_from_db()
    assert (administration.ledger_lot, administration.lot, administration.ndc, administration.expiry,
            administration.concentration_mg_per_ml) == (lot, "KX-9", lot.ndc, lot.expires_on, Decimal(10))


def test_a_typed_lot_is_refused_when_the_location_has_lots_of_that_drug(ordered, nurse, manager, location,
                                                                       day_start):
    receive(location=location, by=manager, concentration_mg_per_ml=Decimal(10))
    with pytest.raises(RecordRefused, match="Choose the lot from the ledger"):
        _start(ordered, nurse, day_start + timedelta(minutes=5), drug="Ketamine", ndc="1", lot="TYPED",
               expiry=day_start.date() + timedelta(days=9), concentration=Decimal(10))
    assert not Administration.objects.exists()


def test_a_lot_of_another_location_is_refused(ordered, nurse, manager, other_location, day_start):
    lot = receive(location=other_location, by=manager, concentration_mg_per_ml=Decimal(10))
    with pytest.raises(RecordRefused, match="another location"):
        _start(ordered, nurse, day_start + timedelta(minutes=5), ledger_lot=lot)


def _ready_to_sign(record, nurse, location, manager, second_nurse, day_start):
    lot = receive(location=location, by=manager, concentration_mg_per_ml=Decimal(10))
    stock_withdraw(lot=lot, appointment=record.appointment, quantity_mg=Decimal(50), actor=nurse)
    stock_administer(lot=lot, appointment=record.appointment, quantity_mg=Decimal(35), actor=nurse)
    _discharge(record, nurse, day_start + timedelta(minutes=1))
    return lot


def test_signing_is_refused_while_drawn_given_wasted_does_not_balance(
        ordered, nurse, prescriber, manager, location, second_nurse, day_start):
    lot = _ready_to_sign(ordered, nurse, location, manager, second_nurse, day_start)
    with pytest.raises(RecordRefused, match="15.00 mg drawn for this session is not accounted for"):
        record_sign(record=ordered, by=prescriber, secret=TEST_PASSWORD)
    ordered.refresh_from_db()
    assert ordered.signed_at is None
    stock_waste(lot=lot, appointment=ordered.appointment, quantity_mg=Decimal(15), manner="Drug disposal kit",
                actor=nurse, witness=second_nurse, witness_password=TEST_PASSWORD)
    assert record_sign(record=ordered, by=prescriber, secret=TEST_PASSWORD).signed_at is not None


def test_postgresql_refuses_signing_an_unbalanced_record(ordered, nurse, prescriber, manager, location,
                                                        second_nurse, day_start):
    _ready_to_sign(ordered, nurse, location, manager, second_nurse, day_start)
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_sessions_sessionrecord SET signed_at = %s, signed_by_id = %s, "
                       "signed_with = 'password' WHERE id = %s", [timezone.now(), prescriber.pk, ordered.pk])
    assert refused.value.__cause__.diag.constraint_name == "record_sign_ledger_balanced"


def test_the_administration_form_offers_the_ledger_lots_and_the_record_shows_the_balance(
        ordered, nurse, manager, location, day_start):
    import time_machine
    from django.urls import reverse

    from tests.factories import client_for

    lot = receive(location=location, by=manager, concentration_mg_per_ml=Decimal(10), lot_number="KX-77",
                  expires_on=day_start.date() + timedelta(days=90))
    stock_withdraw(lot=lot, appointment=ordered.appointment, quantity_mg=Decimal(50), actor=nurse)
    url = reverse("schedule:record", kwargs={"public_id": ordered.public_id})
    step = reverse("schedule:record_step", kwargs={"public_id": ordered.public_id, "step": "administration"})
    with time_machine.travel(day_start + timedelta(minutes=10), tick=False):
        page = client_for(nurse).get(url).content.decode()
        assert 'name="ledger_lot"' in page and "KX-77" in page and 'name="ndc"' not in page
        assert "difference 50.00 mg" in page
        assert reverse("schedule:ledger_session", kwargs={"public_id": ordered.appointment.public_id}) in page
        response = client_for(nurse).post(step, {"ledger_lot": lot.pk, "volume_ml": "4", "started": "08:55"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Administration.objects.get(record=ordered).lot == "KX-77"

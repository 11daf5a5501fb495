"""The prescriber's *Stop* on a held session ends the appointment as *not given*: the patient came (not a
no-show, not a cancellation), nothing was given, and the chair and the nurse's slot are free again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from sessions.models import Appointment
from sessions.services import appointment_book, appointment_transition
from sessions.services.errors import TransitionRefused
from sessions.services.ledger import LedgerRefused, stock_waste, stock_withdraw
from sessions.services.records import hold_release
from tests.factories import TEST_PASSWORD
from tests.sessions.helpers import cleared_patient, local, make_nurse
from tests.sessions.ledger.conftest import receive
from tests.sessions.records.conftest import record_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start, systolic=150, diastolic=95)
    return iv_record


def _stop(record, prescriber, day_start):
    return hold_release(record=record, by=prescriber, decision="stop", reason="BP 160/100 after rest: not today.",
                        now=day_start + timedelta(minutes=15))


def test_stop_ends_the_appointment_as_not_given(held, prescriber, day_start):
    _stop(held, prescriber, day_start)
    appointment = Appointment.objects.get(pk=held.appointment.pk)
    assert appointment.status == Appointment.Status.NOT_GIVEN
    assert appointment.get_status_display() == "Not given"
    assert appointment.status_changed_by == prescriber


def test_the_chair_and_the_nurse_are_free_again_after_a_stop(held, prescriber, day_start, location, protocol,
                                                             chairs, nurse_on_duty, front_desk, next_monday):
    _stop(held, prescriber, day_start)
    other = cleared_patient(location, route="iv", number_of_sessions=6)
    start = local(location, next_monday, 9, 30)  # inside the stopped session's booked time, same chair and nurse
    booked = appointment_book(patient=other, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty, start=start,
                              booked_by=front_desk, now=day_start + timedelta(minutes=20))
    assert booked.chair == held.appointment.chair


def test_not_given_is_reached_only_through_the_prescribers_stop(iv_record, nurse, day_start):
    with pytest.raises(TransitionRefused, match="prescriber's stop"):
        appointment_transition(appointment=iv_record.appointment, to_status="not_given", by=nurse, now=day_start)


def test_postgresql_refuses_not_given_from_booked_and_allows_it_from_checked_in(booked_iv):
    from tests.sessions.helpers import move_status

    update = "UPDATE clinic_sessions_appointment SET status = 'not_given' WHERE id = %s"
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update, [booked_iv.pk])
    assert refused.value.__cause__.diag.constraint_name == "appointment_status_transition"
    move_status(booked_iv, "checked_in")
    with connection.cursor() as cursor:
        cursor.execute(update, [booked_iv.pk])
    assert Appointment.objects.get(pk=booked_iv.pk).status == "not_given"


def test_not_given_refuses_drawing_but_lets_what_was_drawn_before_the_stop_be_wasted(
        held, prescriber, nurse, manager, location, day_start):
    lot = receive(location=location, by=manager, concentration_mg_per_ml=Decimal(10))
    stock_withdraw(lot=lot, appointment=held.appointment, quantity_mg=Decimal(40), actor=nurse)
    _stop(held, prescriber, day_start)
    appointment = Appointment.objects.get(pk=held.appointment.pk)
    with pytest.raises(LedgerRefused, match="not given"):
        stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal(10), actor=nurse)
    witness = make_nurse(email="witness@clinic.test", full_name="Wes Witness")
    stock_waste(lot=lot, appointment=appointment, quantity_mg=Decimal(40), manner="Drug disposal container",
                actor=nurse, witness=witness, witness_password=TEST_PASSWORD)


def test_a_stopped_sessions_record_waits_for_the_prescribers_signature(held, prescriber, day_start,
                                                                      prescriber_client):
    """A stopped session needs no discharge to be signed (``record_sign``): its record waits in the signature queue
    and is counted on the prescriber's home page like a discharged one, or it would stay unsigned, unlocked."""
    from django.urls import reverse

    from sessions.selectors.records import records_awaiting_signature

    _stop(held, prescriber, day_start)
    assert list(records_awaiting_signature()) == [held]
    assert "1</span> records waiting for your signature" in prescriber_client.get(reverse("home")).content.decode()
    queue = prescriber_client.get(reverse("schedule:record_queue")).content.decode()
    assert held.appointment.patient.legal_last_name in queue and "Stopped: not given" in queue

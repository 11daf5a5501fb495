"""A booked session checked in on its day, with its record open; helpers to walk it along."""

from datetime import timedelta

import pytest

from sessions.services import appointment_book, appointment_transition
from sessions.services.records import predose_check_record
from tests.sessions.helpers import cleared_patient, local

PHQ9_CLEAR = {f"q{i}": 0 for i in range(1, 10)}


@pytest.fixture
def day_start(location, next_monday):
    return local(location, next_monday, 8, 50)


@pytest.fixture
def booked_iv(location, protocol, chairs, nurse_on_duty, front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    return appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                            start=local(location, next_monday, 9), booked_by=front_desk,
                            now=local(location, next_monday, 7))


@pytest.fixture
def iv_record(booked_iv, nurse, day_start):
    appointment = appointment_transition(appointment=booked_iv, to_status="confirmed", by=nurse, now=day_start)
    appointment = appointment_transition(appointment=appointment, to_status="checked_in", by=nurse, now=day_start)
    return appointment.records.get()


def record_checks(record, nurse, now, **overrides):
    fields = {"identity_confirmed": True, "weight_kg": 80, "weight_entered": "80 kg",
                  "last_food_at": now - timedelta(hours=8), "last_liquid_at": now - timedelta(hours=3),
                  "escort_name": "Sam Escort", "escort_phone": "+1 555 0100", "escort_confirmed": True,
                  "pregnancy_status": "not_applicable", "medication_changes": "", "phq9_answers": dict(PHQ9_CLEAR),
                  "systolic": 128, "diastolic": 82, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14,
              "consent_current": True}
    fields.update(overrides)
    return predose_check_record(record=record, by=nurse, now=now, **fields)


def record_signed(record, nurse, prescriber, day_start):
    """Checks, a dose order, a discharge and the prescriber's signature: a locked record."""
    from decimal import Decimal

    from sessions.services.records import dose_order_prepare, record_discharge, record_sign

    record_checks(record, nurse, day_start)
    dose_order_prepare(record=record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       final_volume_ml=Decimal(100), infusion_minutes=40, now=day_start)
    record_discharge(record=record, by=nurse, discharged_at=day_start + timedelta(minutes=1), activity=2,
                     respiration=2, consciousness=2, oxygen=2, systolic=125, escort_present=True,
                     instructions_given=True, now=day_start + timedelta(minutes=1))
    prescriber.set_password("sign-me-please-1")
    prescriber.save()
    return record_sign(record=record, by=prescriber, secret="sign-me-please-1")


@pytest.fixture
def esketamine_record(location, chairs, nurse_on_duty, front_desk, next_monday, nurse, day_start):
    from sessions.models import Protocol
    from sessions.services import appointment_book, appointment_transition
    from tests.sessions.helpers import cleared_patient, local

    protocol = Protocol.objects.get(name="Esketamine 84 mg")
    patient = cleared_patient(location, route="intranasal", number_of_sessions=8, esketamine_dose_mg=84)
    # The first esketamine session is 56 mg (CLINICAL.md §1); this record is the patient's second, at 84 mg.
    first_day = next_monday - timedelta(days=4)
    appointment_book(patient=patient, protocol=Protocol.objects.get(name="Esketamine 56 mg"), chair=chairs[1],
                     nurse=nurse_on_duty, start=local(location, first_day, 9), booked_by=front_desk,
                     now=local(location, first_day, 7))
    appointment = appointment_book(patient=patient, protocol=protocol, chair=chairs[1], nurse=nurse_on_duty,
                                   start=local(location, next_monday, 9), booked_by=front_desk,
                                   now=local(location, next_monday, 7))
    for status in ("confirmed", "checked_in"):
        appointment = appointment_transition(appointment=appointment, to_status=status, by=nurse, now=day_start)
    record = appointment.records.get()
    record_checks(record, nurse, day_start)
    from sessions.services.records import dose_order_prepare

    dose_order_prepare(record=record, by=nurse, mg_per_kg=None, concentration=None, esketamine_mg=84, now=day_start)
    return record

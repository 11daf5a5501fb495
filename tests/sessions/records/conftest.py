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

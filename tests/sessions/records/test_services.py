"""The record's services: holds, dosing, esketamine timing, discharge, signing; bad input never half-saves."""

from datetime import timedelta
from decimal import Decimal

import pytest

from sessions.models import Discharge, DoseOrder, EsketamineDevice, SessionRecord
from sessions.services.records import (
    RecordRefused,
    administration_start,
    dose_order_prepare,
    esketamine_device_give,
    record_discharge,
    record_open,
    record_sign,
)
from tests.factories import TEST_PASSWORD
from tests.sessions.records.conftest import record_checks

pytestmark = pytest.mark.django_db


def _discharge(record, nurse, at, consciousness=2):
    return record_discharge(record=record, by=nurse, discharged_at=at, activity=2, respiration=2,
                            consciousness=consciousness, oxygen=2, systolic=125, escort_present=True,
                            instructions_given=True, now=at)


def test_three_devices_five_minutes_apart_then_discharge_refused_at_115_and_accepted_at_120(
        esketamine_record, nurse, day_start):
    first = day_start + timedelta(minutes=5)
    for i in range(3):
        esketamine_device_give(record=esketamine_record, by=nurse, given_at=first + timedelta(minutes=5 * i),
                               now=first + timedelta(minutes=5 * i))
    assert EsketamineDevice.objects.filter(record=esketamine_record).count() == 3
    with pytest.raises(RecordRefused, match="120 minutes"):
        _discharge(esketamine_record, nurse, first + timedelta(minutes=115))
    assert not Discharge.objects.filter(record=esketamine_record).exists()
    _discharge(esketamine_record, nurse, first + timedelta(minutes=120))
    esketamine_record.appointment.refresh_from_db()
    assert esketamine_record.appointment.status == "completed"


def test_a_device_under_five_minutes_is_refused(esketamine_record, nurse, day_start):
    first = day_start + timedelta(minutes=5)
    esketamine_device_give(record=esketamine_record, by=nurse, given_at=first, now=first)
    with pytest.raises(RecordRefused, match="5 minutes"):
        esketamine_device_give(record=esketamine_record, by=nurse, given_at=first + timedelta(minutes=4),
                               now=first + timedelta(minutes=4))


def test_a_held_session_refuses_dosing_in_the_service(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start, systolic=150, diastolic=95)
    dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       now=day_start)
    with pytest.raises(RecordRefused, match="on hold"):
        administration_start(record=iv_record, by=nurse, drug="Ketamine", ndc="1", lot="L", expiry=day_start.date()
                             + timedelta(days=30), concentration=Decimal(10), volume_ml=Decimal(4),
                             started_at=day_start, now=day_start)


@pytest.mark.parametrize("mg_per_kg", [Decimal("-0.5"), Decimal("0")])
def test_a_negative_or_zero_dose_is_refused(iv_record, nurse, day_start, mg_per_kg):
    record_checks(iv_record, nurse, day_start)
    with pytest.raises(RecordRefused):
        dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=mg_per_kg, concentration=Decimal(10), now=day_start)
    assert not DoseOrder.objects.exists()


def test_a_dose_above_the_cap_needs_a_prescriber_with_a_reason(iv_record, nurse, prescriber, day_start):
    record_checks(iv_record, nurse, day_start)
    with pytest.raises(RecordRefused, match="above the cap"):
        dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=Decimal("1.5"), concentration=Decimal(50),
                           now=day_start)
    with pytest.raises(RecordRefused, match="reason"):
        dose_order_prepare(record=iv_record, by=prescriber, mg_per_kg=Decimal("1.5"), concentration=Decimal(50),
                           now=day_start)
    order = dose_order_prepare(record=iv_record, by=prescriber, mg_per_kg=Decimal("1.5"), concentration=Decimal(50),
                               cap_override_reason="Partial response at 1.0 over 4 sessions", now=day_start)
    assert order.cap_override_by == prescriber


def test_aldrete_eight_is_refused_and_nothing_is_saved(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start)
    dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       now=day_start)
    with pytest.raises(RecordRefused, match="at least 9"):
        record_discharge(record=iv_record, by=nurse, discharged_at=day_start + timedelta(minutes=1), activity=2,
                         respiration=2, consciousness=1, oxygen=1, systolic=125, escort_present=True,
                         instructions_given=True, now=day_start + timedelta(minutes=1))
    assert not Discharge.objects.exists()


def test_a_second_record_for_the_appointment_is_the_same_record(iv_record, nurse):
    assert record_open(appointment=iv_record.appointment, by=nurse) == iv_record
    assert SessionRecord.objects.filter(appointment=iv_record.appointment).count() == 1


def test_signing_twice_says_it_is_already_signed(iv_record, nurse, prescriber, day_start):
    record_checks(iv_record, nurse, day_start)
    dose_order_prepare(record=iv_record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       now=day_start)
    _discharge(iv_record, nurse, day_start + timedelta(minutes=1))
    with pytest.raises(RecordRefused, match="password"):
        record_sign(record=iv_record, by=prescriber, secret="wrong")
    record_sign(record=iv_record, by=prescriber, secret=TEST_PASSWORD)
    with pytest.raises(RecordRefused, match="already signed"):
        record_sign(record=iv_record, by=prescriber, secret=TEST_PASSWORD)


def test_a_reading_in_the_future_is_refused(iv_record, nurse, day_start):
    from sessions.services.records import vital_sign_record

    with pytest.raises(RecordRefused, match="future"):
        vital_sign_record(record=iv_record, by=nurse, taken_at=day_start + timedelta(hours=1), systolic=120,
                          diastolic=80, heart_rate=70, spo2=98, now=day_start)

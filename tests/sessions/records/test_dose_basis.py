"""The dose order takes height and sex from the patient's intake so that ideal or adjusted weight can be chosen
(CLINICAL.md §1: only when actual weight is above ideal; never above actual; the cap on actual weight)."""

from decimal import Decimal

import pytest

from sessions.services.records import RecordRefused, dose_order_prepare
from tests.factories import make_submitted_intake
from tests.sessions.helpers import cleared_patient
from tests.sessions.records.conftest import record_checks

pytestmark = pytest.mark.django_db

# The test patient's intake (patients.demo.demo_intake_answers): female, 170 cm. Devine: 45.5 + 2.3 x (170 /
# 2.54 - 60) = 61.4 kg; adjusted for 80 kg = 61.4 + 0.4 x (80 - 61.4) = 68.8 kg.


def _order(record, nurse, day_start, basis, weight=80):
    record_checks(record, nurse, day_start, weight_kg=weight, weight_entered=f"{weight} kg")
    return dose_order_prepare(record=record, by=nurse, mg_per_kg=Decimal("0.5"), basis=basis,
                              concentration=Decimal(10), now=day_start)


def test_ideal_weight_uses_the_intake_height_and_sex(iv_record, nurse, day_start):
    order = _order(iv_record, nurse, day_start, "ideal")
    assert (order.weight_basis, order.actual_weight_kg, order.dosing_weight_kg, order.dose_mg) == \
        ("ideal", Decimal(80), Decimal("61.4"), Decimal("30.7"))


def test_adjusted_weight_uses_the_intake_height_and_sex(iv_record, nurse, day_start):
    order = _order(iv_record, nurse, day_start, "adjusted")
    assert (order.dosing_weight_kg, order.dose_mg) == (Decimal("68.8"), Decimal("34.4"))


def test_ideal_weight_is_refused_when_actual_weight_is_not_above_it(iv_record, nurse, day_start):
    with pytest.raises(RecordRefused, match=r"only when actual weight \(55.0 kg\) is above ideal weight \(61.4 kg\)"):
        _order(iv_record, nurse, day_start, "ideal", weight=55)


def test_without_a_sex_the_devine_formula_defines_ideal_weight_is_refused_with_a_clear_message(
        location, protocol, chairs, nurse_on_duty, front_desk, nurse, next_monday, day_start):
    from patients.demo import demo_intake_answers
    from sessions.services import appointment_book, appointment_transition
    from tests.sessions.helpers import local

    answers = demo_intake_answers()
    answers["about"] = dict(answers["about"], sex="intersex")
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    make_submitted_intake(patient=patient, answers=answers)  # the latest intake: no male/female on file
    appointment = appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                                   start=local(location, next_monday, 9), booked_by=front_desk,
                                   now=local(location, next_monday, 7))
    for status in ("confirmed", "checked_in"):
        appointment = appointment_transition(appointment=appointment, to_status=status, by=nurse, now=day_start)
    with pytest.raises(RecordRefused, match="height and sex are not on file"):
        _order(appointment.records.get(), nurse, day_start, "ideal")

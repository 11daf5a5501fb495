"""Issue 9: clinical safety at booking and dosing (CLINICAL.md §1). One test (or a few) per rule, named for it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from sessions import dosing
from sessions.forms import ProtocolForm
from sessions.models import Appointment, Protocol
from sessions.selectors import free_slots, slot_conflicts
from sessions.services import BookingRefused, appointment_book
from tests.sessions.helpers import ProtocolFactory, cleared_patient, local

pytestmark = pytest.mark.django_db


def _refused_by(constraint: str, create) -> None:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    assert constraint in str(caught.value)


# --- 5. The dosing weight never exceeds actual weight; the cap is checked on actual weight --------------------


def test_ideal_or_adjusted_weight_is_refused_when_actual_weight_is_not_above_ideal():
    # 5'10" man of 55 kg: ideal 73 kg. 1.0 mg/kg on ideal would be 73 mg = 1.33 mg/kg of his real weight.
    for basis in ("ideal", "adjusted"):
        with pytest.raises(ValueError, match="only when actual weight"):
            dosing.dosing_weight_kg(basis=basis, actual_kg=55, height_cm=177.8, sex="male")
    assert dosing.dosing_weight_kg(actual_kg=55) == Decimal("55.0")  # actual weight is the default


def test_the_dosing_weight_is_never_above_actual_weight():
    for basis in ("ideal", "adjusted"):
        weight = dosing.dosing_weight_kg(basis=basis, actual_kg=120, height_cm=177.8, sex="male")
        assert weight <= Decimal(120)


def test_the_cap_is_checked_against_mg_per_kg_of_actual_weight():
    assert dosing.mg_per_kg_of_actual(dose_mg=73, actual_kg=55) == Decimal("1.33")
    assert dosing.dose_exceeds_cap(dose_mg=73, actual_kg=55, route="iv") is True
    assert dosing.dose_exceeds_cap(dose_mg=55, actual_kg=55, route="iv") is False
    assert dosing.dose_exceeds_cap(dose_mg=30, actual_kg=55, route="im") is True  # 0.55 > IM 0.5


def test_a_volume_is_never_rounded_up_past_the_ordered_dose():
    volume = dosing.volume_ml(dose_mg=Decimal("36.5"), concentration_mg_per_ml=100)
    assert volume == Decimal("0.36") and volume * 100 <= Decimal("36.5")


# --- 7 / issue 7(b). One setting per dose cap, read in one function --------------------------------------------


def test_the_protocol_form_uses_the_im_cap_setting(settings):
    data = {"name": "IM test", "route": "im", "default_dose_mg_per_kg": "0.75", "checkin_minutes": 20,
            "dosing_minutes": 15, "observation_minutes": 75, "turnover_minutes": 15, "min_interval_hours": 48,
            "fasting_food_hours": 6, "fasting_liquids_minutes": 120, "is_active": "on"}
    assert "default_dose_mg_per_kg" in ProtocolForm(data=data).errors
    settings.IV_DOSE_CAP_MG_PER_KG = "0.8"
    assert "default_dose_mg_per_kg" in ProtocolForm(data=data | {"route": "iv", "default_dose_mg_per_kg": "0.9"}).errors
    assert dosing.exceeds_cap(mg_per_kg="0.85", route="iv") is True


# --- 8. Minimum intervals: 48 h for all three; the longer of two protocols' applies ------------------------------


def test_im_and_esketamine_are_seeded_48_hours_apart():
    assert set(Protocol.objects.filter(route__in=["iv", "im", "intranasal"],
                                       name__in=["IV ketamine 0.5 mg/kg", "IM ketamine 0.25 mg/kg",
                                                 "Esketamine 56 mg", "Esketamine 84 mg"])
               .values_list("min_interval_hours", flat=True)) == {48}


@pytest.fixture
def two_protocols():
    iv = ProtocolFactory(name="IV 48h", min_interval_hours=48)
    im = ProtocolFactory(name="IM 12h", route="im", default_dose_mg_per_kg="0.25", dosing_minutes=15,
                         observation_minutes=75, min_interval_hours=12)
    return iv, im


@pytest.mark.parametrize("first_is_iv", [True, False])
def test_between_two_protocols_the_longer_interval_applies(first_is_iv, two_protocols, location, chairs,
                                                            nurse_on_duty, front_desk, next_monday):
    iv, _ = two_protocols
    short = ProtocolFactory(name="IV 12h", min_interval_hours=12)  # the same route, so only the interval speaks
    patient = cleared_patient(location, route="iv")
    first, second = (iv, short) if first_is_iv else (short, iv)
    appointment_book(patient=patient, protocol=first, chair=chairs[0], nurse=nurse_on_duty,
                     start=local(location, next_monday, 9), booked_by=front_desk)
    with pytest.raises(BookingRefused) as refused:
        appointment_book(patient=patient, protocol=second, chair=chairs[1], nurse=nurse_on_duty,
                         start=local(location, next_monday + timedelta(days=1), 9), booked_by=front_desk)
    assert any("at least 48 hours between sessions" in reason for reason in refused.value.reasons)


def test_free_times_and_conflicts_keep_the_longer_interval(two_protocols, location, chairs, nurse_on_duty,
                                                           front_desk, next_monday):
    iv, im = two_protocols
    patient = cleared_patient(location, route="iv")
    appointment_book(patient=patient, protocol=iv, chair=chairs[0], nurse=nurse_on_duty,
                     start=local(location, next_monday, 9), booked_by=front_desk)
    tuesday = next_monday + timedelta(days=1)
    assert free_slots(protocol=im, location=location, first_day=tuesday, last_day=tuesday, patient=patient) == []
    conflicts = slot_conflicts(protocol=im, location=location, start=local(location, tuesday, 9), patient=patient)
    assert "Less than 48 h from another of the patient's sessions." in conflicts


def test_postgresql_refuses_sessions_closer_than_the_longer_interval(two_protocols, location, chairs,
                                                                     nurse_on_duty, front_desk, next_monday):
    iv, im = two_protocols
    patient = cleared_patient(location, route="iv")
    first = appointment_book(patient=patient, protocol=iv, chair=chairs[0], nurse=nurse_on_duty,
                             start=local(location, next_monday, 9), booked_by=front_desk)
    start = first.start + timedelta(hours=24)
    _refused_by("appointment_min_interval", lambda: Appointment.objects.create(
        patient=patient, protocol=im, location=location, chair=chairs[1], nurse=nurse_on_duty, nurse_slot=1,
        start=start, end=start + timedelta(minutes=110), blocked_until=start + timedelta(minutes=125),
        booked_by=front_desk, status_changed_at=start))


# --- 9. Esketamine label minimums are floors (form and PostgreSQL) --------------------------------------------


def test_the_protocol_form_refuses_esketamine_below_the_label_floors():
    data = {"name": "Esk short", "route": "intranasal", "default_dose_mg": 70, "checkin_minutes": 20,
            "dosing_minutes": 10, "observation_minutes": 90, "turnover_minutes": 15, "min_interval_hours": 48,
            "fasting_food_hours": 2, "fasting_liquids_minutes": 30, "is_active": "on"}
    errors = ProtocolForm(data=data).errors
    assert "observation_minutes" in errors and "default_dose_mg" in errors


@pytest.mark.parametrize("fields", [{"observation_minutes": 90}, {"default_dose_mg": 70}, {"default_dose_mg": None}])
def test_postgresql_refuses_esketamine_protocols_below_the_label_floors(fields):
    base = {"name": "Esk floor", "route": "intranasal", "default_dose_mg": 56, "dosing_minutes": 10,
            "observation_minutes": 120}
    _refused_by("protocol_esketamine_label_floors", lambda: Protocol.objects.create(**(base | fields)))


# --- 10. Booking follows the prescriber's ordered esketamine dose; 56 mg first ---------------------------------


def test_esketamine_booking_follows_the_ordered_dose_and_starts_at_56_mg(location, chairs, nurse_on_duty,
                                                                         front_desk, next_monday):
    esk56 = Protocol.objects.get(name="Esketamine 56 mg")
    esk84 = Protocol.objects.get(name="Esketamine 84 mg")
    patient = cleared_patient(location, route="intranasal", esketamine_dose_mg=84, number_of_sessions=8)
    book = {"patient": patient, "chair": chairs[0], "nurse": nurse_on_duty, "booked_by": front_desk}
    with pytest.raises(BookingRefused, match="first esketamine session"):
        appointment_book(protocol=esk84, start=local(location, next_monday, 9), **book)
    appointment_book(protocol=esk56, start=local(location, next_monday, 9), **book)
    with pytest.raises(BookingRefused, match="ordered 84 mg"):
        appointment_book(protocol=esk56, start=local(location, next_monday + timedelta(days=3), 9), **book)
    assert appointment_book(protocol=esk84, start=local(location, next_monday + timedelta(days=3), 9), **book).pk


# --- 11. The booked window includes check-in and pre-dose checks -------------------------------------------------


def test_the_booked_window_includes_check_in_before_the_rems_observation(location, chairs, nurse_on_duty,
                                                                         front_desk, next_monday):
    esk56 = Protocol.objects.get(name="Esketamine 56 mg")
    assert esk56.checkin_minutes == 20
    patient = cleared_patient(location, route="intranasal")
    appointment = appointment_book(patient=patient, protocol=esk56, chair=chairs[0], nurse=nurse_on_duty,
                                   start=local(location, next_monday, 9), booked_by=front_desk)
    assert appointment.end - appointment.start == timedelta(minutes=20 + 10 + 120)


# --- 17. Esketamine fasting says "no food" as the label does --------------------------------------------------


def test_esketamine_fasting_text_says_no_food():
    assert Protocol.objects.get(name="Esketamine 56 mg").fasting_instructions.startswith("No food for 2 hours")
    assert Protocol.objects.get(name="IV ketamine 0.5 mg/kg").fasting_instructions.startswith("No solid food")

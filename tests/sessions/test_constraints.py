"""DESIGN.md §4: each scheduling rule PostgreSQL enforces, broken directly with the ORM or SQL."""

from datetime import timedelta

import pytest

from clinic.models import Location
from sessions.models import Appointment, Protocol
from tests.db_rules import execute, raises_db_rule
from tests.factories import LocationFactory, PatientFactory
from tests.sessions.helpers import ChairFactory, local, make_nurse

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(location, chairs, protocol, nurse_on_duty, front_desk, next_monday):
    """Appointment.objects.create with every field filled, start at 09:00 local next Monday by default."""

    def create(**overrides):
        start = overrides.pop("start", local(location, next_monday, 9))
        fields = {
            "patient": overrides.pop("patient", None) or PatientFactory(location=location), "protocol": protocol,
            "location": location, "chair": chairs[0], "nurse": nurse_on_duty, "nurse_slot": 1, "start": start,
            "end": start + timedelta(minutes=100), "blocked_until": start + timedelta(minutes=115),
            "booked_by": front_desk,
        }
        fields.update(overrides)
        return Appointment.objects.create(**fields)

    return create


def _refused(rule: str, create) -> None:
    """``create`` is refused by PostgreSQL's ``rule`` (a constraint's or trigger's name) and by nothing else."""
    with raises_db_rule(rule):
        create()


def test_a_chair_cannot_hold_two_overlapping_appointments(make, chairs):
    first = make()
    _refused("appointment_no_chair_overlap", lambda: make(start=first.start + timedelta(minutes=30),
                                                          nurse_slot=2))


def test_turnover_is_part_of_the_chairs_blocked_time(make, chairs):
    first = make()
    # Starts after the first one ends but inside its 15-minute turnover.
    _refused("appointment_no_chair_overlap", lambda: make(start=first.end + timedelta(minutes=5), nurse_slot=2))
    after_turnover = make(start=first.blocked_until, nurse_slot=2)
    assert after_turnover.pk


def test_a_patient_cannot_be_in_two_chairs_at_once(make, chairs):
    first = make()
    # Without an interval rule in the way, so that the exclusion constraint itself is what refuses.
    Protocol.objects.filter(pk=first.protocol_id).update(min_interval_hours=0)
    _refused("appointment_no_patient_overlap",
             lambda: make(patient=first.patient, chair=chairs[1], nurse_slot=2))


def test_a_nurse_slot_cannot_be_used_twice_at_once(make, chairs):
    make()
    _refused("appointment_no_nurse_slot_overlap", lambda: make(chair=chairs[1], nurse_slot=1))
    assert make(chair=chairs[1], nurse_slot=2).pk  # the nurse's second slot is free


def test_cancelled_rescheduled_and_no_show_free_the_chair(make):
    for status in (Appointment.Status.CANCELLED, Appointment.Status.RESCHEDULED, Appointment.Status.NO_SHOW):
        Appointment.objects.filter(status=Appointment.Status.BOOKED).update(status=status)
        assert make().pk
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1


def test_a_bulk_update_cannot_bring_back_an_overlap(make, chairs):
    """Moving a booked appointment onto a taken chair, past the services: with the ORM's bulk update and
    with raw SQL. (Reviving a cancelled one is refused earlier, by the status trigger: see below.)"""
    first = make()
    second = make(chair=chairs[1], nurse_slot=2)  # same time, next chair
    _refused("appointment_no_chair_overlap",
             lambda: Appointment.objects.filter(pk=second.pk).update(chair=chairs[0]))
    later = make(chair=chairs[0], nurse_slot=2, start=first.blocked_until)
    _refused("appointment_no_chair_overlap", lambda: execute(
        "UPDATE clinic_sessions_appointment SET start = start - interval '30 minutes', "
        "\"end\" = \"end\" - interval '30 minutes', blocked_until = blocked_until - interval '30 minutes' "
        "WHERE id = %s", [later.pk]))


def test_a_bulk_update_cannot_revive_a_cancelled_appointment(make):
    cancelled = make(status=Appointment.Status.CANCELLED)
    _refused("appointment_status_transition",
             lambda: Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.BOOKED))


def test_start_must_be_before_end(make, location, next_monday):
    start = local(location, next_monday, 9)
    _refused("appointment_start_before_end", lambda: make(start=start, end=start, blocked_until=start))
    _refused("appointment_start_before_end",
             lambda: make(start=start, end=start - timedelta(minutes=5), blocked_until=start))


def test_blocked_until_cannot_be_before_the_end(make, location, next_monday):
    start = local(location, next_monday, 9)
    _refused("appointment_end_within_blocked",
             lambda: make(end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=50)))


def test_status_accepts_only_its_choices(make):
    _refused("appointment_status_valid", lambda: make(status="teleported"))
    appointment = make()
    # An UPDATE meets the transition trigger before the check.
    _refused("appointment_status_transition",
             lambda: Appointment.objects.filter(pk=appointment.pk).update(status="teleported"))


def test_nurse_slot_is_at_least_one(make):
    _refused("appointment_nurse_slot_positive", lambda: make(nurse_slot=0))


def test_nurse_slot_cannot_exceed_the_locations_ratio(make, location):
    Location.objects.filter(pk=location.pk).update(nurse_patient_ratio=2)
    assert make(nurse_slot=2).pk
    _refused("appointment_nurse_slot_within_ratio", lambda: make(nurse_slot=3))


def test_ratio_check_also_holds_for_raw_sql_updates(make, location):
    appointment = make(nurse_slot=4)
    with raises_db_rule("appointment_nurse_slot_within_ratio") as refused:
        execute("UPDATE clinic_sessions_appointment SET nurse_slot = 9 WHERE id = %s", [appointment.pk])
    assert "nurse slot 9 is above the location's nurse-to-patient ratio" in str(refused.value)


def test_a_chair_from_another_location_is_refused(make):
    elsewhere = ChairFactory(location=LocationFactory(name="Elsewhere"))
    _refused("appointment_chair_at_location", lambda: make(chair=elsewhere))
    appointment = make()
    _refused("appointment_chair_at_location", lambda: execute(
        "UPDATE clinic_sessions_appointment SET chair_id = %s WHERE id = %s", [elsewhere.pk, appointment.pk]))


def test_the_same_nurse_may_watch_up_to_the_ratio_in_parallel(make, location):
    patients_chairs = [ChairFactory(location=location) for _ in range(4)]
    for slot, chair in enumerate(patients_chairs, start=1):
        make(chair=chair, nurse_slot=slot)
    assert Appointment.objects.count() == 4


def test_location_hours_and_ratio_are_checked(location):
    rows = Location.objects.filter(pk=location.pk)
    _refused("location_opens_before_it_closes", lambda: rows.update(opens_at="18:00", closes_at="08:00"))
    _refused("location_nurse_ratio_positive", lambda: rows.update(nurse_patient_ratio=0))
    _refused("location_open_weekdays_valid", lambda: rows.update(open_weekdays=[0, 7]))


def test_other_nurses_are_independent(make, chairs):
    make()
    assert make(chair=chairs[1], nurse=make_nurse(email="other.nurse@clinic.test"), nurse_slot=1).pk


@pytest.mark.parametrize("old,new", [("completed", "booked"), ("booked", "in_session"), ("cancelled", "confirmed"),
                                     ("no_show", "checked_in")])
def test_postgresql_refuses_a_status_move_the_transition_map_does_not_allow(make, old, new):
    appointment = make()
    if old in ("cancelled", "no_show"):
        Appointment.objects.filter(pk=appointment.pk).update(status=old)
    if old == "completed":
        for step in ("confirmed", "checked_in", "in_session", "recovering", "completed"):
            Appointment.objects.filter(pk=appointment.pk).update(status=step)
    with raises_db_rule("appointment_status_transition") as refused:
        execute("UPDATE clinic_sessions_appointment SET status = %s WHERE id = %s", [new, appointment.pk])
    assert f"cannot move from {old} to {new}" in str(refused.value)
    assert Appointment.objects.get(pk=appointment.pk).status == old


def test_postgresql_lets_every_allowed_status_move_through(make):
    appointment = make()
    for step in ("confirmed", "checked_in", "in_session", "recovering", "completed"):
        Appointment.objects.filter(pk=appointment.pk).update(status=step)
    assert Appointment.objects.get(pk=appointment.pk).status == "completed"

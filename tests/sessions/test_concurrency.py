"""Many front-desk users book the same chair at the same time: exactly one wins (DESIGN.md §4.1, §8). Two
bookings for one patient at once are serialised, so the minimum interval and the course hold (CLINICAL.md §1).

Each thread has its own database connection and transaction, so the race is decided by PostgreSQL's
exclusion constraint, not by Python: every thread passes the checks before any INSERT commits.
"""

import time
from datetime import timedelta

import pytest

from sessions.models import Appointment, Course
from sessions.services import BookingConflict, BookingRefused, appointment_book, booking
from tests.concurrency import race
from tests.sessions.helpers import ChairFactory, ProtocolFactory, cleared_patient, local, make_nurse

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_many_bookings_of_one_chair_at_one_time_exactly_one_wins(location, front_desk, next_monday):
    chair = ChairFactory(location=location, name="Race chair")
    ChairFactory(location=location, name="Spare chair")
    protocol = ProtocolFactory()
    start = local(location, next_monday, 10)
    people = [(cleared_patient(location), make_nurse(email=f"racer{i}@clinic.test")) for i in range(THREADS)]
    jobs = [lambda p=p, n=n: appointment_book(patient=p, protocol=protocol, chair=chair, nurse=n, start=start,
                                              booked_by=front_desk) for p, n in people]

    results = race(jobs)

    winners = [r for r in results if isinstance(r, Appointment)]
    conflicts = [r for r in results if isinstance(r, BookingConflict)]
    assert len(winners) == 1, results
    assert len(conflicts) == THREADS - 1, results
    assert all(c.constraint == "appointment_no_chair_overlap" for c in conflicts)
    assert all(c.next_free and c.next_free[0].chair.name == "Spare chair" for c in conflicts)
    assert Appointment.objects.filter(chair=chair).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_patient_booked_in_many_chairs_at_once_gets_one(location, front_desk, next_monday):
    protocol = ProtocolFactory(min_interval_hours=0)
    patient = cleared_patient(location)
    start = local(location, next_monday, 10)
    chairs = [ChairFactory(location=location, name=f"Chair {i}") for i in range(4)]
    nurses = [make_nurse(email=f"n{i}@clinic.test") for i in range(4)]
    jobs = [lambda c=c, n=n: appointment_book(patient=patient, protocol=protocol, chair=c, nurse=n, start=start,
                                              booked_by=front_desk) for c, n in zip(chairs, nurses, strict=True)]

    results = race(jobs)

    assert sum(isinstance(r, Appointment) for r in results) == 1, results
    assert all(r.constraint == "appointment_no_patient_overlap" for r in results if isinstance(r, BookingConflict))
    assert Appointment.objects.filter(patient=patient).count() == 1


def _slowed_gate(monkeypatch, seconds=0.5):
    """Hold each booking between its checks and its INSERT, so that racing bookings overlap every time."""
    original = booking._booking_gate

    def slow(**kwargs):
        reasons = original(**kwargs)
        time.sleep(seconds)
        return reasons

    monkeypatch.setattr(booking, "_booking_gate", slow)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_one_patient_24_hours_apart_cannot_both_pass_the_48_hour_rule(location, front_desk,
                                                                                       next_monday, monkeypatch):
    protocol = ProtocolFactory(min_interval_hours=48)  # IV (CLINICAL.md §1)
    patient = cleared_patient(location, route="iv")
    chairs = [ChairFactory(location=location, name=f"Chair {i}") for i in range(2)]
    nurses = [make_nurse(email=f"gap{i}@clinic.test") for i in range(2)]
    starts = [local(location, next_monday, 10), local(location, next_monday + timedelta(days=1), 10)]
    _slowed_gate(monkeypatch)
    jobs = [lambda c=c, n=n, s=s: appointment_book(patient=patient, protocol=protocol, chair=c, nurse=n, start=s,
                                                   booked_by=front_desk)
            for c, n, s in zip(chairs, nurses, starts, strict=True)]

    results = race(jobs)

    assert sum(isinstance(r, Appointment) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, BookingRefused)]
    assert len(refused) == 1 and "48 hours between sessions" in refused[0].reasons[0], results
    assert Appointment.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_bookings_for_one_patient_start_one_course(location, front_desk, next_monday, monkeypatch):
    protocol = ProtocolFactory(min_interval_hours=48)
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    chairs = [ChairFactory(location=location, name=f"Chair {i}") for i in range(2)]
    nurses = [make_nurse(email=f"course{i}@clinic.test") for i in range(2)]
    starts = [local(location, next_monday, 10), local(location, next_monday + timedelta(days=3), 10)]
    _slowed_gate(monkeypatch)
    jobs = [lambda c=c, n=n, s=s: appointment_book(patient=patient, protocol=protocol, chair=c, nurse=n, start=s,
                                                   booked_by=front_desk)
            for c, n, s in zip(chairs, nurses, starts, strict=True)]

    results = race(jobs)

    assert all(isinstance(r, Appointment) for r in results), results
    assert Course.objects.filter(patient=patient).count() == 1
    assert {a.course_id for a in Appointment.objects.filter(patient=patient)} == {
        Course.objects.get(patient=patient).pk}

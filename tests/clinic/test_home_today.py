"""Issue 12: the home page is today's work per role, counts that link to their lists, in a constant number of
queries, with empty states that say what is fine."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Intake, IntakeRequest
from sessions.courses import to_local
from sessions.models import Appointment
from tests.factories import PatientFactory, make_submitted_intake
from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

pytestmark = pytest.mark.django_db


def _today_appointments(location, front_desk, n: int, *, status="booked", day_offset=0):
    """``n`` appointments on the location's local day (bulk rows: the count, not the booking, is under test)."""
    protocol = ProtocolFactory()
    day = to_local(timezone.now(), location.time_zone).date() + timedelta(days=day_offset)
    chairs = [ChairFactory(location=location) for _ in range(min(n, 10))]
    nurses = [make_nurse() for _ in chairs]
    rows = []
    for i in range(n):
        start = local(location, day, 1 + 4 * (i // 10))
        rows.append(Appointment(patient=PatientFactory(location=location), protocol=protocol, location=location,
                                chair=chairs[i % 10], nurse=nurses[i % 10], nurse_slot=1, start=start,
                                end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115),
                                status=status, booked_by=front_desk))
    Appointment.objects.bulk_create(rows)


def _many_intake_requests(location, n):
    IntakeRequest.objects.bulk_create([IntakeRequest(
        first_name="Req", last_name=f"Uest{i}", email=f"r{i}@example.test", date_of_birth="1990-01-01",
        location=location) for i in range(n)])


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role_client", ["front_desk_client", "nurse_client", "prescriber_client", "manager_client"])
def test_home_counts_take_the_same_number_of_queries_with_1_and_50_rows(role_client, request, location,
                                                                          front_desk):
    client = request.getfixturevalue(role_client)
    _today_appointments(location, front_desk, 1)
    _many_intake_requests(location, 1)
    with_one = _queries(client)
    _today_appointments(location, front_desk, 49)
    _many_intake_requests(location, 49)
    assert _queries(client) == with_one


def test_front_desk_home_counts_todays_arrivals_and_tomorrows_unconfirmed(front_desk_client, location,
                                                                         front_desk):
    _today_appointments(location, front_desk, 3)
    _today_appointments(location, front_desk, 2, day_offset=1)
    _many_intake_requests(location, 4)
    body = front_desk_client.get(reverse("home")).content.decode()
    assert "3</span> to arrive" in body
    assert "0</span> checked in" in body
    assert "2</span> of tomorrow's appointments not confirmed yet" in body
    assert "4</span> self-referral requests waiting" in body
    assert reverse("patients:intake_requests") in body
    assert f"day={(to_local(timezone.now(), location.time_zone).date() + timedelta(days=1)).isoformat()}" in body


def test_front_desk_home_counts_intakes_not_started_after_three_days(front_desk_client, location):
    from patients.services import invitation_send

    old, recent = PatientFactory(location=location), PatientFactory(location=location)
    invitation_send(patient=old, sent_by=None, by_email=False)
    invitation_send(patient=recent, sent_by=None, by_email=False)
    Intake.objects.filter(patient=old).update(status_changed_at=timezone.now() - timedelta(days=4))
    body = front_desk_client.get(reverse("home")).content.decode()
    assert "1</span> intakes invited 3 or more days ago and not started" in body


def test_empty_home_says_what_is_fine(front_desk_client, prescriber_client, nurse_client, location):
    front = front_desk_client.get(reverse("home")).content.decode()
    assert "No arrivals booked for today." in front
    assert "No self-referral request is waiting." in front
    prescriber = prescriber_client.get(reverse("home")).content.decode()
    assert "No intake needs immediate evaluation." in prescriber
    assert "No intake is waiting for review." in prescriber
    assert "No record is waiting for a signature." in prescriber
    assert "No patients booked here today." in nurse_client.get(reverse("home")).content.decode()


def test_prescriber_home_puts_immediate_evaluation_first_and_counts_waiting_intakes(prescriber_client, location):
    make_submitted_intake(location=location)
    urgent = make_submitted_intake(location=location)
    Intake.objects.filter(pk=urgent.pk).update(urgent_at=timezone.now(),
                                               urgent_reasons=["C-SSRS high risk: question 4"])
    body = prescriber_client.get(reverse("home")).content.decode()
    assert body.index("urgent: immediate evaluation") < body.index("intakes waiting for your review")
    assert "1</span> urgent: immediate evaluation" in body
    assert "2</span> intakes waiting for your review" in body
    assert "oldest waiting" in body


def test_nurse_home_shows_todays_patients_by_chair_and_status(nurse_client, location, front_desk):
    _today_appointments(location, front_desk, 2, status="confirmed")
    body = nurse_client.get(reverse("home")).content.decode()
    assert body.count("1 confirmed") == 2
    assert "No session is on hold." in body


def test_manager_home_shows_census_per_location_and_consent(manager_client, location, front_desk):
    _today_appointments(location, front_desk, 2)
    body = manager_client.get(reverse("home")).content.decode()
    assert "Today&#x27;s census" in body and location.name in body
    assert "No consent is published yet" in body


def test_nurse_and_prescriber_home_do_not_offer_to_register_a_patient(nurse_client, front_desk_client):
    assert "Register a new one" not in nurse_client.get(reverse("home")).content.decode()
    assert "Register a new one" in front_desk_client.get(reverse("home")).content.decode()


def test_front_desk_home_shows_arrival_times_on_the_clinics_clock(front_desk, location):
    """The clinic (America/New_York) expects its 08:00 arrival at 08:00, not at 13:00 (the server keeps UTC)."""
    import datetime as dt

    import time_machine

    from tests.factories import client_for

    day = dt.date(2030, 1, 7)  # a Monday
    with time_machine.travel(local(location, day, 7), tick=False):
        start = local(location, day, 8)
        Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=ProtocolFactory(), location=location,
            chair=ChairFactory(location=location), nurse=make_nurse(), nurse_slot=1, start=start,
            end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115), booked_by=front_desk)
        body = client_for(front_desk).get(reverse("home")).content.decode()
    assert '<span class="fw-semibold">08:00</span> 1 not checked in' in body
    assert "13:00" not in body

"""The day board shows a session that runs past its booked end (in session or recovering) and warns about the
next booking on that chair, without a query more (BOARD_QUERIES)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Appointment
from tests.factories import PatientFactory, client_for
from tests.sessions.helpers import BOARD_QUERIES, local, make_nurse

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_day(location, protocol, chairs, front_desk, next_monday):
    """Chair 1: a session 09:00-10:40 in session, the next booked at 11:00; chair 2: one in session too."""
    nurse = make_nurse(email="board.nurse@clinic.test")

    def make(chair, hour, minute, status, last_name):
        start = local(location, next_monday, hour, minute)
        return Appointment.objects.create(
            patient=PatientFactory(location=location, legal_last_name=last_name), protocol=protocol,
            location=location, chair=chair, nurse=nurse, nurse_slot=1 if chair == chairs[0] else 2, start=start,
            end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115),
            booked_by=front_desk, status=status)

    return {"running": make(chairs[0], 9, 0, "in_session", "Overrun"),
            "next": make(chairs[0], 11, 0, "confirmed", "Waiting"),
            "on_time": make(chairs[1], 9, 30, "recovering", "Ontime")}


def _board(nurse, location, day):
    client = nurse if hasattr(nurse, "get") else client_for(nurse)
    return client.get(reverse("schedule:board"), {"location": str(location.public_id), "day": day.isoformat()})


def _card(html, appointment):
    start = html.index(f'id="appt-{appointment.public_id}"')
    return html[start:html.index("</article>", start)]


def test_an_overrunning_session_is_shown_with_the_next_booking_on_its_chair(nurse, location, chair_day,
                                                                           next_monday):
    with time_machine.travel(local(location, next_monday, 10, 50), tick=False):
        html = _board(nurse, location, next_monday).content.decode()
    running = _card(html, chair_day["running"])
    assert "Overrunning" in running and "booked to end 10:40" in running
    assert f"Next on this chair: 11:00 {chair_day['next'].patient.full_name}" in running
    assert "Overrunning" not in _card(html, chair_day["on_time"])  # booked to 11:10: not over yet
    assert "Overrunning" not in _card(html, chair_day["next"])


def test_before_the_booked_end_there_is_no_overrun_warning(nurse, location, chair_day, next_monday):
    with time_machine.travel(local(location, next_monday, 10, 30), tick=False):
        html = _board(nurse, location, next_monday).content.decode()
    assert "Overrunning" not in html


def test_the_overrun_warning_costs_no_query(nurse, location, chair_day, next_monday,
                                            django_assert_num_queries):
    with time_machine.travel(local(location, next_monday, 10, 50), tick=False):
        client = client_for(nurse)
        _board(client, location, next_monday)  # warm the session and content-type caches
        with django_assert_num_queries(BOARD_QUERIES):
            assert "Overrunning" in _board(client, location, next_monday).content.decode()

"""The staff idle timeout (DESIGN.md §6) without a session write on every request (issue 13)."""

import datetime

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import client_for

START = datetime.datetime(2026, 5, 4, 14, 0, tzinfo=datetime.UTC)


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_requests_within_a_minute_do_not_write_the_session(front_desk):
    with time_machine.travel(START, tick=False) as clock:
        front_desk_client = client_for(front_desk)  # signed in now: the idle clock starts here
        front_desk_client.get(reverse("home"))
        written = _session_row(front_desk_client).expire_date
        clock.shift(datetime.timedelta(seconds=30))
        front_desk_client.get(reverse("home"))
        assert _session_row(front_desk_client).expire_date == written
        clock.shift(datetime.timedelta(seconds=45))
        front_desk_client.get(reverse("home"))
        assert _session_row(front_desk_client).expire_date > written


def test_activity_keeps_the_session_and_idleness_ends_it(front_desk):
    idle = datetime.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        front_desk_client = client_for(front_desk)  # signed in now: the idle clock starts here
        assert front_desk_client.get(reverse("home")).status_code == 200
        for _ in range(3):  # busy for longer than the timeout, a request every 10 minutes
            clock.shift(idle - datetime.timedelta(minutes=5))
            assert front_desk_client.get(reverse("patients:list")).status_code == 200
        clock.shift(idle + datetime.timedelta(seconds=1))
        response = front_desk_client.get(reverse("patients:list"))
        assert response.status_code == 302 and reverse("login") in response.url


def test_the_timeout_errs_early_never_late_when_the_last_request_was_not_written(front_desk):
    """Activity is written at most once a minute, so the sign-out comes up to a minute early, never late."""
    idle = datetime.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        front_desk_client = client_for(front_desk)  # signed in now: the idle clock starts here
        front_desk_client.get(reverse("home"))
        clock.shift(datetime.timedelta(seconds=50))
        front_desk_client.get(reverse("home"))  # activity not written (under a minute)
        clock.shift(idle - datetime.timedelta(seconds=51))  # 14:09 idle since the last request: still in
        assert front_desk_client.get(reverse("patients:list")).status_code == 200
        clock.shift(idle + datetime.timedelta(seconds=1))
        assert front_desk_client.get(reverse("patients:list")).status_code == 302

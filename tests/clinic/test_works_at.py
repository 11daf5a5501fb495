"""Where a person works (issue 13): their home page's arrivals and chairs and their day board open on that
location, the others a click away; a manager's census still shows every location."""

import pytest
from django.urls import reverse

from tests.clinic.test_home_today import _today_appointments
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_site(db):
    return LocationFactory(name="Harbor Site", time_zone="America/New_York")


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_nurse_chooses_where_they_work_and_their_home_shows_that_location_only(
        nurse_client, nurse, location, second_site, front_desk):
    _today_appointments(location, front_desk, 1, status="confirmed")
    _today_appointments(second_site, front_desk, 1, status="confirmed")
    body = _home(nurse_client)
    assert location.name in body and second_site.name in body
    assert "Every location." in body and "Choose where you work" in body

    response = nurse_client.post(reverse("works_at"), {"works_at": second_site.pk, "next": "/"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert f"Your pages now open on {second_site.name}." in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.works_at == second_site
    body = _home(nurse_client)
    panel = body.split("Today&#x27;s patients")[1]
    assert second_site.name in panel and location.name not in panel
    assert f"{second_site.name}, where you work." in panel


def test_every_location_again_when_the_choice_is_emptied(nurse_client, nurse, location, second_site):
    nurse.works_at = second_site
    nurse.save()
    response = nurse_client.post(reverse("works_at"), {"works_at": "", "next": "/"}, follow=True)
    assert "Your home page now shows every location." in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.works_at is None
    panel = _home(nurse_client).split("Today&#x27;s patients")[1]
    assert location.name in panel and second_site.name in panel


@pytest.mark.parametrize("chosen", ["closed", "not-a-number", "999999"])
def test_a_closed_or_unknown_location_is_refused_and_changes_nothing(nurse_client, nurse, location, second_site,
                                                                      chosen):
    nurse.works_at = location
    nurse.save()
    closed = LocationFactory(name="Closed Site", is_active=False)
    value = closed.pk if chosen == "closed" else chosen
    response = nurse_client.post(reverse("works_at"), {"works_at": value, "next": "/"})
    assert response.status_code == 200
    assert "Choose one of the clinic&#x27;s open locations." in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.works_at == location


def test_the_form_lists_the_open_locations_and_starts_on_the_current_choice(nurse_client, nurse, location,
                                                                          second_site):
    LocationFactory(name="Closed Site", is_active=False)
    nurse.works_at = second_site
    nurse.save()
    form = nurse_client.get(reverse("works_at")).context["form"]
    assert [choice for _, choice in form.fields["works_at"].choices] == [
        "Every location", second_site.name, location.name]
    assert form.initial["works_at"] == second_site.pk


def test_the_day_board_opens_where_the_person_works_unless_another_location_is_asked_for(
        nurse_client, nurse, location, second_site):
    assert nurse_client.get(reverse("schedule:board")).context["board"].location == second_site  # by name
    nurse.works_at = location
    nurse.save()
    assert nurse_client.get(reverse("schedule:board")).context["board"].location == location
    asked = nurse_client.get(reverse("schedule:board"), {"location": second_site.public_id})
    assert asked.context["board"].location == second_site


def test_a_managers_census_counts_every_location_by_status_today_whichever_they_work_at(
        manager_client, manager, location, second_site, front_desk):
    _today_appointments(location, front_desk, 3)  # booked: to arrive
    _today_appointments(location, front_desk, 2, status="checked_in")
    _today_appointments(location, front_desk, 1, status="completed")  # arrived, and completed
    _today_appointments(location, front_desk, 1, status="no_show")
    _today_appointments(location, front_desk, 1, status="cancelled")
    _today_appointments(location, front_desk, 4, day_offset=1)  # tomorrow: not in today's census
    _today_appointments(second_site, front_desk, 2, status="confirmed")
    manager.works_at = second_site
    manager.save()
    rows = manager_client.get(reverse("home")).context["panels"]
    census = next(data["days"] for panel, data in rows if panel.title == "Today's census")
    figures = {day.location.name: (day.to_arrive, day.arrived, day.completed, day.missed) for day in census}
    assert figures == {location.name: (3, 3, 1, 2), second_site.name: (2, 0, 0, 0)}


def test_a_clinic_of_one_location_says_nothing_about_where_you_work_on_the_home_page(nurse_client, location):
    body = _home(nurse_client)
    assert "home-where" not in body and "where you work." not in body  # the menu under the name keeps its entry


def test_choosing_where_you_work_needs_sign_in_and_never_leaves_the_site(client, nurse_client, location):
    response = client.get(reverse("works_at"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = nurse_client.post(reverse("works_at"), {"works_at": location.pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def _late_evening(location, front_desk, day):
    """One booked appointment at 22:00 on ``day`` at the location (its wall time)."""
    from datetime import timedelta

    from sessions.models import Appointment
    from tests.factories import PatientFactory
    from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

    start = local(location, day, 22)
    Appointment.objects.create(patient=PatientFactory(location=location), protocol=ProtocolFactory(),
                               location=location, chair=ChairFactory(location=location), nurse=make_nurse(),
                               nurse_slot=1, start=start, end=start + timedelta(minutes=100),
                               blocked_until=start + timedelta(minutes=115), booked_by=front_desk)


def test_each_locations_today_is_its_own_local_day_on_the_home_page(manager, location, front_desk):
    """At 23:30 in New York it is already tomorrow afternoon in Tokyo: each location's census, arrivals and
    tomorrow's bookings are counted on its own local days (sessions/home.py ``_days_of``: each location's days)."""
    import datetime

    import time_machine
    from django.test import Client

    tokyo = LocationFactory(name="Tokyo Site", time_zone="Asia/Tokyo")
    late_in_new_york = datetime.datetime(2026, 12, 1, 4, 30, tzinfo=datetime.UTC)  # 23:30 EST, 13:30 JST
    with time_machine.travel(late_in_new_york, tick=False):
        _today_appointments(location, front_desk, 2)
        _today_appointments(location, front_desk, 4, day_offset=1)  # New York's tomorrow
        _today_appointments(tokyo, front_desk, 3)
        _late_evening(tokyo, front_desk, datetime.date(2026, 11, 30))  # Tokyo's yesterday, in New York's today
        _today_appointments(tokyo, front_desk, 5, day_offset=2)  # beyond Tokyo's tomorrow
        manager_client, front_desk_client = Client(), Client()  # signed in now (the idle timeout)
        manager_client.force_login(manager)
        front_desk_client.force_login(front_desk)
        panels = manager_client.get(reverse("home")).context["panels"]
        arrivals = front_desk_client.get(reverse("home")).context["panels"]
    census = next(data["days"] for panel, data in panels if panel.title == "Today's census")
    assert {day.location.name: (day.today.isoformat(), day.to_arrive) for day in census} == {
        location.name: ("2026-11-30", 2), tokyo.name: ("2026-12-01", 3)}
    days = next(data["days"] for panel, data in arrivals if "days" in data and data["days"][0].times is not None)
    assert {day.location.name: (day.to_arrive, day.tomorrow_unconfirmed) for day in days} == {
        location.name: (2, 4), tokyo.name: (3, 0)}

""""Today" is the clinic's local date, not the server's UTC date (DESIGN.md §5), and the day's moves are
offered only when they would work: check-in on the day, no-show after the start, cancel before it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.forms import CoursePlanForm
from sessions.models import Appointment
from sessions.services import (
    BookingRefused,
    TransitionRefused,
    appointment_cancel,
    appointment_link_issue,
    appointment_prepare,
    appointment_transition,
)
from tests.factories import client_for
from tests.sessions.helpers import cleared_patient, local, move_status

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def evening(location, next_monday):
    """21:00 in New York on next Monday: already Tuesday in UTC."""
    moment = local(location, next_monday, 21)
    assert moment.date() == next_monday + timedelta(days=1)
    return moment


def test_the_course_form_accepts_the_clinics_today_as_the_first_day_in_the_evening(evening, location, protocol,
                                                                                   next_monday):
    with time_machine.travel(evening, tick=False):
        form = CoursePlanForm({"protocol": protocol.pk, "location": location.pk, "kind": "induction", "count": 6,
                               "first_day": next_monday.isoformat(), "time": "09:00", "weekdays": ["0", "2", "4"]})
        assert form.is_valid(), form.errors
        yesterday = CoursePlanForm({**form.data, "first_day": (next_monday - timedelta(days=1)).isoformat()})
        assert not yesterday.is_valid() and "first_day" in yesterday.errors


def test_the_course_page_accepts_today_and_proposes_tomorrow_at_the_clinic(evening, location, protocol, chairs,
                                                                           nurse_on_duty, front_desk, next_monday):
    patient = cleared_patient(location)
    url = reverse("schedule:course", kwargs={"public_id": patient.public_id})
    with time_machine.travel(evening, tick=False):
        client = client_for(front_desk)
        page = client.get(url)
        assert page.context["form"].initial["first_day"] == next_monday + timedelta(days=1)
        response = client.post(url, {"protocol": protocol.pk, "location": location.pk, "kind": "induction",
                                     "count": 6, "first_day": next_monday.isoformat(), "time": "09:00",
                                     "weekdays": ["0", "2", "4"]})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["proposals"][0].local_start.date() == next_monday


def test_find_a_free_time_starts_on_the_clinics_today(evening, location, protocol, chairs, front_desk, next_monday):
    with time_machine.travel(evening, tick=False):
        form = client_for(front_desk).get(reverse("schedule:find"), {"location": str(location.public_id)}).context[
            "form"]
    assert form.initial["first_day"] == next_monday
    assert form.initial["last_day"] == next_monday + timedelta(days=7)


def test_the_booking_forms_two_year_horizon_counts_from_the_clinics_today(evening, location, protocol, chairs,
                                                                          nurse_on_duty, front_desk, next_monday):
    # Exactly two years before the clinic's today is inside the horizon (so the answer is "has passed");
    # counted from the UTC date it would be a day outside.
    patient = cleared_patient(location)
    with time_machine.travel(evening, tick=False):
        response = client_for(front_desk).post(reverse("schedule:book", kwargs={"public_id": patient.public_id}), {
            "protocol": protocol.pk, "date": (next_monday - timedelta(days=730)).isoformat(), "time": "09:00",
            "chair": chairs[0].pk, "nurse": nurse_on_duty.pk})
    html = response.content.decode()
    assert "has passed" in html and "within two years" not in html


# --- Find a free time opened from the booking page ------------------------------------------------------------


def test_find_a_free_time_opened_from_the_booking_page_shows_no_errors_and_is_prefilled(front_desk_client, location,
                                                                                        protocol, chairs):
    patient = cleared_patient(location, route="iv")
    booking_page = front_desk_client.get(reverse("schedule:book", kwargs={"public_id": patient.public_id}))
    link = next(a for a in booking_page.content.decode().split('href="')[1:] if a.startswith("/schedule/find/"))
    url = link.split('"')[0].replace("&amp;", "&")
    response = front_desk_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" not in html
    form = response.context["form"]
    assert not form.is_bound and response.context["slots"] is None
    assert form.initial["location"] == location and form.initial["protocol"].route == "iv"
    assert f'name="patient" value="{patient.public_id}"' in html  # kept when the search is submitted


def test_a_submitted_search_keeps_the_patient_and_offers_book_this(front_desk_client, location, protocol, chairs,
                                                                   nurse_on_duty, next_monday):
    patient = cleared_patient(location)
    response = front_desk_client.get(reverse("schedule:find"), {
        "protocol": protocol.pk, "location": location.pk, "first_day": next_monday.isoformat(),
        "last_day": next_monday.isoformat(), "patient": str(patient.public_id)})
    assert response.context["slots"] and response.context["patient"] == patient
    assert ">Book this<" in response.content.decode()


# --- Check-in, no-show and cancel ------------------------------------------------------------------------------


def test_check_in_is_only_on_the_appointments_local_day(booked, front_desk, location, next_monday):
    appointment_transition(appointment=booked, to_status=S.CONFIRMED, by=front_desk)
    # 23:30 on Sunday in New York is already Monday in UTC: the clinic's date decides.
    for early in (booked.start - timedelta(days=3), local(location, next_monday - timedelta(days=1), 23, 30)):
        with pytest.raises(TransitionRefused) as refused:
            appointment_transition(appointment=booked, to_status=S.CHECKED_IN, by=front_desk, now=early)
        assert "Check-in opens on the day of the appointment" in refused.value.reasons[0]
    arrived = local(location, next_monday, 0, 30)  # any time on the day itself
    assert appointment_transition(appointment=booked, to_status=S.CHECKED_IN, by=front_desk,
                                  now=arrived).status == S.CHECKED_IN


def test_check_in_button_shows_only_on_the_day_and_no_show_only_after_the_start(booked, front_desk, location,
                                                                              next_monday):
    appointment_transition(appointment=booked, to_status=S.CONFIRMED, by=front_desk)
    pages = {}
    for name, moment in (("days before", booked.start - timedelta(days=3)),
                         ("that morning", booked.start - timedelta(hours=1)),
                         ("after the start", booked.start + timedelta(minutes=20))):
        with time_machine.travel(moment, tick=False):
            pages[name] = client_for(front_desk).get(booked.get_absolute_url()).content.decode()
    assert ">Check in<" not in pages["days before"] and ">No-show<" not in pages["days before"]
    assert ">Check in<" in pages["that morning"] and ">No-show<" not in pages["that morning"]
    assert ">Cancel<" in pages["that morning"]
    assert ">No-show<" in pages["after the start"] and ">Cancel<" not in pages["after the start"]


def test_check_in_days_early_through_the_page_gives_the_reason(front_desk_client, booked, front_desk):
    appointment_transition(appointment=booked, to_status=S.CONFIRMED, by=front_desk)
    response = front_desk_client.post(reverse("schedule:action", args=[booked.public_id, "check-in"]), follow=True)
    assert "Check-in opens on the day of the appointment" in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).status == S.CONFIRMED


def test_cancelling_after_the_start_time_points_to_no_show(booked, front_desk):
    with pytest.raises(TransitionRefused) as refused:
        appointment_cancel(appointment=booked, reason="Did not come", by=front_desk,
                           now=booked.start + timedelta(minutes=10))
    assert "mark them a no-show" in refused.value.reasons[0]
    assert Appointment.objects.get(pk=booked.pk).status == S.BOOKED
    done = appointment_transition(appointment=booked, to_status=S.NO_SHOW, by=front_desk,
                                  now=booked.start + timedelta(minutes=10))
    assert done.status == S.NO_SHOW


def test_the_cancel_page_after_the_start_time_shows_the_reason(booked, front_desk):
    with time_machine.travel(booked.start + timedelta(minutes=10), tick=False):
        response = client_for(front_desk).post(reverse("schedule:cancel", args=[booked.public_id]),
                                               {"reason": "Did not come"})
    assert response.status_code == 200 and "mark them a no-show" in response.content.decode()


# --- The patient's link after check-in -------------------------------------------------------------------------


def test_the_patient_cannot_change_the_escort_once_checked_in(booked, front_desk, client):
    move_status(booked, S.CHECKED_IN, escort_name="Sam Rivera", escort_phone="+1 555 0111")
    with pytest.raises(BookingRefused):
        appointment_prepare(appointment=booked, escort_name="Someone Else", escort_phone="+1 555 0999",
                            fasting_understood=True)
    token = appointment_link_issue(appointment=booked)
    url = reverse("appointment_link", kwargs={"token": token})
    client.post(url, {"date_of_birth": booked.patient.date_of_birth.isoformat()})
    page = client.get(url).content.decode()
    assert "You are checked in" in page and 'name="escort_name"' not in page
    response = client.post(url, {"escort_name": "Someone Else", "escort_phone": "+1 555 0999",
                                 "fasting_understood": "on"})
    assert response.status_code == 200
    assert Appointment.objects.get(pk=booked.pk).escort_name == "Sam Rivera"

"""Who may record what on an appointment, what the booking pages show, and that they log access (DESIGN.md §6)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from clinic.audit.models import AccessEvent
from sessions.models import Appointment
from tests.factories import client_for
from tests.sessions.helpers import cleared_patient, local, move_status

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def booked_with_escort(booked):
    Appointment.objects.filter(pk=booked.pk).update(escort_name="Sam", escort_phone="+1 555 0111",
                                                    escort_confirmed_at=booked.start - timedelta(days=1))
    return Appointment.objects.get(pk=booked.pk)


@pytest.fixture
def checked_in(booked_with_escort):
    return move_status(booked_with_escort, S.CHECKED_IN)


@pytest.mark.parametrize("action,status_before", [("start", S.CHECKED_IN), ("recovering", S.IN_SESSION),
                                                  ("complete", S.RECOVERING)])
def test_front_desk_cannot_record_clinical_steps(front_desk_client, checked_in, action, status_before):
    move_status(checked_in, status_before)
    response = front_desk_client.post(reverse("schedule:action", args=[checked_in.public_id, action]))
    assert response.status_code == 403
    assert Appointment.objects.get(pk=checked_in.pk).status == status_before


def test_the_nurse_records_the_clinical_steps(checked_in, nurse, location, next_monday):
    with time_machine.travel(local(location, next_monday, 9, 5), tick=False):
        client = client_for(nurse)
        for action, status in (("start", S.IN_SESSION), ("recovering", S.RECOVERING), ("complete", S.COMPLETED)):
            response = client.post(reverse("schedule:action", args=[checked_in.public_id, action]))
            assert response.status_code == 302
            assert Appointment.objects.get(pk=checked_in.pk).status == status


def test_front_desk_sees_no_start_button_and_the_nurse_does(checked_in, front_desk, nurse, location, next_monday):
    with time_machine.travel(local(location, next_monday, 9, 5), tick=False):
        desk_page = client_for(front_desk).get(checked_in.get_absolute_url()).content.decode()
        nurse_page = client_for(nurse).get(checked_in.get_absolute_url()).content.decode()
    assert ">Start session<" not in desk_page
    assert ">Start session<" in nurse_page


def test_a_prescriber_sees_no_action_buttons_on_the_board_or_the_appointment(booked_with_escort, prescriber, location,
                                                                              next_monday):
    checked_in = move_status(booked_with_escort, S.CONFIRMED)  # confirmed: the step before check-in
    with time_machine.travel(local(location, next_monday, 9, 5), tick=False):
        client = client_for(prescriber)
        board = client.get(reverse("schedule:board"),
                           {"location": str(location.public_id), "day": next_monday.isoformat()}).content.decode()
        detail = client.get(checked_in.get_absolute_url()).content.decode()
    base = f"/schedule/appointments/{checked_in.public_id}/"
    for html in (board, detail):
        assert f'action="{base}' not in html  # no status buttons
        assert f'href="{base}reschedule/"' not in html and f'href="{base}cancel/"' not in html


def _plan_text(html: str) -> str:
    start = html.index("Approved plan:")
    return html[start:html.index("</p>", start)]


@pytest.mark.parametrize("page", ["schedule:book", "schedule:course"])
def test_front_desk_sees_the_route_and_sessions_but_not_the_dose(front_desk_client, manager_client, location, page):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    url = reverse(page, kwargs={"public_id": patient.public_id})
    desk = _plan_text(front_desk_client.get(url).content.decode())
    assert "6 sessions" in desk and "mg/kg" not in desk and "IV" in desk
    manager = _plan_text(manager_client.get(url).content.decode())  # may read the intake: sees the dose
    assert "mg/kg" in manager


@pytest.mark.parametrize("page,object_type", [("schedule:book", "booking page"),
                                              ("schedule:course", "course planning page"),
                                              ("schedule:patient_appointments", "appointment list")])
def test_booking_pages_log_who_saw_the_patient(front_desk_client, front_desk, location, page, object_type):
    patient = cleared_patient(location)
    response = front_desk_client.get(reverse(page, kwargs={"public_id": patient.public_id}))
    assert response.status_code == 200
    event = AccessEvent.objects.get(patient_id=patient.public_id, object_type=object_type)
    assert event.actor == front_desk


def test_find_a_free_time_for_a_patient_logs_access_and_without_one_does_not(front_desk_client, location, protocol):
    patient = cleared_patient(location)
    assert front_desk_client.get(reverse("schedule:find"), {"patient": str(patient.public_id)}).status_code == 200
    assert AccessEvent.objects.filter(patient_id=patient.public_id, object_type="free-time search").count() == 1
    front_desk_client.get(reverse("schedule:find"))
    assert AccessEvent.objects.filter(object_type="free-time search").count() == 1

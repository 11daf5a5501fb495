"""django-pghistory on Appointment and Course: who took each status step is kept, not only the last (issue 7)."""

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Appointment, Course
from sessions.services import appointment_book, appointment_escort_record
from tests.factories import client_for
from tests.sessions.helpers import cleared_patient, local

pytestmark = pytest.mark.django_db
S = Appointment.Status


def test_every_status_step_keeps_who_took_it(location, protocol, chairs, nurse_on_duty, front_desk, nurse,
                                             next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    appointment = appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                                   start=local(location, next_monday, 9), booked_by=front_desk, notify=False)
    appointment_escort_record(appointment=appointment, escort_name="Sam", escort_phone="+1 555 0111", by=front_desk)
    with time_machine.travel(appointment.start, tick=False):
        for user, action in ((front_desk, "confirm"), (front_desk, "check-in"), (nurse, "start")):
            client_for(user).post(reverse("schedule:action", args=[appointment.public_id, action]))
    appointment.refresh_from_db()
    assert appointment.status == S.IN_SESSION and appointment.status_changed_by == nurse
    steps = dict(Appointment.pgh_event_model.objects.filter(pgh_obj=appointment)
                 .values_list("status", "status_changed_by"))
    assert steps[S.CONFIRMED] == front_desk.pk and steps[S.CHECKED_IN] == front_desk.pk
    assert steps[S.IN_SESSION] == nurse.pk
    assert Course.pgh_event_model.objects.filter(pgh_obj=appointment.course).exists()

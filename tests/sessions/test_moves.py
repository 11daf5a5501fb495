"""One answer to "which moves may this user make on this appointment now" (issue 7): the buttons a page
offers (the template tag), what the view lets through and what the service accepts all come from
``sessions.selectors.moves``."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from sessions.models import Appointment
from sessions.selectors.moves import ACTIONS, MOVES, appointment_move_refusal, appointment_moves
from sessions.services import appointment_book, appointment_escort_record
from sessions.templatetags.sessions_tags import appointment_actions
from tests.factories import client_for
from tests.sessions.helpers import cleared_patient, local, move_status

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def booked(location, protocol, chairs, nurse_on_duty, front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    appointment = appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                                   start=local(location, next_monday, 9), booked_by=front_desk)
    appointment_escort_record(appointment=appointment, escort_name="Sam Rivera", escort_phone="+1 555 0111",
                              by=front_desk)
    return appointment


def test_the_action_map_is_the_one_map_of_moves():
    assert {move.action for move in MOVES if move.action} == set(ACTIONS)
    assert {ACTIONS[a].status for a in ("start", "recovering", "complete")} == {
        S.IN_SESSION, S.RECOVERING, S.COMPLETED}


@pytest.mark.parametrize("status", [S.BOOKED, S.CONFIRMED, S.CHECKED_IN, S.IN_SESSION, S.RECOVERING])
@pytest.mark.parametrize("role", ["front_desk", "nurse"])
def test_every_offered_button_works_and_every_other_move_is_refused(booked, status, role, request):
    user = request.getfixturevalue(role)
    appointment = move_status(booked, status)
    on_the_day = appointment.start + timedelta(minutes=5)
    with time_machine.travel(on_the_day, tick=False):
        offered = {button.action for button in appointment_actions(appointment, user).buttons}
        assert offered == {m.action for m in appointment_moves(appointment=appointment, user=user) if m.action}
        client = client_for(user)
        for action, move in ACTIONS.items():
            with transaction.atomic():  # each move tried from the same starting point, then undone
                response = client.post(reverse("schedule:action", args=[appointment.public_id, action]))
                now_status = Appointment.objects.values_list("status", flat=True).get(pk=appointment.pk)
                moved = now_status != status and now_status == move.status
                transaction.set_rollback(True)
            assert moved == (action in offered), (role, status, action, response.status_code)
            if action not in offered and response.status_code != 403:
                assert appointment_move_refusal(appointment, move.status) is not None


def test_front_desk_never_sees_a_clinical_button_and_the_view_refuses_it(booked, front_desk):
    appointment = move_status(booked, S.CHECKED_IN)
    with time_machine.travel(appointment.start, tick=False):
        assert "start" not in [button.action for button in appointment_actions(appointment, front_desk).buttons]
        response = client_for(front_desk).post(reverse("schedule:action", args=[appointment.public_id, "start"]))
    assert response.status_code == 403


def test_cancel_and_reschedule_are_offered_only_while_allowed(booked, front_desk):
    before = appointment_actions(booked, front_desk, now=booked.start - timedelta(hours=1))
    after = appointment_actions(booked, front_desk, now=booked.start + timedelta(minutes=1))
    assert (before.can_cancel, before.can_reschedule) == (True, True)
    assert (after.can_cancel, after.can_reschedule) == (False, True)

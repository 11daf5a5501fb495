"""What appointment_transition checks before check-in and the start (consent current, escort), and how the board
and the appointment page warn about it."""

import re

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Appointment
from sessions.services import (
    TransitionRefused,
    appointment_escort_record,
    appointment_transition,
)
from tests.factories import UserFactory, client_for
from tests.sessions.helpers import BOARD_QUERIES, board_page, cleared_patient, local

pytestmark = pytest.mark.django_db


def _publish_new_consent():
    from patients.services import consent_document_publish

    return consent_document_publish(title="Consent to ketamine treatment, v2", body="The new consent text.",
                                    published_by=UserFactory(role="manager"))


def _sign(patient, document):
    from patients.services import consent_sign

    consent_sign(patient=patient, document=document, typed_name=patient.full_name, ip_address="127.0.0.1",
                 user_agent="test")



def test_check_in_and_start_are_refused_until_the_new_consent_version_is_signed(booked, front_desk, nurse_on_duty,
                                                                                 location, next_monday):
    on_the_day = local(location, next_monday, 8, 45)
    appointment_transition(appointment=booked, to_status=Appointment.Status.CONFIRMED, by=front_desk)
    appointment_escort_record(appointment=booked, escort_name="Sam Rivera", escort_phone="+1 555 0111",
                              by=front_desk)
    new_version = _publish_new_consent()

    with pytest.raises(TransitionRefused) as refused:
        appointment_transition(appointment=booked, to_status=Appointment.Status.CHECKED_IN, by=front_desk,
                               now=on_the_day)
    text = " ".join(refused.value.reasons)
    assert "cannot be checked in" in text and "Consent not current" in text and "consent link" in text
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CONFIRMED

    _sign(booked.patient, new_version)
    appointment_transition(appointment=booked, to_status=Appointment.Status.CHECKED_IN, by=front_desk,
                           now=on_the_day)

    newer = _publish_new_consent()  # published while the patient sits in the waiting room
    with pytest.raises(TransitionRefused, match="cannot start"):
        appointment_transition(appointment=booked, to_status=Appointment.Status.IN_SESSION, by=nurse_on_duty,
                               now=on_the_day)
    _sign(booked.patient, newer)
    appointment_transition(appointment=booked, to_status=Appointment.Status.IN_SESSION, by=nurse_on_duty,
                           now=on_the_day)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.IN_SESSION


def test_pressing_check_in_without_current_consent_shows_the_reason_not_a_500(booked, front_desk, location,
                                                                               next_monday):
    appointment_transition(appointment=booked, to_status=Appointment.Status.CONFIRMED, by=front_desk)
    _publish_new_consent()
    with time_machine.travel(local(location, next_monday, 8, 45), tick=False):
        response = client_for(front_desk).post(reverse("schedule:action", args=[booked.public_id, "check-in"]),
                                               follow=True)
    assert response.status_code == 200
    assert "Consent not current" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CONFIRMED


def test_board_and_appointment_page_warn_when_consent_must_be_signed_again(
        booked, book, front_desk, location, chairs, next_monday, django_assert_num_queries):
    signed_again = book(patient=cleared_patient(location), chair=chairs[1], notify=False)
    client = client_for(front_desk)
    assert "Consent must be signed again" not in board_page(client, location, next_monday).content.decode()

    new_version = _publish_new_consent()
    _sign(signed_again.patient, new_version)
    with django_assert_num_queries(BOARD_QUERIES):  # the warning is worked out in the appointments query
        html = board_page(client, location, next_monday).content.decode()
    assert html.count("Consent must be signed again before this session") == 1
    card = re.search(rf'id="appt-{booked.public_id}".*?</article>', html, re.S).group(0)
    assert "Consent must be signed again" in card

    page = client.get(booked.get_absolute_url()).content.decode()
    assert "Consent must be signed again before this session" in page and "consent link" in page
    other = client.get(signed_again.get_absolute_url()).content.decode()
    assert "Consent must be signed again" not in other

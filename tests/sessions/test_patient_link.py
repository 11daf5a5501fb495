"""The patient's appointment link: hashed token, date-of-birth check, escort and fasting, .ics (DESIGN.md §6)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.audit.models import AccessEvent
from sessions.models import Appointment, AppointmentLink
from sessions.services import appointment_book, appointment_cancel, appointment_link_issue
from sessions.templatetags.sessions_tags import tel_href
from tests.sessions.helpers import cleared_patient, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(booked):
    """Alex's appointment at 09:00 next Monday (tests/sessions/conftest.py)."""
    return booked


@pytest.fixture
def token(appointment):
    return appointment_link_issue(appointment=appointment)


def _url(token):
    return reverse("appointment_link", kwargs={"token": token})


def _verify(client, token, appointment):
    return client.post(_url(token), {"date_of_birth": appointment.patient.date_of_birth.isoformat()})


def test_only_a_hash_of_the_token_is_stored_and_the_url_carries_no_phi(appointment, token):
    link = AppointmentLink.objects.get(appointment=appointment)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    assert "Rivera" not in _url(token) and str(appointment.public_id) not in _url(token)


def test_nothing_shows_before_the_date_of_birth_check(client, appointment, token):
    html = client.get(_url(token)).content.decode()
    assert "date of birth" in html
    assert "09:00" not in html and "Rivera" not in html and "Test Clinic" not in html


def test_a_wrong_date_of_birth_is_refused_and_five_lock_the_link(client, appointment, token):
    for _ in range(4):
        response = client.post(_url(token), {"date_of_birth": "1900-01-01"})
    assert "does not match" in response.content.decode()
    assert client.post(_url(token), {"date_of_birth": "1900-01-01"}).status_code == 404
    assert client.post(_url(token), {"date_of_birth": appointment.patient.date_of_birth.isoformat()}).status_code == 404


def test_after_the_check_the_patient_sees_time_place_instructions_and_confirms_the_escort(client, appointment, token):
    _verify(client, token, appointment)
    html = client.get(_url(token)).content.decode()
    assert "09:00" in html and "Test Clinic" in html
    assert "No solid food for 6 hours" in html and "Do not drive" in html
    assert AccessEvent.objects.filter(patient_id=appointment.patient.public_id, actor__isnull=True).exists()
    client.post(_url(token), {"escort_name": "Sam Rivera", "escort_phone": "+1 555 010 0111",
                              "fasting_understood": "on"})
    appointment.refresh_from_db()
    assert appointment.escort_name == "Sam Rivera" and appointment.escort_confirmed_at is not None
    assert appointment.fasting_acknowledged_at is not None


def test_escort_form_needs_both_fields_and_the_acknowledgement(client, appointment, token):
    _verify(client, token, appointment)
    response = client.post(_url(token), {"escort_name": "", "escort_phone": "x"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.escort_confirmed_at is None


def test_the_calendar_file_has_the_time_and_place_and_nothing_clinical(client, appointment, token):
    assert client.get(reverse("appointment_link_ics", kwargs={"token": token})).status_code == 404  # not verified
    _verify(client, token, appointment)
    response = client.get(reverse("appointment_link_ics", kwargs={"token": token}))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "END:VCALENDAR" in body
    assert f"DTSTART:{appointment.start:%Y%m%dT%H%M%SZ}" in body
    assert "Test Clinic" in body
    assert appointment.protocol.name not in body and "Rivera" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_link_dies_when_the_appointment_is_cancelled_or_over(client, appointment, token, front_desk):
    appointment_cancel(appointment=appointment, reason="Unwell", by=front_desk)
    assert client.get(_url(token)).status_code == 404
    fresh = appointment_link_issue(appointment=appointment)
    assert client.get(_url(fresh)).status_code == 404  # a cancelled appointment has no live link


def test_the_link_expires_after_the_appointment(client, appointment, token):
    AppointmentLink.objects.filter(appointment=appointment).update(created_at=timezone.now() - timedelta(days=2),
                                                                   expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(_url(token)).status_code == 404


def test_a_new_link_replaces_the_old_one(client, appointment, token):
    newer = appointment_link_issue(appointment=appointment)
    assert client.get(_url(token)).status_code == 404
    assert client.get(_url(newer)).status_code == 200


def test_the_emailed_link_opens_the_appointment(client, location, protocol, chairs, nurse_on_duty, front_desk,
                                                next_monday, django_capture_on_commit_callbacks):
    patient = cleared_patient(location)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_book(patient=patient, protocol=protocol, chair=chairs[1], nurse=nurse_on_duty,
                                       start=local(location, next_monday, 13), booked_by=front_desk)
    path = re.search(r"https?://[^/]+(/appointment/[^/\s]+/)", mail.outbox[0].body).group(1)
    client.post(path, {"date_of_birth": patient.date_of_birth.isoformat()})
    assert "13:00" in client.get(path).content.decode()
    assert Appointment.objects.get(pk=appointment.pk).patient == patient


def test_the_verified_pages_and_the_calendar_file_are_never_stored(client, appointment, token):
    """Issue 8, item 8: a link-verified response carries Cache-Control: no-store."""
    assert "no-store" in _verify(client, token, appointment).get("Cache-Control", "")
    for response in (client.get(_url(token)), client.get(reverse("appointment_link_ics", kwargs={"token": token}))):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


# --- dead links -----------------------------------------------------------------------------------


def test_a_tampered_ics_link_gets_the_clinic_page_not_a_bare_404(client, booked, location):
    token = appointment_link_issue(appointment=booked)
    for bad in (token + "x", token):  # tampered, and real but before the date-of-birth check
        response = client.get(reverse("appointment_link_ics", kwargs={"token": bad}))
        html = response.content.decode()
        assert response.status_code == 404
        assert "This link is no longer active" in html and "</html>" in html
        assert location.phone in html and 'href="tel:+15550199"' in html


def test_dead_link_page_gives_the_clinic_phone(client, booked, front_desk, location):
    from sessions.services import appointment_cancel

    token = appointment_link_issue(appointment=booked)
    appointment_cancel(appointment=booked, reason="Flu", by=front_desk, notify=False)
    html = client.get(reverse("appointment_link", kwargs={"token": token})).content.decode()
    assert "This link is no longer active" in html and 'href="tel:+15550199">+1 555 0199<' in html


def test_a_wrong_date_of_birth_says_how_many_tries_are_left(client, booked):
    url = reverse("appointment_link", kwargs={"token": appointment_link_issue(appointment=booked)})
    assert "4 more tries before this link locks" in client.post(url, {"date_of_birth": "1900-01-01"}).content.decode()
    for _ in range(3):
        response = client.post(url, {"date_of_birth": "1900-01-01"})
    assert "1 more try before" in response.content.decode()
    response = client.post(url, {"date_of_birth": "1900-01-01"})  # the fifth locks it: the one dead-link page
    assert response.status_code == 404 and "This link is no longer active" in response.content.decode()


def test_tel_links_carry_no_spaces():
    assert tel_href("+1 (555) 010-0123") == "+15550100123"
    assert tel_href("555 0199") == "5550199"
    assert tel_href("") == ""

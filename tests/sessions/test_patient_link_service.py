"""The one patient-link service (patients/services/patient_links.py, patients/link_gate.py): intake, consent
and appointment links share the token scheme, the date-of-birth check and its lock, the rate limit, the
session rotation and the dead-link page (issue 7; issue 8 item 3)."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from patients.services import LinkUnusable, consent_document_publish, consent_link_send, link_verify_dob
from sessions.models import AppointmentLink
from sessions.services import appointment_book, appointment_link_issue
from tests.concurrency import race
from tests.factories import make_cleared_patient
from tests.patients.intake_helpers import invite
from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

DOB = datetime.date(1985, 6, 15)
WRONG = datetime.date(1990, 1, 1)
GUESSES = 60


def _appointment(location, front_desk, day, patient=None):
    patient = patient or make_cleared_patient(location=location, date_of_birth=DOB)
    return appointment_book(patient=patient, protocol=ProtocolFactory(), chair=ChairFactory(location=location),
                            nurse=make_nurse(email=f"nurse-{patient.pk}@clinic.test"),
                            start=local(location, day, 9), booked_by=front_desk, notify=False)


@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_wrong_guesses_count_at_most_five_then_the_right_date_is_refused(
        location, front_desk, next_monday):
    token = appointment_link_issue(appointment=_appointment(location, front_desk, next_monday))
    link = AppointmentLink.objects.get()
    outcomes = race([lambda: link_verify_dob(link=AppointmentLink.objects.get(pk=link.pk), date_of_birth=WRONG)
                     for _ in range(GUESSES)])

    link.refresh_from_db()
    assert link.failed_dob_attempts == 5 and link.locked_at is not None
    assert outcomes.count(False) == 5
    assert all(isinstance(o, LinkUnusable) and o.reason == "locked" for o in outcomes if o is not False), outcomes
    with pytest.raises(LinkUnusable):
        link_verify_dob(link=link, date_of_birth=DOB)
    response = Client().post(reverse("appointment_link", kwargs={"token": token}), {"date_of_birth": DOB.isoformat()})
    assert response.status_code == 404 and "This link is no longer active" in response.content.decode()


@pytest.mark.django_db
def test_the_rate_limit_on_an_appointment_link_gives_a_clear_page(client, settings, location, front_desk,
                                                                  next_monday):
    settings.INTAKE_DOB_RATE_PER_HOUR = 2
    url = reverse("appointment_link", kwargs={"token": appointment_link_issue(
        appointment=_appointment(location, front_desk, next_monday))})
    for _ in range(2):
        assert client.post(url, {"date_of_birth": WRONG.isoformat()}).status_code == 200
    response = client.post(url, {"date_of_birth": DOB.isoformat()})
    assert response.status_code == 429 and "Too many tries" in response.content.decode()
    assert AppointmentLink.objects.get().failed_dob_attempts == 2  # the refused answer was not even checked


def _intake_link(location, front_desk, day, manager):
    return invite(date_of_birth=DOB)[1].url


def _consent_link(location, front_desk, day, manager):
    patient = make_cleared_patient(location=location, date_of_birth=DOB)
    consent_document_publish(title="Consent", body="Version two", published_by=manager)
    return consent_link_send(patient=patient, sent_by=manager, by_email=False).url


def _appointment_link(location, front_desk, day, manager):
    token = appointment_link_issue(appointment=_appointment(location, front_desk, day))
    return reverse("appointment_link", kwargs={"token": token})


@pytest.mark.django_db
@pytest.mark.parametrize("make_link", [_intake_link, _consent_link, _appointment_link])
def test_the_session_id_changes_once_the_date_of_birth_is_proven_on_every_link_kind(
        client, location, front_desk, next_monday, manager, make_link):
    path = urlsplit(make_link(location, front_desk, next_monday, manager)).path
    client.get(path)
    client.post(path, {"date_of_birth": WRONG.isoformat()})
    before = client.session.session_key
    assert before
    response = client.post(path, {"date_of_birth": DOB.isoformat()})
    assert response.status_code == 302
    assert client.session.session_key != before


@pytest.mark.django_db
def test_links_are_built_from_site_url_never_from_the_request(settings, front_desk_client, location):
    settings.SITE_URL = "https://clinic.example.org"
    patient = make_cleared_patient(location=location, date_of_birth=DOB)
    response = front_desk_client.post(reverse("patients:invitation_send", kwargs={"public_id": patient.public_id}),
                                      {"how": "copy"})  # the request comes to http://testserver
    assert response.context["issued"].url.startswith("https://clinic.example.org/intake/")

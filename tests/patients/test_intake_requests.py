"""Issue 8, item 9: /intake/start/ stores a request and does nothing else; front desk accepts, merges or
discards it. At the HTTP layer, as the attack was made."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AccessEvent
from patients.models import IntakeRequest, Patient, PatientLink
from patients.services import link_resolve
from tests.factories import PatientFactory
from tests.patients.intake_helpers import invite

pytestmark = pytest.mark.django_db
DOB = datetime.date(1985, 6, 15)


def _start(client, **overrides):
    data = {"first_name": "Kim", "last_name": "Vale", "email": "kim@example.com", "date_of_birth": DOB.isoformat()}
    return client.post(reverse("intake:start"), data | overrides)


def _writes(client, **overrides) -> tuple[object, list[str]]:
    """The response and the SQL writes (INSERT/UPDATE/DELETE) the start page made."""
    with CaptureQueriesContext(connection) as ctx:
        response = _start(client, **overrides)
    writes = [f"{verb} {table}" for q in ctx.captured_queries  # pghistory prefixes a set_config()
              for verb, table in re.findall(r'(INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', q["sql"])]
    return response, writes


def test_a_known_email_with_a_wrong_birth_date_makes_no_patient_and_sends_nothing(
        client, location, django_capture_on_commit_callbacks):
    victim = PatientFactory(location=location, email="kim@example.com", date_of_birth=DOB)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, date_of_birth="1990-01-01")
    assert response.status_code == 302 and response.url == reverse("intake:start_done")
    assert list(Patient.objects.all()) == [victim]  # no duplicate with the victim's address
    assert mail.outbox == []  # the victim is not e-mailed
    assert IntakeRequest.objects.get().status == IntakeRequest.Status.PENDING


def test_a_known_email_with_an_open_intake_leaves_the_live_link_working(
        client, location, django_capture_on_commit_callbacks):
    patient, issued = invite(PatientFactory(location=location, email="kim@example.com", date_of_birth=DOB))
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client)
    assert response.status_code == 302
    assert link_resolve(token=issued.token) == issued.link  # not revoked, not replaced
    assert PatientLink.objects.count() == 1 and mail.outbox == []


def test_every_answer_does_the_same_work_known_or_not(client, location):
    """Same work, same answer: one INSERT of a request (and its history row), whoever is asking."""
    PatientFactory(location=location, email="kim@example.com", date_of_birth=DOB)
    invite(PatientFactory(location=location, email="open@example.com", date_of_birth=DOB))
    answers = [_writes(client), _writes(client, date_of_birth="1990-01-01"), _writes(client, email="open@example.com"),
               _writes(client, email="nobody@example.com")]
    first_response, first_writes = answers[0]
    for response, writes in answers:
        assert (response.status_code, response.url) == (first_response.status_code, first_response.url)
        assert [w for w in writes if "ratelimit" not in w] == [w for w in first_writes if "ratelimit" not in w]
    assert [w for w in first_writes if "ratelimit" not in w] == ["INSERT INTO patients_intakerequest"]


def test_front_desk_sees_the_waiting_requests_with_a_count_on_the_home_page(client, front_desk_client, location):
    PatientFactory(location=location, email="kim@example.com", date_of_birth=DOB, legal_last_name="Vale")
    _start(client)
    _start(client, email="other@example.com", last_name="Other")
    page = front_desk_client.get(reverse("patients:intake_requests"))
    html = page.content.decode()
    assert page.status_code == 200 and "kim@example.com" in html and "other@example.com" in html
    assert 'data-confirm="Discard this request?' in html  # asks before discarding
    event = AccessEvent.objects.get(object_type="intake requests")  # it names the patient on file it showed
    assert list(event.patient_ids) == [Patient.objects.get().public_id]
    assert "2 waiting" in front_desk_client.get(reverse("home")).content.decode()


def test_the_requests_page_has_an_empty_state_and_pages(front_desk_client, client, location, settings):
    assert "No requests are waiting" in front_desk_client.get(reverse("patients:intake_requests")).content.decode()
    settings.INTAKE_START_RATE_PER_HOUR = 100
    for n in range(26):
        _start(client, email=f"p{n}@example.com")
    html = front_desk_client.get(reverse("patients:intake_requests")).content.decode()
    assert "Page 1 of 2" in html


def test_a_nurse_may_not_see_or_handle_requests(nurse_client, client, location):
    _start(client)
    public_id = IntakeRequest.objects.get().public_id
    assert nurse_client.get(reverse("patients:intake_requests")).status_code == 403
    assert nurse_client.post(reverse("patients:intake_request_accept", args=[public_id])).status_code == 403


def test_accepting_registers_the_patient_and_emails_the_link(
        client, front_desk_client, front_desk, location, django_capture_on_commit_callbacks):
    _start(client)
    intake_request = IntakeRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(reverse("patients:intake_request_accept", args=[intake_request.public_id]))
    patient = Patient.objects.get()
    assert response.status_code == 302 and response.url == patient.get_absolute_url()
    assert (patient.legal_last_name, patient.email, patient.date_of_birth) == ("Vale", "kim@example.com", DOB)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kim@example.com"]
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.patient, intake_request.decided_by) == (
        IntakeRequest.Status.ACCEPTED, patient, front_desk)
    # Pressed twice (a double click, another tab): the second says so and registers no one else.
    front_desk_client.post(reverse("patients:intake_request_accept", args=[intake_request.public_id]))
    assert Patient.objects.count() == 1


def test_merging_keeps_the_patient_and_their_live_link_and_sends_nothing(
        client, front_desk_client, location, django_capture_on_commit_callbacks):
    patient, issued = invite(PatientFactory(location=location, email="kim@example.com", date_of_birth=DOB))
    _start(client, email="KIM@example.com")
    intake_request = IntakeRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(reverse("patients:intake_request_merge", args=[intake_request.public_id]),
                                          {"patient": str(patient.public_id)})
    assert response.status_code == 302 and response.url == patient.get_absolute_url()
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.patient) == (IntakeRequest.Status.MERGED, patient)
    assert Patient.objects.count() == 1 and mail.outbox == []
    assert link_resolve(token=issued.token) == issued.link


def test_discarding_registers_no_one(client, front_desk_client, location):
    _start(client)
    intake_request = IntakeRequest.objects.get()
    response = front_desk_client.post(reverse("patients:intake_request_discard", args=[intake_request.public_id]))
    assert response.status_code == 302
    intake_request.refresh_from_db()
    assert intake_request.status == IntakeRequest.Status.DISCARDED and not Patient.objects.exists()


def test_a_merge_without_a_patient_says_what_to_do(client, front_desk_client, location):
    _start(client)
    url = reverse("patients:intake_request_merge", args=[IntakeRequest.objects.get().public_id])
    response = front_desk_client.post(url, {"patient": "not-a-uuid"}, follow=True)
    assert "Choose the patient on file" in response.content.decode()


def test_postgresql_refuses_a_decided_request_going_back_to_waiting(client, front_desk_client, location):
    from django.db import IntegrityError, transaction

    _start(client)
    intake_request = IntakeRequest.objects.get()
    front_desk_client.post(reverse("patients:intake_request_discard", args=[intake_request.public_id]))
    with pytest.raises(IntegrityError, match="intake_request_status_transition|intake_request_decision_complete"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE patients_intakerequest SET status = 'pending', decided_at = NULL WHERE id = %s",
                       [intake_request.pk])


def test_intake_requests_query_count_is_the_same_for_1_and_50_requests(front_desk_client, location):
    """Issue 13: each request's possible match on file is found for the whole page at once, not per row."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PatientFactory

    def add(number):
        PatientFactory(location=location, legal_last_name=f"Match{number}", email=f"p{number}@example.org")
        IntakeRequest.objects.create(first_name="Pat", last_name=f"Match{number}", email=f"p{number}@example.org",
                                     date_of_birth=datetime.date(1990, 1, 1), location=location)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert front_desk_client.get(reverse("patients:intake_requests")).status_code == 200
        return len(ctx.captured_queries)

    def rows():
        return front_desk_client.get(reverse("patients:intake_requests")).context["rows"]

    add(0)
    one = queries()
    assert [len(found) for _, found in rows()] == [1]  # the request, with its match on file
    for number in range(1, 50):
        add(number)
    assert queries() == one
    assert [len(found) for _, found in rows()] == [1] * 25  # a page of 25

"""Patient links (DESIGN.md §6): hashed, expiring, revocable, single-purpose, locked after 5 wrong dates."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from patients.models import Intake, IntakeRequest, Patient, PatientLink
from patients.services import invitation_revoke, token_hash
from tests.factories import make_submitted_intake
from tests.patients.intake_helpers import invite, prove, step_url

pytestmark = pytest.mark.django_db
DOB = datetime.date(1985, 6, 15)


def test_only_the_hash_of_the_token_is_stored():
    patient, issued = invite(date_of_birth=DOB)
    link = PatientLink.objects.get()
    assert link.token_hash == token_hash(issued.token) and issued.token not in link.token_hash
    assert link.expires_at - link.created_at == datetime.timedelta(days=14)
    assert str(patient.public_id) not in issued.url and str(patient.pk) not in issued.url.split("/intake/")[1]


def test_an_expired_link_says_so_and_shows_nothing(client):
    patient, issued = invite(date_of_birth=DOB, legal_last_name="Rivera")
    PatientLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=20),
                               expires_at=timezone.now() - datetime.timedelta(days=6))
    response = client.get(reverse("intake:link", kwargs={"token": issued.token}))
    assert response.status_code == 404 and "no longer active" in response.content.decode()
    assert "Rivera" not in response.content.decode()


def test_a_revoked_link_stops_working_even_for_a_proven_session(client, front_desk):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, DOB)
    invitation_revoke(intake=Intake.objects.get(), revoked_by=front_desk)
    response = client.get(step_url(issued.token, "about"))
    assert response.status_code == 410 and "replaced" in response.content.decode()


def test_resending_replaces_the_earlier_link_and_keeps_the_answers(client):
    patient, first = invite(date_of_birth=DOB)
    prove(client, first.token, DOB)
    client.post(step_url(first.token, "psychiatric"), {"diagnoses": "Depression", "episode_months": "3",
                                                        "hospitalisations": "0", "suicide_attempts": "no",
                                                        "family_psychosis": "no"})
    _, second = invite(patient)
    assert client.get(reverse("intake:link", kwargs={"token": first.token})).status_code == 410
    assert Intake.objects.count() == 1 and "psychiatric" in Intake.objects.get().answers
    assert second.link.intake_id == first.link.intake_id


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 300, "%00", "ü" * 20])
def test_a_tampered_or_unknown_link_gets_a_clear_page_not_an_error(client, token):
    invite(date_of_birth=DOB)
    response = client.get(reverse("intake:link", kwargs={"token": token}))
    assert response.status_code == 404 and "no longer active" in response.content.decode()


def _submitted_with_token(monkeypatch, **fields):
    from patients.services import links as services  # where invitation_send finds it

    captured = {}
    real_issue = services._link_issue

    def keep_token(**kwargs):
        issued = real_issue(**kwargs)
        captured["token"] = issued.token
        return issued

    monkeypatch.setattr(services, "_link_issue", keep_token)
    intake = make_submitted_intake(date_of_birth=DOB, **fields)
    return intake, captured["token"]


def _prove_in_session(client, link):
    """What a correct date of birth leaves in this browser's session (intake_views.link)."""
    from patients.intake_views import PROOF_KEY

    session = client.session
    now = timezone.now().timestamp()
    session[PROOF_KEY.format(link.token_hash)] = {"proven_at": now, "seen_at": now}
    session.save()


def test_a_used_link_in_a_fresh_browser_says_nothing_about_the_intake(client, monkeypatch):
    intake, token = _submitted_with_token(monkeypatch, legal_last_name="Rivera")
    link = intake.links.get()
    assert link.used_at is not None and link.state == "used"
    response = client.get(reverse("intake:link", kwargs={"token": token}))
    page = response.content.decode()
    assert response.status_code == 404 and "This link is no longer active" in page
    assert intake.patient.location.phone in page
    for revealing in ("Thank you", "has been sent", "what happens next", "prescriber", "Rivera"):
        assert revealing not in page, revealing


def test_a_used_link_shows_what_happens_next_after_a_proof_in_this_browser(client, monkeypatch):
    intake, token = _submitted_with_token(monkeypatch, legal_last_name="Rivera")
    _prove_in_session(client, intake.links.get())
    response = client.get(reverse("intake:link", kwargs={"token": token}))
    page = response.content.decode()
    assert response.status_code == 200 and "your intake has been sent" in page and "what happens next" in page
    assert "Rivera" not in page


@pytest.mark.parametrize("state", ["expired", "revoked", "locked"])
def test_every_dead_link_looks_the_same_before_a_proof(client, front_desk, state):
    _, issued = invite(date_of_birth=DOB)
    if state == "expired":
        PatientLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=20),
                                   expires_at=timezone.now() - datetime.timedelta(days=6))
    elif state == "revoked":
        invitation_revoke(intake=Intake.objects.get(), revoked_by=front_desk)
    else:
        PatientLink.objects.update(locked_at=timezone.now())
    response = client.get(reverse("intake:link", kwargs={"token": issued.token}))
    page = response.content.decode()
    assert response.status_code == 404 and "This link is no longer active" in page
    assert not any(word in page for word in ("expired", "replaced", "locked"))


def test_five_wrong_dates_of_birth_lock_the_link(client):
    patient, issued = invite(date_of_birth=DOB, legal_last_name="Rivera")
    for attempt in range(1, 5):
        response = prove(client, issued.token, datetime.date(1990, 1, attempt))
        assert response.status_code == 200
        assert f"{5 - attempt} more tr" in response.content.decode()
    response = prove(client, issued.token, datetime.date(1990, 1, 5))
    assert response.status_code == 404 and "no longer active" in response.content.decode()
    # Even the right date no longer opens it; staff issue a new link.
    assert prove(client, issued.token, DOB).status_code == 404
    assert "Rivera" not in response.content.decode()
    _, fresh = invite(patient)
    assert prove(client, fresh.token, DOB).status_code == 302


def test_a_right_date_of_birth_resets_the_count_and_the_proof_is_per_browser(client):
    patient, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, datetime.date(1990, 1, 1))
    assert prove(client, issued.token, DOB).status_code == 302
    assert PatientLink.objects.get().failed_dob_attempts == 0
    from django.test import Client

    assert Client().get(step_url(issued.token, "about")).status_code == 302  # a new visit proves again


def test_a_proof_for_one_link_does_not_open_another_patients_link(client):
    _, mine = invite(date_of_birth=DOB)
    _, theirs = invite(date_of_birth=datetime.date(1970, 1, 1))
    prove(client, mine.token, DOB)
    response = client.get(step_url(theirs.token, "about"))
    assert response.status_code == 302 and response.url == reverse("intake:link", kwargs={"token": theirs.token})


def test_a_garbage_date_of_birth_gets_a_message(client):
    _, issued = invite(date_of_birth=DOB)
    response = client.post(reverse("intake:link", kwargs={"token": issued.token}), {"date_of_birth": "<script>"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
    assert PatientLink.objects.get().failed_dob_attempts == 0


# --- The public start page -----------------------------------------------------------------------------


def _start(client, **overrides):
    data = {"first_name": "Zoë", "last_name": "Ñúñez", "email": "zoe@example.com", "date_of_birth": "1990-02-03"}
    return client.post(reverse("intake:start"), data | overrides)


def test_self_referral_answers_the_same_whether_or_not_the_email_is_known(
        client, location, django_capture_on_commit_callbacks):
    """Issue 8, item 9: every answer is one stored request; front desk decides (test_intake_requests.py)."""
    with django_capture_on_commit_callbacks(execute=True):
        first = _start(client)
        again = _start(client)
    assert first.status_code == again.status_code == 302 and first.url == again.url == reverse("intake:start_done")
    assert not Patient.objects.exists() and mail.outbox == []
    assert IntakeRequest.objects.count() == 2


@pytest.mark.parametrize("dob,message", [
    ((datetime.date.today() + datetime.timedelta(days=1)).isoformat(), "cannot be in the future"),
    ((datetime.date.today() - datetime.timedelta(days=17 * 365)).isoformat(), "18 or older"),
    ("1850-01-01", "Check the year"),
    ("31/31/2000", "Enter a valid date"),
])
def test_start_page_refuses_bad_dates_of_birth(client, location, dob, message):
    response = _start(client, date_of_birth=dob)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Patient.objects.exists()


def test_start_page_is_rate_limited(client, location, settings):
    settings.INTAKE_START_RATE_PER_HOUR = 3
    for n in range(3):
        assert _start(client, email=f"p{n}@example.com").status_code == 302
    response = _start(client, email="p9@example.com")
    assert response.status_code == 429 and "Too many tries" in response.content.decode()
    assert IntakeRequest.objects.count() == 3


def test_dob_check_is_rate_limited_per_address(client, settings):
    settings.INTAKE_DOB_RATE_PER_HOUR = 2
    _, issued = invite(date_of_birth=DOB)
    prove(client, issued.token, datetime.date(1990, 1, 1))
    prove(client, issued.token, datetime.date(1990, 1, 2))
    assert prove(client, issued.token, DOB).status_code == 429


def test_the_answer_that_locks_a_link_says_it_was_locked_and_to_call_the_clinic(client):
    """Issue 12 #8: a locked link said only "no longer active"; the answer that locks it says why and what to do
    (later visits see the page every dead link shows)."""
    _, issued = invite(date_of_birth=DOB)
    for attempt in range(1, 5):
        prove(client, issued.token, datetime.date(1990, 1, attempt))
    page = prove(client, issued.token, datetime.date(1990, 1, 5)).content.decode()
    assert "locked after too many tries" in page and "call the clinic" in page
    later = client.get(reverse("intake:link", kwargs={"token": issued.token})).content.decode()
    assert "locked" not in later

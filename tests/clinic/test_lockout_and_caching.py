"""Issue 8, items 7 and 8: the sign-in lockout behind the proxy, and no-store on every page with patient data."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our TLS proxy: the connecting address of every request


def _behind_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_five_wrong_passwords_from_one_client_behind_the_proxy_do_not_lock_out_another(settings, nurse):
    settings.CLINIC_TRUSTED_PROXY_COUNT = 1
    attacker = _behind_proxy("203.0.113.9")
    for _ in range(5):
        attacker.post(reverse("login"), {"username": "nurse@clinic.test", "password": "wrong"})
    locked = attacker.post(reverse("login"), {"username": "nurse@clinic.test", "password": TEST_PASSWORD})
    assert locked.status_code == 429  # the guessing client is locked out

    owner = _behind_proxy("198.51.100.7")
    response = owner.post(reverse("login"), {"username": "nurse@clinic.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(nurse.pk)


def test_a_forged_forwarded_for_does_not_escape_the_lockout(settings, nurse):
    """Only our proxy's entry counts: a client prepending addresses of its own is still the same client."""
    settings.CLINIC_TRUSTED_PROXY_COUNT = 1
    for forged in range(5):
        _behind_proxy(f"192.0.2.{forged}, 203.0.113.9").post(
            reverse("login"), {"username": "nurse@clinic.test", "password": "wrong"})
    response = _behind_proxy("192.0.2.77, 203.0.113.9").post(
        reverse("login"), {"username": "nurse@clinic.test", "password": TEST_PASSWORD})
    assert response.status_code == 429


# --- Item 8: Cache-Control: no-store ---

def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_with_patient_data_are_not_stored(nurse_client, prescriber_client, manager_client, patient):
    for client, url in (
        (nurse_client, reverse("patients:list")),
        (nurse_client, reverse("patients:detail", args=[patient.public_id])),
        (manager_client, reverse("audit:access_log")),
        (nurse_client, reverse("home")),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_the_printable_intake_review_is_not_stored(prescriber_client):
    from tests.factories import make_submitted_intake

    intake = make_submitted_intake()
    response = prescriber_client.get(reverse("patients:intake_review", kwargs={"public_id": intake.public_id}),
                                     {"print": "1"})
    assert response.status_code == 200
    assert _no_store(response)

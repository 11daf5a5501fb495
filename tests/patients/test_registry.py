import datetime

import pytest
from django.urls import reverse

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _form(location, **overrides):
    data = {"legal_first_name": "Zoë", "legal_last_name": "Ñúñez-O'Brien", "date_of_birth": "1990-02-03",
            "email": "zoe@example.com", "phone": "+1 555 0123", "location": location.pk}
    data.update(overrides)
    return data


def test_front_desk_registers_a_patient_with_a_unicode_name(front_desk_client, front_desk, location):
    response = front_desk_client.post(reverse("patients:create"), _form(location))
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response.url == patient.get_absolute_url()
    assert patient.legal_last_name == "Ñúñez-O'Brien"
    assert patient.created_by == front_desk


def test_a_future_date_of_birth_is_refused_and_what_was_typed_is_kept(front_desk_client, location):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = front_desk_client.post(reverse("patients:create"), _form(location, date_of_birth=future))
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert 'value="zoe@example.com"' in response.content.decode()
    assert not Patient.objects.exists()


def test_a_nurse_may_not_register_patients(nurse_client, location):
    assert nurse_client.post(reverse("patients:create"), _form(location)).status_code == 403
    assert not Patient.objects.exists()


def test_search_finds_by_part_of_a_name_and_says_when_nothing_matches(front_desk_client, location):
    PatientFactory(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    PatientFactory(location=location, legal_first_name="Jordan", legal_last_name="Lee")
    found = front_desk_client.get(reverse("patients:list"), {"q": "riv"})
    assert [p.legal_last_name for p in found.context["patients"]] == ["Rivera"]
    none = front_desk_client.get(reverse("patients:list"), {"q": "zzz"})
    assert "No patient matches" in none.content.decode()


def test_patient_pages_use_the_public_id_never_the_name_or_row_number(patient):
    url = patient.get_absolute_url()
    assert str(patient.public_id) in url
    assert patient.legal_last_name not in url
    assert f"/{patient.pk}/" not in url


def test_patient_changes_are_kept_in_history(patient):
    patient.phone = "+1 555 9999"
    patient.save()
    assert patient.events.count() == 2  # the insert and the update, by trigger


def test_a_cleared_patient_page_leads_front_desk_to_booking(front_desk_client, location):
    from tests.factories import make_cleared_patient

    patient = make_cleared_patient(location=location)
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert reverse("schedule:course", args=[patient.public_id]) in page
    assert reverse("schedule:patient_appointments", args=[patient.public_id]) in page


def test_search_tries_misspellings_only_when_no_name_matches_as_typed(location):
    from patients.selectors import patients_search

    PatientFactory(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    PatientFactory(location=location, legal_first_name="Alex", legal_last_name="Rivero")
    assert [p.legal_last_name for p in patients_search(query="rivera")] == ["Rivera"]
    assert "Rivera" in {p.legal_last_name for p in patients_search(query="Rivra")}
    assert [p.legal_last_name for p in patients_search(query="nobody-like-this")] == []

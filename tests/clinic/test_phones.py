"""One phone type (issue 12 #6): staff registration and the intake store E.164 and show the clinic's format;
"call me maybe" is refused with a clear message; stored phones that parse are normalised by a data migration
and the rest (and submitted intake answers) stay as typed."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from clinic.phones import PHONE_MESSAGE, phone_display, phone_parse
from patients.forms import PatientForm
from patients.intake_forms.history import ContactsForm
from patients.models import Patient
from tests.factories import PatientFactory, make_submitted_intake
from tests.patients.intake_helpers import STEP_POSTS

pytestmark = pytest.mark.django_db


def _registration(location, phone):
    return {"legal_first_name": "Alex", "legal_last_name": "Rivera", "date_of_birth": "1990-02-03",
            "email": "alex@example.com", "phone": phone, "location": location.pk}


def test_staff_registration_refuses_call_me_maybe_with_a_clear_message_and_keeps_the_rest(front_desk_client,
                                                                                          location):
    response = front_desk_client.post(reverse("patients:create"), _registration(location, "call me maybe"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number with its area code" in page
    assert 'value="alex@example.com"' in page
    assert not Patient.objects.exists()


def test_staff_registration_stores_e164_and_the_page_shows_the_clinic_format(front_desk_client, location):
    front_desk_client.post(reverse("patients:create"), _registration(location, "555.010.0123"))
    patient = Patient.objects.get()
    assert patient.phone == "+15550100123"
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert "(555) 010-0123" in page
    form = PatientForm(instance=patient)
    assert 'value="(555) 010-0123"' in str(form["phone"])  # a form shows it as people write it, not "+1555…"


def test_the_intake_contacts_use_the_same_phone_type():
    bad = ContactsForm(data={**STEP_POSTS["contacts"], "escort_phone": "call me maybe"})
    assert not bad.is_valid()
    assert bad.errors["escort_phone"] == [PHONE_MESSAGE]
    good = ContactsForm(data=STEP_POSTS["contacts"])
    assert good.is_valid(), good.errors
    assert good.cleaned_data["phone"] == "+15550100142"


def test_foreign_numbers_keep_their_country_and_short_numbers_are_refused():
    assert phone_parse("+44 20 7946 0018") == "+442079460018"
    assert phone_display("+442079460018") == "+44 20 7946 0018"
    with pytest.raises(ValueError):
        phone_parse("555 0123")  # no area code


def test_the_data_migration_normalises_what_parses_and_leaves_the_rest_and_frozen_answers_alone():
    parses = PatientFactory(phone="(555) 010-0142")
    legacy = PatientFactory(phone="call me maybe")
    intake = make_submitted_intake()
    answers_before = intake.answers
    migration = importlib.import_module("patients.migrations.0015_usab2_phones_e164")
    migration.phones_normalise(apps, None)
    parses.refresh_from_db()
    legacy.refresh_from_db()
    intake.refresh_from_db()
    assert parses.phone == "+15550100142"
    assert legacy.phone == "call me maybe"
    assert phone_display(legacy.phone) == "call me maybe"
    assert intake.answers == answers_before

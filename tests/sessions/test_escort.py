"""The escort's name and phone: the staff form, the patient link's form, and their refusals (CLINICAL.md §1)."""

import pytest
from django.urls import reverse

from sessions import forms
from sessions.services import appointment_link_issue

pytestmark = pytest.mark.django_db



@pytest.mark.parametrize("form_class", [forms.EscortForm, forms.PrepareForm])
@pytest.mark.parametrize(("name", "phone", "bad_field"), [
    ("x", "+1 555 010 0123", "escort_name"),
    ("42", "+1 555 010 0123", "escort_name"),
    ("Sam Rivera", "abc", "escort_phone"),
    ("Sam Rivera", "zzz", "escort_phone"),
    ("Sam Rivera", "555-01", "escort_phone"),  # too few digits
])
def test_escort_forms_refuse_a_name_or_phone_that_is_not_one(form_class, name, phone, bad_field):
    form = form_class({"escort_name": name, "escort_phone": phone, "fasting_understood": "on"})
    assert not form.is_valid()
    assert list(form.errors) == [bad_field]


@pytest.mark.parametrize("form_class", [forms.EscortForm, forms.PrepareForm])
def test_escort_forms_accept_a_real_name_and_phone(form_class):
    form = form_class({"escort_name": " Jo Ng ", "escort_phone": "+1 (555) 010-0123", "fasting_understood": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["escort_name"] == "Jo Ng"


def test_patient_link_refuses_escort_x_with_phone_abc(client, booked):
    token = appointment_link_issue(appointment=booked)
    url = reverse("appointment_link", kwargs={"token": token})
    client.post(url, {"date_of_birth": booked.patient.date_of_birth.isoformat()})
    response = client.post(url, {"escort_name": "x", "escort_phone": "abc", "fasting_understood": "on"})
    assert response.status_code == 200
    assert "at least two letters" in response.content.decode() and "phone number" in response.content.decode()
    booked.refresh_from_db()
    assert booked.escort_confirmed_at is None


def test_staff_escort_form_refuses_phone_zzz_and_says_why(front_desk_client, booked):
    response = front_desk_client.post(reverse("schedule:escort", args=[booked.public_id]),
                                      {"escort_name": "Sam Rivera", "escort_phone": "zzz"}, follow=True)
    assert "Enter a phone number" in response.content.decode()
    booked.refresh_from_db()
    assert booked.escort_confirmed_at is None


def test_after_the_escort_is_confirmed_the_box_says_so_not_no_escort(front_desk_client, booked):
    """Issue 12 #8: the box kept saying "No escort confirmed, no session" after the escort was confirmed."""
    url = reverse("schedule:appointment", args=[booked.public_id])
    assert "No escort confirmed" in front_desk_client.get(url).content.decode()
    front_desk_client.post(reverse("schedule:escort", args=[booked.public_id]),
                           {"escort_name": "Sam Rivera", "escort_phone": "+1 555 010 0123"})
    page = front_desk_client.get(url).content.decode()
    assert "No escort confirmed" not in page and "Escort confirmed" in page and "Sam Rivera" in page

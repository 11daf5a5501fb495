"""Bad input, property-based (DESIGN.md §8): the intake forms never crash and never accept the impossible."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patients.intake_forms import AboutForm, ContactsForm, StartIntakeForm, age_on

ABOUT = {"sex": "female", "height_unit": "cm", "weight_unit": "kg", "reasons": ["depression"]}


@settings(max_examples=150, deadline=None)
@given(height=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20)),
       weight=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20)))
def test_about_form_accepts_only_possible_heights_and_weights(height, weight):
    form = AboutForm(ABOUT | {"height": str(height), "weight": str(weight)})
    if form.is_valid():
        assert 100 <= form.to_answers()["height_cm"] <= 250
        assert 30 <= form.to_answers()["weight_kg"] <= 350
    else:
        assert form.errors


@pytest.mark.django_db  # the adult-age rule counts on the clinic's day: it reads the clinic's time zone
@settings(max_examples=150, deadline=None)
@given(dob=st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 1, 1)),
       name=st.text(max_size=150))
def test_start_form_refuses_future_and_under_18_dates_and_any_text_is_safe(dob, name):
    form = StartIntakeForm({"first_name": name, "last_name": "Ñúñez", "email": "a@example.com",
                            "date_of_birth": dob.isoformat()})
    if form.is_valid():
        assert age_on(dob, datetime.date.today()) >= 18 and dob.year >= 1900
    else:
        assert "date_of_birth" in form.errors or "first_name" in form.errors


@settings(max_examples=100, deadline=None)
@given(phone=st.text(max_size=40))
def test_contact_phones_are_checked(phone):
    data = {"phone": phone, "address": "x", "emergency_name": "x", "emergency_phone": "555 010 0100",
            "emergency_relationship": "x", "escort_name": "x", "escort_phone": "555 010 0100"}
    form = ContactsForm(data)
    if form.is_valid():
        assert sum(ch.isdigit() for ch in form.cleaned_data["phone"]) >= 7

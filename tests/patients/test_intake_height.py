"""Issue 12 #9: height in feet and inches, as well as one number in inches or centimetres; the stored answer
stays ``height_cm`` so screening and dosing read it unchanged."""

import datetime

import pytest

from patients.intake_forms import AboutForm
from patients.models import Intake
from patients.summary import _about_rows
from tests.patients.intake_helpers import STEP_POSTS, invite, prove, step_url

ONE_NUMBER = {k: v for k, v in STEP_POSTS["about"].items() if k not in ("height", "height_unit")}


def test_feet_and_inches_are_stored_in_centimetres():
    form = AboutForm(data=ONE_NUMBER | {"height_feet": "5", "height_inches": "6"})
    assert form.is_valid(), form.errors
    answers = form.to_answers()
    assert answers["height_cm"] == 167.6
    assert not {"height_feet", "height_inches", "height", "height_unit"} & set(answers)


def test_whole_feet_need_no_inches():
    form = AboutForm(data=ONE_NUMBER | {"height_feet": "6"})
    assert form.is_valid(), form.errors
    assert form.to_answers()["height_cm"] == 182.9


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"height_feet": "5", "height_inches": "12"}, "height_inches", "less than or equal to 11"),
    ({"height_feet": "9"}, "height_feet", "That height looks impossible"),
    ({"height_inches": "6"}, "height_feet", "Give the feet as well"),
    ({}, "height", "Please give your height"),
    ({"height_feet": "5", "height_inches": "6", "height": "170", "height_unit": "cm"}, "height",
     "Give your height one way"),
    ({"height": "170"}, "height_unit", "Choose inches or centimetres"),
])
def test_a_height_given_wrongly_gets_a_clear_message(extra, field, message):
    form = AboutForm(data=ONE_NUMBER | extra)
    assert not form.is_valid()
    assert message in " ".join(form.errors.get(field, [])), form.errors


def test_one_number_in_inches_still_works():
    form = AboutForm(data=STEP_POSTS["about"])
    assert form.is_valid(), form.errors
    assert form.to_answers()["height_cm"] == 167.6


def test_the_summary_shows_the_height_in_feet_and_inches_too():
    rows = dict(_about_rows({"sex": "female", "height_cm": 167.6, "weight_kg": 68.0}))
    assert rows["Height"] == "167.6 cm (5 ft 6 in)"


@pytest.mark.django_db
def test_the_about_step_offers_feet_and_inches_and_saves_them(client):
    dob = datetime.date(1985, 6, 15)
    patient, issued = invite(date_of_birth=dob)
    prove(client, issued.token, dob)
    page = client.get(step_url(issued.token, "about")).content.decode()
    assert 'name="height_feet"' in page and 'name="height_inches"' in page
    response = client.post(step_url(issued.token, "about"), ONE_NUMBER | {"height_feet": "5", "height_inches": "6"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Intake.objects.get(patient=patient).answers["about"]["height_cm"] == 167.6

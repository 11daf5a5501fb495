"""The registry's and a search's rows (patients/html.py ``patient_list_rows``) print what the template's loop
printed, escaping included."""

import datetime

import pytest
from django.template import Context, Template

from patients.html import patient_list_rows
from patients.models import Patient
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

# The loop the rows replace (templates/patients/patient_list.html before issue 13's change).
TEMPLATE_LOOP = """
  {% for patient in patients %}
  <tr><td><a href="{{ patient.get_absolute_url }}">{{ patient.legal_last_name }}, {{ patient.legal_first_name }}</a>{% if patient.preferred_name %} ({{ patient.preferred_name }}){% endif %}</td>
      <td>{{ patient.date_of_birth|date:"Y-m-d" }}</td><td>{{ patient.location }}</td></tr>
  {% endfor %}
  """  # noqa: E501 (the template's own lines)


def test_the_rows_are_the_loops_markup_with_every_value_escaped():
    location = LocationFactory(name="North & <South>")
    PatientFactory(location=location, legal_first_name="Zoë & Co", legal_last_name="O'Brien <b>",
                   preferred_name='"Zo"', date_of_birth=datetime.date(1961, 2, 3))
    PatientFactory(location=location, legal_first_name="Ana", legal_last_name="Plain", preferred_name="",
                   date_of_birth=datetime.date(2001, 12, 31))
    patients = list(Patient.objects.select_related("location").order_by("id"))
    expected = Template(TEMPLATE_LOOP).render(Context({"patients": patients}))
    assert "\n  " + patient_list_rows(patients) + "\n  " == expected  # the loop's own lines around the rows
    assert "&lt;b&gt;" in expected and "&quot;Zo&quot;" in expected  # the escaping is under test too


def test_no_patients_no_rows():
    assert patient_list_rows([]) == ""

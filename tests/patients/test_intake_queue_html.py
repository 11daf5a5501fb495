"""The intake queue's rows (patients/html.py) print what the template's loop printed, escaping included."""

import datetime

import pytest
import time_machine
from django.template import Context, Template

from patients.html import intake_queue_rows
from patients.models import Intake, IntakeStatus
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

# The loop the rows replace (templates/patients/intake_list.html before issue 13's change), with the two links
# the view puts on each intake.
TEMPLATE_LOOP = """{% load local_time %}  {% with clinician=clinician %}
  {% for intake in intakes %}
  {# The urgent flag comes from clinical answers: clinicians only (DESIGN.md §1: front desk sees status). #}
  <tr{% if clinician and intake.is_urgent %} class="urgent-row"{% endif %}>
    <td><a href="{{ intake.patient_url }}">{{ intake.patient.legal_last_name }}, {{ intake.patient.legal_first_name }}</a>
      {% if clinician and intake.is_urgent %}<span class="badge text-bg-danger ms-1">Urgent: {{ intake.urgent_label }}</span>
      <span class="small text-body-secondary d-block">{% if intake.urgent_notified_at %}On-call e-mailed {{ intake.urgent_notified_at|local:intake.patient.location }}{% else %}On-call e-mail not sent: phone on-call{% endif %}</span>{% endif %}</td>
    <td>{{ intake.get_status_display }}</td>
    {# A decided intake is not waiting for anyone: its age would read as a backlog. #}
    <td>{% if intake.status == "approved" or intake.status == "declined" %}Decided {{ intake.status_changed_at|local_date:intake.patient.location }}{% else %}{{ intake.status_changed_at|timesince }}{% endif %}</td>
    <td>{{ intake.patient.location }}</td>
    <td>{% if clinician and intake.submitted_at or clinician and intake.urgent_at %}<a class="btn btn-sm {% if intake.is_urgent %}btn-danger{% else %}btn-outline-primary{% endif %}" href="{{ intake.review_url }}">{% if intake.submitted_at %}Review{% else %}Open answers so far{% endif %}<span class="visually-hidden"> intake of {{ intake.patient.full_name }}</span></a>{% endif %}</td>
  </tr>
  {% endfor %}
  {% endwith %}
"""


def _intakes():
    location = LocationFactory(name="North & <South>", time_zone="America/Chicago")
    now = datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.UTC)

    def make(status, last="O'Brien <b>", **fields):
        patient = PatientFactory(location=location, legal_first_name="Zoë & Co", legal_last_name=last)
        intake = Intake.objects.create(patient=patient, status=status, **fields)
        Intake.objects.filter(pk=intake.pk).update(status_changed_at=now - datetime.timedelta(hours=30))
        intake.refresh_from_db()
        intake.patient_url, intake.review_url = f"/p/{patient.public_id}/", f"/i/{intake.public_id}/?a=1&b=2"
        return intake

    return [
        make(IntakeStatus.SUBMITTED, submitted_at=now),
        make(IntakeStatus.NEEDS_INFO, submitted_at=now, last="Plain"),
        make(IntakeStatus.IN_PROGRESS, urgent_at=now, urgent_reasons=["PHQ-9 item 9: thoughts of self-harm"]),
        make(IntakeStatus.SUBMITTED, submitted_at=now, urgent_at=now, urgent_notified_at=now,
             urgent_reasons=["C-SSRS: high risk"]),
        make(IntakeStatus.APPROVED, submitted_at=now),
        make(IntakeStatus.DECLINED, submitted_at=now),
        make(IntakeStatus.INVITED),
    ]


@pytest.mark.parametrize("clinician", [True, False])
def test_the_rows_are_the_loops_markup_for_clinicians_and_front_desk(clinician):
    from patients.models.intake import URGENT_IMMEDIATE_PREFIX

    intakes = _intakes()
    intakes[3].urgent_reasons = [f"{URGENT_IMMEDIATE_PREFIX} high risk"]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 16, 0, tzinfo=datetime.UTC), tick=False):
        rows = intake_queue_rows(intakes, clinician=clinician)
        loop = Template(TEMPLATE_LOOP).render(Context({"intakes": intakes, "clinician": clinician}))
    assert loop == "  \n  " + rows + "\n  \n"  # the loop's own lines (with, for, endfor) around the rows
    assert "&lt;b&gt;" in rows and "Zoë &amp; Co" in rows and "North &amp; &lt;South&gt;" in rows
    assert ("Urgent" in rows) is clinician and ("btn-outline-primary" in rows) is clinician

"""The interface scheduling (sessions/) depends on: booking_blockers and current_treatment_plan."""

import datetime

import pytest

from patients.models import Route, TreatmentPlan
from patients.selectors import booking_blockers, current_treatment_plan
from patients.services import consent_document_publish, intake_decide, rems_enrollment_record
from tests.factories import make_cleared_patient, make_submitted_intake

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["iv", "im", "intranasal"])
def test_a_cleared_patient_has_no_blockers_and_a_plan(route):
    patient = make_cleared_patient(route=route, number_of_sessions=8)
    assert booking_blockers(patient=patient, route=route) == []
    plan = current_treatment_plan(patient=patient)
    assert plan.route == route and plan.number_of_sessions == 8
    assert (plan.target_dose_mg_per_kg is None) == (route == Route.INTRANASAL)


def test_a_submitted_but_undecided_intake_blocks_booking():
    intake = make_submitted_intake()
    blockers = booking_blockers(patient=intake.patient, route="iv")
    assert len(blockers) == 1 and blockers[0].startswith("Intake not approved by a prescriber")
    assert current_treatment_plan(patient=intake.patient) is None


def test_a_new_consent_version_blocks_until_the_patient_signs_again(manager):
    patient = make_cleared_patient()
    consent_document_publish(title="Consent v2", body="New text", published_by=manager)
    blockers = booking_blockers(patient=patient, route="iv")
    assert len(blockers) == 1 and blockers[0].startswith("Consent not current")


def test_esketamine_needs_a_rems_enrolment(prescriber):
    patient = make_cleared_patient(route="intranasal")
    # make_cleared_patient recorded one; a patient approved for intranasal without it is blocked
    other = make_submitted_intake().patient
    intake = other.intakes.get()
    intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                  plan={"route": "intranasal", "protocol_name": "Spravato", "number_of_sessions": 8,
                        "esketamine_dose_mg": 56})
    assert booking_blockers(patient=patient, route="intranasal") == []
    blockers = booking_blockers(patient=other, route="intranasal")
    assert len(blockers) == 1 and "REMS" in blockers[0]
    rems_enrollment_record(patient=other, enrolled_on=datetime.date.today() - datetime.timedelta(days=1),
                           recorded_by=prescriber)
    assert booking_blockers(patient=other, route="intranasal") == []


def test_booking_a_route_other_than_the_plan_is_blocked():
    patient = make_cleared_patient(route="iv")
    blockers = booking_blockers(patient=patient, route="im")
    assert len(blockers) == 1 and "IV infusion" in blockers[0]


def test_a_later_decline_takes_the_plan_out_of_force(prescriber):
    patient = make_cleared_patient()
    intake = patient.intakes.get()
    intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="New cardiac history")
    assert current_treatment_plan(patient=patient) is None
    assert booking_blockers(patient=patient, route="iv")[0].startswith("Intake not approved")
    assert TreatmentPlan.objects.filter(patient=patient).count() == 1  # kept, never deleted


def test_seed_demo_makes_patients_in_each_intake_state_and_is_idempotent(capsys):
    from django.core.management import call_command

    from patients.models import Intake, IntakeDecision, Patient

    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "Intake link for Alex Rivera" in first
    call_command("seed_demo")
    assert "Intake link" not in capsys.readouterr().out
    statuses = dict(Intake.objects.values_list("patient__legal_last_name", "status"))
    assert statuses == {"Rivera": "invited", "Lee": "submitted", "Okafor": "approved", "Morgan": "submitted",
                        "Chen": "approved", "Brooks": "approved", "Patel": "approved"}
    assert Intake.objects.get(patient__legal_last_name="Morgan").is_urgent
    assert IntakeDecision.objects.count() == 4  # Brooks and Patel have the demo session records
    assert booking_blockers(patient=Patient.objects.get(legal_last_name="Okafor"), route="iv") == []

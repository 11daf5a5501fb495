"""Rules PostgreSQL enforces for the intake (DESIGN.md §4): each one broken directly, each refused."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from patients.models import (
    Assessment,
    ConsentDocument,
    ConsentSignature,
    Intake,
    IntakeDecision,
    PatientLink,
    RateLimitCounter,
    RemsEnrollment,
    TreatmentPlan,
)
from patients.services import intake_decide
from tests.db_rules import execute, raises_db_rule
from tests.factories import PatientFactory, make_cleared_patient, make_submitted_intake

pytestmark = pytest.mark.django_db


def _refused(rule: str, action) -> None:
    """``action`` is refused by PostgreSQL's ``rule`` (a constraint or trigger name), not by anything else."""
    with raises_db_rule(rule):
        action()


def test_a_submitted_intakes_answers_cannot_change_even_with_raw_sql():
    intake = make_submitted_intake()
    _refused("intake_submitted_answers_frozen", lambda: Intake.objects.filter(pk=intake.pk).update(answers={}))
    _refused("intake_submitted_answers_frozen",
             lambda: execute("UPDATE patients_intake SET answers = '{}'::jsonb WHERE id = %s", [intake.pk]))
    # The status may still move (a prescriber's decision) without touching the answers.
    Intake.objects.filter(pk=intake.pk).update(status="approved")


def test_an_intake_is_never_deleted():
    """Raw SQL: through the ORM, Django's ``on_delete=PROTECT`` (the intake's links, answers' assessments)
    would refuse before PostgreSQL is asked, and the test would pass without the trigger."""
    intake = make_submitted_intake()
    _refused("intake_never_deleted", lambda: execute("DELETE FROM patients_intake WHERE id = %s", [intake.pk]))
    bare = Intake.objects.create(patient=PatientFactory())  # nothing PROTECTs it: the trigger alone refuses
    _refused("intake_never_deleted", lambda: Intake.objects.filter(pk=bare.pk).delete())


def test_a_decided_intake_must_have_been_submitted():
    _refused("intake_decided_was_submitted",
             lambda: Intake.objects.create(patient=PatientFactory(), status="approved"))


def test_status_accepts_only_its_choices():
    _refused("intake_status_valid", lambda: Intake.objects.create(patient=PatientFactory(), status="bogus"))


@pytest.mark.parametrize("new", ["approved", "declined", "in_progress"])
def test_postgresql_refuses_an_intake_status_move_the_transition_map_does_not_allow(new):
    """From "needs information" only a resubmission may follow (INTAKE_TRANSITIONS); raw SQL is refused."""
    intake = make_submitted_intake()
    Intake.objects.filter(pk=intake.pk).update(status="needs_info")

    with raises_db_rule("intake_status_transition") as refused:
        execute("UPDATE patients_intake SET status = %s WHERE id = %s", [new, intake.pk])
    assert "cannot move from needs_info" in str(refused.value)
    assert Intake.objects.get(pk=intake.pk).status == "needs_info"


def test_decisions_are_append_only(prescriber):
    patient = make_cleared_patient()
    decision = IntakeDecision.objects.get(intake__patient=patient)
    _refused("decision_append_only", lambda: IntakeDecision.objects.filter(pk=decision.pk).update(kind="decline"))
    # Raw SQL: the ORM's delete would be stopped by PROTECT (the plan points at the decision) first.
    _refused("decision_append_only",
             lambda: execute("DELETE FROM patients_intakedecision WHERE id = %s", [decision.pk]))
    _refused("plan_append_only",
             lambda: TreatmentPlan.objects.filter(patient=patient).update(number_of_sessions=40))
    _refused("plan_append_only", lambda: execute("DELETE FROM patients_treatmentplan WHERE patient_id = %s",
                                                 [patient.pk]))


def test_a_decline_without_a_reason_is_refused_by_the_database(prescriber):
    intake = make_submitted_intake()
    _refused("decision_needs_message_or_reason",
             lambda: IntakeDecision.objects.create(intake=intake, kind="decline", message="", decided_by=prescriber))


@pytest.mark.parametrize("route,dose", [("iv", None), ("iv", "0"), ("im", "3.5"), ("intranasal", "0.5")])
def test_plan_dose_must_match_the_route(prescriber, route, dose):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    # With a written reason, so that the cap-without-reason rule does not answer for this one.
    _refused("plan_dose_matches_route",
             lambda: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route=route,
                                                  protocol_name="x", target_dose_mg_per_kg=dose,
                                                  number_of_sessions=6, dose_override_reason="Titrated"))


def test_plan_sessions_and_route_are_bounded(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    _refused("plan_route_valid",
             lambda: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="oral",
                                                  protocol_name="x", target_dose_mg_per_kg="0.5",
                                                  dose_override_reason="Reviewed", number_of_sessions=6))
    for sessions in (0, 99):
        _refused("plan_sessions_in_range",
                 lambda n=sessions: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv",
                                                                 protocol_name="x", target_dose_mg_per_kg="0.5",
                                                                 number_of_sessions=n))


@pytest.mark.parametrize("instrument,total,band", [("phq9", 28, "severe"), ("gad7", 22, "severe"),
                                                   ("pcl5", 81, "probable_ptsd"), ("cssrs", 3, "high"),
                                                   ("cssrs", None, "extreme"), ("bdi", 10, "x")])
def test_assessment_totals_stay_within_each_instruments_range(instrument, total, band):
    patient = PatientFactory()
    rule = "assessment_instrument_valid" if instrument == "bdi" else "assessment_total_in_range"
    _refused(rule, lambda: Assessment.objects.create(patient=patient, instrument=instrument, source="intake",
                                                     answers={}, total=total, band=band, band_label=band))


def test_assessments_signatures_consent_versions_and_rems_are_append_only(prescriber):
    patient = make_cleared_patient(route="intranasal")
    _refused("assessment_append_only", lambda: Assessment.objects.filter(patient=patient).update(total=0))
    _refused("assessment_append_only",
             lambda: execute("DELETE FROM patients_assessment WHERE patient_id = %s", [patient.pk]))
    _refused("signature_append_only",
             lambda: ConsentSignature.objects.filter(patient=patient).update(typed_name="Someone else"))
    _refused("signature_append_only",
             lambda: execute("DELETE FROM patients_consentsignature WHERE patient_id = %s", [patient.pk]))
    _refused("consent_append_only", lambda: ConsentDocument.objects.update(body="Changed after signing"))
    _refused("consent_append_only", lambda: execute("DELETE FROM patients_consentdocument"))
    _refused("rems_append_only", lambda: RemsEnrollment.objects.filter(patient=patient).delete())
    _refused("rems_append_only", lambda: RemsEnrollment.objects.filter(patient=patient).update(rems_patient_id="X"))
    _refused("signature_has_name",
             lambda: ConsentSignature.objects.create(patient=patient, document=ConsentDocument.objects.get(),
                                                     typed_name="   "))


def test_links_store_a_sha256_and_expire_after_creation():
    intake = Intake.objects.create(patient=PatientFactory())
    now = timezone.now()
    _refused("link_hash_is_sha256",
             lambda: PatientLink.objects.create(intake=intake, token_hash="raw-token-not-a-hash", expires_at=now
                                                + datetime.timedelta(days=1)))
    _refused("link_expires_after_created",
             lambda: PatientLink.objects.create(intake=intake, token_hash="a" * 64, created_at=now,
                                                expires_at=now - datetime.timedelta(days=1)))


def test_rate_limit_counts_are_unique_per_key_and_window():
    now = timezone.now()
    RateLimitCounter.objects.create(key="k", window_start=now, hits=1)
    _refused("ratelimit_key_window", lambda: RateLimitCounter.objects.create(key="k", window_start=now, hits=1))


def test_intake_changes_are_kept_in_history():
    intake = make_submitted_intake()
    assert intake.events.count() >= 10  # one row per saved step, submission included


def test_an_intake_has_one_live_link_per_purpose():
    intake = Intake.objects.create(patient=PatientFactory())
    now = timezone.now()
    later = now + datetime.timedelta(days=1)
    PatientLink.objects.create(intake=intake, purpose="intake", token_hash="a" * 64, expires_at=later)
    _refused("link_one_live_per_intake_purpose",
             lambda: PatientLink.objects.create(intake=intake, purpose="intake", token_hash="b" * 64,
                                                expires_at=later))
    PatientLink.objects.create(intake=intake, purpose="consent", token_hash="c" * 64, expires_at=later)
    # Once the first is revoked (or used) a new one may be issued, and the old one cannot come back to life.
    PatientLink.objects.filter(token_hash="a" * 64).update(revoked_at=now)
    PatientLink.objects.create(intake=intake, purpose="intake", token_hash="d" * 64, expires_at=later)
    _refused("link_one_live_per_intake_purpose",
             lambda: PatientLink.objects.filter(token_hash="a" * 64).update(revoked_at=None))


def test_link_purpose_accepts_only_its_choices():
    intake = Intake.objects.create(patient=PatientFactory())
    _refused("link_purpose_valid",
             lambda: PatientLink.objects.create(intake=intake, purpose="appointment", token_hash="e" * 64,
                                                expires_at=timezone.now() + datetime.timedelta(days=1)))


def test_an_intake_signs_each_consent_version_only_once():
    intake = make_submitted_intake()
    signature = intake.signatures.get()
    _refused("signature_once_per_intake_version",
             lambda: ConsentSignature.objects.create(patient=intake.patient, document=signature.document,
                                                     intake=intake, typed_name="Signed again"))


def test_an_urgent_acknowledgement_needs_an_urgent_flag(prescriber):
    intake = Intake.objects.create(patient=PatientFactory())
    _refused("intake_ack_needs_urgent",
             lambda: Intake.objects.filter(pk=intake.pk).update(urgent_acknowledged_at=timezone.now()))
    Intake.objects.filter(pk=intake.pk).update(urgent_at=timezone.now(), urgent_acknowledged_at=timezone.now())


@pytest.mark.parametrize("dose,reason", [("1.01", ""), ("2.00", "   "), ("1.50", "\n\t")])
def test_a_dose_above_1_mg_per_kg_without_a_written_reason_is_refused_by_the_database(prescriber, dose, reason):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")

    def plan(**fields):
        return TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv", protocol_name="x",
                                            number_of_sessions=6, **fields)

    _refused("plan_dose_above_cap_has_reason", lambda: plan(target_dose_mg_per_kg=dose, dose_override_reason=reason))
    with transaction.atomic():
        plan(target_dose_mg_per_kg=dose, dose_override_reason="Titrated after partial response")
    assert TreatmentPlan.objects.get().dose_override_reason.startswith("Titrated")


def test_a_dose_at_or_under_1_mg_per_kg_needs_no_reason(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv", protocol_name="x",
                                 number_of_sessions=6, target_dose_mg_per_kg="1.00")

"""Rules PostgreSQL enforces for the intake (DESIGN.md §4): each one broken directly, each refused."""

import datetime

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
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
from tests.factories import PatientFactory, make_cleared_patient, make_submitted_intake

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, InternalError)


def _refused(action, reason: str = ""):
    with pytest.raises(REFUSED) as refused, transaction.atomic():
        action()
    assert reason in str(refused.value)


def test_a_submitted_intakes_answers_cannot_change_even_with_raw_sql():
    intake = make_submitted_intake()
    _refused(lambda: Intake.objects.filter(pk=intake.pk).update(answers={}))

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE patients_intake SET answers = '{}'::jsonb WHERE id = %s", [intake.pk])

    _refused(raw)
    # The status may still move (a prescriber's decision) without touching the answers.
    Intake.objects.filter(pk=intake.pk).update(status="approved")


def test_an_intake_is_never_deleted():
    intake = make_submitted_intake()
    _refused(lambda: Intake.objects.filter(pk=intake.pk).delete())


def test_a_decided_intake_must_have_been_submitted():
    _refused(lambda: Intake.objects.create(patient=PatientFactory(), status="approved"),
             "intake_decided_was_submitted")


def test_status_accepts_only_its_choices():
    _refused(lambda: Intake.objects.create(patient=PatientFactory(), status="bogus"), "intake_status_valid")


@pytest.mark.parametrize("new", ["approved", "declined", "in_progress"])
def test_postgresql_refuses_an_intake_status_move_the_transition_map_does_not_allow(new):
    """From "needs information" only a resubmission may follow (INTAKE_TRANSITIONS); raw SQL is refused."""
    intake = make_submitted_intake()
    Intake.objects.filter(pk=intake.pk).update(status="needs_info")

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE patients_intake SET status = %s WHERE id = %s", [new, intake.pk])

    _refused(raw, "cannot move from needs_info")
    assert Intake.objects.get(pk=intake.pk).status == "needs_info"


def test_decisions_are_append_only(prescriber):
    patient = make_cleared_patient()
    decision = IntakeDecision.objects.get(intake__patient=patient)
    _refused(lambda: IntakeDecision.objects.filter(pk=decision.pk).update(kind="decline"))
    _refused(lambda: IntakeDecision.objects.filter(pk=decision.pk).delete())
    _refused(lambda: TreatmentPlan.objects.filter(patient=patient).update(number_of_sessions=40))


def test_a_decline_without_a_reason_is_refused_by_the_database(prescriber):
    intake = make_submitted_intake()
    _refused(lambda: IntakeDecision.objects.create(intake=intake, kind="decline", message="", decided_by=prescriber))


@pytest.mark.parametrize("route,dose", [("iv", None), ("iv", "0"), ("im", "3.5"), ("intranasal", "0.5")])
def test_plan_dose_must_match_the_route(prescriber, route, dose):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    _refused(lambda: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route=route,
                                                  protocol_name="x", target_dose_mg_per_kg=dose,
                                                  number_of_sessions=6))


def test_plan_sessions_and_route_are_bounded(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    _refused(lambda: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="oral",
                                                  protocol_name="x", target_dose_mg_per_kg="0.5",
                                                  number_of_sessions=6))
    _refused(lambda: TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv",
                                                  protocol_name="x", target_dose_mg_per_kg="0.5",
                                                  number_of_sessions=0))


@pytest.mark.parametrize("instrument,total,band", [("phq9", 28, "severe"), ("gad7", 22, "severe"),
                                                   ("pcl5", 81, "probable_ptsd"), ("cssrs", 3, "high"),
                                                   ("cssrs", None, "extreme"), ("bdi", 10, "x")])
def test_assessment_totals_stay_within_each_instruments_range(instrument, total, band):
    patient = PatientFactory()
    _refused(lambda: Assessment.objects.create(patient=patient, instrument=instrument, source="intake", answers={},
                                               total=total, band=band, band_label=band))


def test_assessments_signatures_consent_versions_and_rems_are_append_only(prescriber):
    patient = make_cleared_patient(route="intranasal")
    _refused(lambda: Assessment.objects.filter(patient=patient).update(total=0))
    _refused(lambda: ConsentSignature.objects.filter(patient=patient).update(typed_name="Someone else"))
    _refused(lambda: ConsentDocument.objects.update(body="Changed after signing"))
    _refused(lambda: RemsEnrollment.objects.filter(patient=patient).delete())
    _refused(lambda: ConsentSignature.objects.create(patient=patient, document=ConsentDocument.objects.get(),
                                                     typed_name="   "))


def test_links_store_a_sha256_and_expire_after_creation():
    intake = Intake.objects.create(patient=PatientFactory())
    now = timezone.now()
    _refused(lambda: PatientLink.objects.create(intake=intake, token_hash="raw-token-not-a-hash", expires_at=now
                                                + datetime.timedelta(days=1)))
    _refused(lambda: PatientLink.objects.create(intake=intake, token_hash="a" * 64, created_at=now,
                                                expires_at=now - datetime.timedelta(days=1)))


def test_rate_limit_counts_are_unique_per_key_and_window():
    now = timezone.now()
    RateLimitCounter.objects.create(key="k", window_start=now, hits=1)
    _refused(lambda: RateLimitCounter.objects.create(key="k", window_start=now, hits=1))


def test_intake_changes_are_kept_in_history():
    intake = make_submitted_intake()
    assert intake.events.count() >= 10  # one row per saved step, submission included


def test_an_intake_has_one_live_link_per_purpose():
    intake = Intake.objects.create(patient=PatientFactory())
    now = timezone.now()
    later = now + datetime.timedelta(days=1)
    PatientLink.objects.create(intake=intake, purpose="intake", token_hash="a" * 64, expires_at=later)
    _refused(lambda: PatientLink.objects.create(intake=intake, purpose="intake", token_hash="b" * 64,
                                                expires_at=later))
    PatientLink.objects.create(intake=intake, purpose="consent", token_hash="c" * 64, expires_at=later)
    # Once the first is revoked (or used) a new one may be issued, and the old one cannot come back to life.
    PatientLink.objects.filter(token_hash="a" * 64).update(revoked_at=now)
    PatientLink.objects.create(intake=intake, purpose="intake", token_hash="d" * 64, expires_at=later)
    _refused(lambda: PatientLink.objects.filter(token_hash="a" * 64).update(revoked_at=None))


def test_link_purpose_accepts_only_its_choices():
    intake = Intake.objects.create(patient=PatientFactory())
    _refused(lambda: PatientLink.objects.create(intake=intake, purpose="appointment", token_hash="e" * 64,
                                                expires_at=timezone.now() + datetime.timedelta(days=1)))


def test_an_intake_signs_each_consent_version_only_once():
    intake = make_submitted_intake()
    signature = intake.signatures.get()
    _refused(lambda: ConsentSignature.objects.create(patient=intake.patient, document=signature.document,
                                                     intake=intake, typed_name="Signed again"))


def test_an_urgent_acknowledgement_needs_an_urgent_flag(prescriber):
    intake = Intake.objects.create(patient=PatientFactory())
    _refused(lambda: Intake.objects.filter(pk=intake.pk).update(urgent_acknowledged_at=timezone.now()))
    Intake.objects.filter(pk=intake.pk).update(urgent_at=timezone.now(), urgent_acknowledged_at=timezone.now())


@pytest.mark.parametrize("dose,reason", [("1.01", ""), ("2.00", "   "), ("1.50", "\n\t")])
def test_a_dose_above_1_mg_per_kg_without_a_written_reason_is_refused_by_the_database(prescriber, dose, reason):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")

    def plan(**fields):
        return TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv", protocol_name="x",
                                            number_of_sessions=6, **fields)

    _refused(lambda: plan(target_dose_mg_per_kg=dose, dose_override_reason=reason))
    with transaction.atomic():
        plan(target_dose_mg_per_kg=dose, dose_override_reason="Titrated after partial response")
    assert TreatmentPlan.objects.get().dose_override_reason.startswith("Titrated")


def test_a_dose_at_or_under_1_mg_per_kg_needs_no_reason(prescriber):
    intake = make_submitted_intake()
    decision = intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Not a candidate now.")
    TreatmentPlan.objects.create(decision=decision, patient=intake.patient, route="iv", protocol_name="x",
                                 number_of_sessions=6, target_dose_mg_per_kg="1.00")

"""Issue 8, item 4: "append-only, not even with SQL" holds against the app's own database role.

Every statement here is raw SQL on the test's connection, which is the app's role (tests/conftest.py): no
superuser, owns nothing. ``SET LOCAL pgtrigger.ignore`` switches pgtrigger's triggers off; the ``sql_…``
triggers made in raw-SQL migrations still refuse, and name themselves.
"""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from clinic.audit.models import AccessEvent
from patients.models import Assessment, ConsentSignature, Intake, IntakeDecision, TreatmentPlan
from tests.db_roles import as_owner
from tests.factories import make_cleared_patient, make_submitted_intake

pytestmark = pytest.mark.django_db

def _sql(statement, params=None, *, skip_pgtrigger=True):
    """Run one statement as the app, inside a savepoint; returns the error it raised (or None)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if skip_pgtrigger:  # the attack: switch off every pgtrigger trigger for this transaction
                cursor.execute("SELECT set_config('pgtrigger.ignore', array_agg(tgname)::text, true) "
                               "FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%'")
            cursor.execute(statement, params)
    except DatabaseError as error:
        return error
    return None


def _refused(statement, params=None, *, by: str):
    error = _sql(statement, params)
    assert error is not None, f"{statement} went through"
    assert getattr(error.__cause__, "diag", None) and error.__cause__.diag.constraint_name == by, str(error)


def test_the_app_connects_as_a_role_that_is_no_superuser_and_owns_no_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cursor.fetchone()[0] == 0


@pytest.fixture
def record(prescriber):
    patient = make_cleared_patient()
    return {
        "audit_accessevent": AccessEvent.objects.create(actor_label="x", object_type="test").pk,
        "patients_intakedecision": IntakeDecision.objects.filter(intake__patient=patient).first().pk,
        "patients_treatmentplan": TreatmentPlan.objects.filter(patient=patient).first().pk,
        "patients_consentsignature": ConsentSignature.objects.filter(patient=patient).first().pk,
        "patients_assessment": Assessment.objects.filter(intake__patient=patient).first().pk,
    }


@pytest.mark.parametrize("table", ["audit_accessevent", "patients_intakedecision", "patients_treatmentplan",
                                   "patients_consentsignature", "patients_assessment"])
def test_append_only_rows_cannot_be_deleted_or_updated_even_with_pgtrigger_ignore(record, table):
    pk = record[table]
    _refused(f"DELETE FROM {table} WHERE id = %s", [pk], by=f"sql_{table}_append_only")  # noqa: S608
    _refused(f"UPDATE {table} SET id = id WHERE id = %s", [pk], by=f"sql_{table}_append_only")  # noqa: S608


@pytest.mark.parametrize("table", ["audit_accessevent", "patients_intakedecision", "patients_consentsignature",
                                   "patients_patientevent", "patients_intakeevent", "patients_patient",
                                   "clinic_sessions_appointment"])
def test_truncate_is_refused_to_the_app(table):
    assert _sql(f"TRUNCATE {table} CASCADE") is not None


def test_the_truncate_trigger_holds_even_if_the_app_were_granted_truncate():
    """Privileges can be granted by mistake; the trigger refuses whoever is not the table's owner."""
    as_owner("GRANT TRUNCATE ON audit_accessevent TO {}")
    try:
        _refused("TRUNCATE audit_accessevent", by="sql_audit_accessevent_no_truncate")
    finally:
        as_owner("REVOKE TRUNCATE ON audit_accessevent FROM {}")


def test_change_history_cannot_be_rewritten(patient):
    patient.preferred_name = "Changed"
    patient.save()
    _refused("UPDATE patients_patientevent SET legal_first_name = 'Forged'", by="sql_patients_patientevent_append_only")
    _refused("DELETE FROM patients_patientevent", by="sql_patients_patientevent_append_only")


def test_clinical_rows_cannot_be_hard_deleted(patient):
    cleared = make_cleared_patient()
    _refused("DELETE FROM patients_patient WHERE id = %s", [patient.pk], by="sql_patients_patient_no_delete")
    _refused("DELETE FROM patients_intake WHERE patient_id = %s", [cleared.pk], by="sql_patients_intake_no_delete")


def test_a_submitted_intakes_answers_cannot_be_changed_with_sql():
    make_submitted_intake()
    intake = Intake.objects.get(status="submitted")
    _refused("UPDATE patients_intake SET answers = '{}'::jsonb WHERE id = %s", [intake.pk],
             by="sql_intake_answers_frozen")


def test_an_approval_cannot_be_inserted_for_an_intake_that_is_not_submitted(prescriber, patient):
    intake = Intake.objects.create(patient=patient)
    error = _sql("INSERT INTO patients_intakedecision (public_id, intake_id, kind, message, sections, decided_by_id,"
                 " decided_at) VALUES (gen_random_uuid(), %s, 'approve', '', '[]', %s, now())",
                 [intake.pk, prescriber.pk], skip_pgtrigger=False)
    assert error is not None and error.__cause__.diag.constraint_name == "sql_decision_approve_needs_submitted_intake"


def test_an_approval_cannot_be_signed_by_someone_without_the_prescriber_role(nurse):
    make_submitted_intake()
    intake = Intake.objects.get(status="submitted")
    error = _sql("INSERT INTO patients_intakedecision (public_id, intake_id, kind, message, sections, decided_by_id,"
                 " decided_at) VALUES (gen_random_uuid(), %s, 'approve', '', '[]', %s, now())",
                 [intake.pk, nurse.pk], skip_pgtrigger=False)
    assert error is not None and error.__cause__.diag.constraint_name == "sql_decision_approve_needs_prescriber"

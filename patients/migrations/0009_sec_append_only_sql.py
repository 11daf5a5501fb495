"""Issue 8, item 4: the patients app's append-only and never-deleted rules, against any SQL the app's role may
send (clinic/db.py); the frozen answers of a submitted intake; and an approval only for a submitted intake,
signed by a prescriber."""

from django.db import migrations

from clinic.db import APPEND_ONLY, NEVER_DELETED, PROTECT_FUNCTIONS, protect_operation

SIGNED = "a signed record is append-only; a change of mind is a new row"
# patients.models.intake.LOCKED_STATUSES at the time of writing: an intake the patient has sent.
SUBMITTED = "('submitted', 'approved', 'declined')"


def _tables(apps, quote):
    user = apps.get_model("accounts", "User")
    return {
        "intake": quote(apps.get_model("patients", "Intake")._meta.db_table),
        "decision": quote(apps.get_model("patients", "IntakeDecision")._meta.db_table),
        "user": quote(user._meta.db_table),
        "user_groups": quote(user._meta.get_field("groups").remote_field.through._meta.db_table),
        "group": quote(apps.get_model("auth", "Group")._meta.db_table),
    }


def rules_create(apps, schema_editor):
    t = _tables(apps, schema_editor.connection.ops.quote_name)
    for statement in (
        PROTECT_FUNCTIONS,
        f"""CREATE TRIGGER sql_intake_answers_frozen BEFORE UPDATE ON {t['intake']} FOR EACH ROW
            WHEN (OLD.status IN {SUBMITTED}
                  AND (OLD.answers IS DISTINCT FROM NEW.answers OR OLD.drafts IS DISTINCT FROM NEW.drafts))
            EXECUTE FUNCTION clinic_refuse_row_change('sql_intake_answers_frozen',
                                                      'a submitted intake''s answers never change')""",
        f"""CREATE OR REPLACE FUNCTION patients_decision_approve_check() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM {t['intake']} WHERE id = NEW.intake_id AND status IN {SUBMITTED}) THEN
                RAISE EXCEPTION 'an approval needs an intake the patient has submitted'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'sql_decision_approve_needs_submitted_intake';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM {t['user_groups']} ug JOIN {t['group']} g ON g.id = ug.group_id
                           JOIN {t['user']} u ON u.id = ug.user_id
                           WHERE ug.user_id = NEW.decided_by_id AND g.name = 'prescriber' AND u.is_active) THEN
                RAISE EXCEPTION 'an approval is signed by an active prescriber'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'sql_decision_approve_needs_prescriber';
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER sql_decision_approve_check BEFORE INSERT ON {t['decision']} FOR EACH ROW
            WHEN (NEW.kind = 'approve') EXECUTE FUNCTION patients_decision_approve_check()""",
    ):
        schema_editor.execute(statement, params=None)


def rules_drop(apps, schema_editor):
    t = _tables(apps, schema_editor.connection.ops.quote_name)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS sql_intake_answers_frozen ON {t['intake']}", params=None)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS sql_decision_approve_check ON {t['decision']}", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS patients_decision_approve_check()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0008_intake_status_transition_trigger"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [
        protect_operation({
            ("patients", "IntakeDecision"): (APPEND_ONLY, SIGNED),
            ("patients", "Assessment"): (APPEND_ONLY, "scores are kept as computed"),
            ("patients", "TreatmentPlan"): (APPEND_ONLY, SIGNED),
            ("patients", "RemsEnrollment"): (APPEND_ONLY, SIGNED),
            ("patients", "ConsentDocument"): (APPEND_ONLY, "a published consent version never changes"),
            ("patients", "ConsentSignature"): (APPEND_ONLY, SIGNED),
            ("patients", "PatientEvent"): (APPEND_ONLY, "change history is append-only"),
            ("patients", "IntakeEvent"): (APPEND_ONLY, "change history is append-only"),
            ("patients", "Patient"): (NEVER_DELETED, "nothing clinical is deleted"),
            ("patients", "Intake"): (NEVER_DELETED, "nothing clinical is deleted"),
            ("patients", "PatientLink"): (NEVER_DELETED, "nothing clinical is deleted; revoke a link instead"),
        }),
        migrations.RunPython(rules_create, rules_drop),
    ]

"""Who may do what with session records (issue 10), frozen here like 0002's grants."""

from django.db import migrations

from clinic.accounts.roles import grant_permissions

ROLE_GRANTS = {
    "nurse": ["clinic_sessions.view_sessionrecord", "clinic_sessions.record_session"],
    "prescriber": [
        "clinic_sessions.view_sessionrecord", "clinic_sessions.release_hold", "clinic_sessions.override_dose_cap",
        "clinic_sessions.sign_record", "clinic_sessions.write_addendum",
    ],
    "manager": ["clinic_sessions.view_sessionrecord"],
    # front_desk: nothing; the appointment's status is all they see.
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0007_records_rules")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

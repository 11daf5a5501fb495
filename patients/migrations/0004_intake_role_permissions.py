from django.db import migrations

from clinic.accounts.roles import grant_permissions

# The grants as they were at this migration, frozen here as literals: a migration must not change what it
# does when PatientsConfig.role_grants changes later (a later change gets its own migration).
GRANTS = {
    "front_desk": ["patients.view_patient", "patients.add_patient", "patients.change_patient",
                   "patients.view_intake", "patients.send_intake_invitation"],
    "nurse": ["patients.view_patient", "patients.view_intake", "patients.view_intake_answers"],
    "prescriber": ["patients.view_patient", "patients.view_intake", "patients.view_intake_answers",
                   "patients.decide_intake", "patients.send_intake_invitation",
                   "patients.add_remsenrollment"],
    "manager": ["patients.view_patient", "patients.add_patient", "patients.change_patient",
                "patients.view_intake", "patients.view_intake_answers", "patients.send_intake_invitation",
                "patients.publish_consentdocument"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_intake_consent_plans"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

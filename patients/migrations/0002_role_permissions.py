from django.db import migrations

from clinic.accounts.roles import grant_permissions

# The grants as they were at this migration: PatientsConfig.role_grants has since grown permissions on
# models that do not exist yet at this point (granted by 0004).
GRANTS = {
    "front_desk": ["patients.view_patient", "patients.add_patient", "patients.change_patient"],
    "nurse": ["patients.view_patient"],
    "prescriber": ["patients.view_patient"],
    "manager": ["patients.view_patient", "patients.add_patient", "patients.change_patient"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

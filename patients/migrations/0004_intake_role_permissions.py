from django.db import migrations

from clinic.accounts.roles import grant_permissions
from patients.apps import PatientsConfig


def grant(apps, schema_editor):
    grant_permissions(apps, PatientsConfig.role_grants)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_intake_consent_plans"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""Who may do what with the controlled-substance ledger and the REMS forms (issue 11)."""

from django.db import migrations

from clinic.accounts.roles import grant_permissions

# Frozen here (not read from ClinicSessionsConfig.role_grants): a later grant gets its own migration.
ROLE_GRANTS = {
    "manager": [
        "clinic_sessions.receive_stock", "clinic_sessions.count_stock", "clinic_sessions.adjust_stock",
        "clinic_sessions.view_ledger", "clinic_sessions.view_rems_form", "clinic_sessions.submit_rems_form",
    ],
    "nurse": [
        "clinic_sessions.withdraw_stock", "clinic_sessions.administer_stock", "clinic_sessions.waste_stock",
        "clinic_sessions.witness_waste",
    ],
    "prescriber": [
        "clinic_sessions.view_ledger", "clinic_sessions.view_rems_form", "clinic_sessions.submit_rems_form",
    ],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0007_ledger_rules"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

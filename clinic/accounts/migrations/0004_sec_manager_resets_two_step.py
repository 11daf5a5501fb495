"""Managers may see who has an authenticator and delete one (a lost phone), and read the role-change log."""

from django.db import migrations

from clinic.accounts.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(apps, {"manager": [
        "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice", "accounts.view_rolechange",
    ]})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sec_role_change"),
        ("accounts", "0002_roles"),
        ("otp_totp", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

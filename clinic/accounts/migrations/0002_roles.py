"""The four staff roles (DESIGN.md §1), as groups, with the cross-cutting apps' permissions.

Each app grants its own permissions to these roles in a data migration of its own.
"""

from django.db import migrations

from clinic.accounts.roles import grant_permissions

# The four roles and what they got at this point of history, frozen here as literals: a migration must give
# the same result in a year, whatever clinic/accounts/roles.py (ROLE_GRANTS) says by then. Later grants come
# in later migrations.
GRANTS = {
    "front_desk": [],
    "nurse": [],
    "prescriber": [],
    "manager": [
        "audit.view_accessevent",
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "clinic.view_location", "clinic.add_location", "clinic.change_location",
    ],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

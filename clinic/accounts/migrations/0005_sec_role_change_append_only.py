from django.db import migrations

from clinic.db import APPEND_ONLY, protect_operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_sec_manager_resets_two_step")]
    operations = [
        protect_operation({("accounts", "RoleChange"): (APPEND_ONLY, "the role-change log is append-only")}),
    ]

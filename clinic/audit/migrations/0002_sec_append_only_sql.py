"""The access log is append-only against any SQL the app's role may send (clinic/db.py)."""

from django.db import migrations

from clinic.db import APPEND_ONLY, protect_operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        protect_operation({("audit", "AccessEvent"): (APPEND_ONLY, "the access log is append-only")}),
    ]

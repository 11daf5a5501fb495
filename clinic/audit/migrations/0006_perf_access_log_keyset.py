"""Issue 13: the access log pages by keyset on (occurred_at, id), filtered by staff member or not."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_sec2_patient_ids")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX access_event_keyset_idx ON audit_accessevent (occurred_at, id)",
            "DROP INDEX access_event_keyset_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX access_event_actor_keyset_idx ON audit_accessevent (actor_id, occurred_at, id)",
            "DROP INDEX access_event_actor_keyset_idx",
        ),
    ]

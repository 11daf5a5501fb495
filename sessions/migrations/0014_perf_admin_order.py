"""Issue 13: indexes serving the admin changelists' order (newest first), so that a page of a million
appointments reads one page of the index."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0013_appointment_history_follows_end")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX appointment_start_order_idx ON clinic_sessions_appointment (start, id)",
            "DROP INDEX appointment_start_order_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX course_created_order_idx ON clinic_sessions_course (created_at, id)",
            "DROP INDEX course_created_order_idx",
        ),
    ]

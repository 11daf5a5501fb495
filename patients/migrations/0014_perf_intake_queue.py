"""Issue 13: indexes serving the intake queue's default tab (open work, urgent first, longest waiting), so
that it reads only open intakes however many decided ones have piled up."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("patients", "0013_intake_request_status_trigger_quoted")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX intake_open_waiting_idx ON patients_intake (status_changed_at, id)"
            " WHERE status IN ('submitted', 'needs_info')",
            "DROP INDEX intake_open_waiting_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX intake_urgent_open_idx ON patients_intake (status_changed_at, id)"
            " WHERE urgent_at IS NOT NULL AND urgent_acknowledged_at IS NULL",
            "DROP INDEX intake_urgent_open_idx",
        ),
        # The admin's patient list, in name order (issue 13).
        migrations.RunSQL(
            "CREATE INDEX patient_name_order_idx ON patients_patient (legal_last_name, legal_first_name, id)",
            "DROP INDEX patient_name_order_idx",
        ),
    ]

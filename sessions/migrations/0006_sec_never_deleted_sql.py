"""Nothing clinical is deleted (DESIGN.md §6): appointments, courses and their links, whatever SQL is sent."""

from django.db import migrations

from clinic.db import NEVER_DELETED, protect_operation

WHY = "nothing clinical is deleted; cancel instead"


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0005_status_transition_trigger")]
    operations = [
        protect_operation({
            ("clinic_sessions", "Course"): (NEVER_DELETED, WHY),
            ("clinic_sessions", "Appointment"): (NEVER_DELETED, WHY),
            ("clinic_sessions", "AppointmentLink"): (NEVER_DELETED, WHY),
        }),
    ]

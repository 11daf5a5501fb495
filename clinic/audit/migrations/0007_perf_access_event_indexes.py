"""Issue 13: one index fewer to write on every page view, and one that pages a patient's own events.

occurred_at, actor and patient_id lose their single-column indexes: (occurred_at, id) and (actor_id, occurred_at,
id) from 0006 serve every lookup those served; patient_id's becomes (patient_id, occurred_at DESC, id DESC), which
also gives the access report a patient's newest events in order. The new index is built CONCURRENTLY: every page
with patient data writes an event, and a plain CREATE INDEX would hold those writes for as long as the build."""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('audit', '0006_perf_access_log_keyset'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='accessevent',
            index=models.Index(fields=['patient_id', '-occurred_at', '-id'], name='access_event_patient_idx'),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_index=False, help_text='Empty when the patient opened their own link.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='occurred_at',
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='patient_id',
            field=models.UUIDField(blank=True, null=True),
        ),
    ]

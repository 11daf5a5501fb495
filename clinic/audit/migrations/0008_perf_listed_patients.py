"""Issue 13: a patient's list events read newest first from ListedPatient (one row per patient a list event
named, written by trigger access_event_listed_patients), not from a GIN index of the events' arrays, which gave
the access report every list event naming the patient, to sort, for a page of 50. The GIN index goes: nothing
reads the arrays by patient any more, and it was one more index to write on every list page."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

from clinic.db import APPEND_ONLY, protect_operation


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_perf_access_event_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListedPatient',
            fields=[
                ('pk', models.CompositePrimaryKey('patient_id', 'occurred_at', 'event_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('patient_id', models.UUIDField()),
                ('occurred_at', models.DateTimeField()),
                ('event', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='listed_patients', to='audit.accessevent')),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='accessevent',
            trigger=pgtrigger.compiler.Trigger(name='access_event_listed_patients', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (cardinality(NEW.patient_ids) > 0)', func='\n    INSERT INTO "audit_listedpatient" ("patient_id", "occurred_at",\n        "event_id")\n    SELECT DISTINCT named, NEW."occurred_at", NEW."id"\n    FROM unnest(NEW."patient_ids") AS named;\n    RETURN NULL;\n    ', hash='3682d5afcc661c991102068de8b4cd476d7a2d58', operation='INSERT', pgid='pgtrigger_access_event_listed_patients_af4a2', table='audit_accessevent', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='listedpatient',
            trigger=pgtrigger.compiler.Trigger(name='listed_patient_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='1f1a312a21b66a6e0a34edd32c2c307924dd49df', operation='UPDATE OR DELETE', pgid='pgtrigger_listed_patient_append_only_c08f9', table='audit_listedpatient', when='BEFORE')),
        ),
        # Every list event already in the log, written while the new trigger's creation holds the log's writers
        # (to the end of this migration's transaction): none is missed, none written twice.
        migrations.RunSQL(
            "INSERT INTO audit_listedpatient (patient_id, occurred_at, event_id)"
            " SELECT DISTINCT named, e.occurred_at, e.id FROM audit_accessevent e, unnest(e.patient_ids) AS named"
            " WHERE cardinality(e.patient_ids) > 0",
            reverse_sql=migrations.RunSQL.noop),
        protect_operation({("audit", "ListedPatient"): (APPEND_ONLY, "the access log is append-only")}),
        migrations.RemoveIndex(
            model_name='accessevent',
            name='access_event_patient_ids_gin',
        ),
    ]

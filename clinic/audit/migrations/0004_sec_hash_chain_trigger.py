"""Each access event carries a SHA-256 over its content and the previous event's hash, numbered in one
sequence: computed by PostgreSQL before insert, under a transaction-level advisory lock, so that concurrent
inserts form one chain. Existing rows are chained in id order."""

from django.db import migrations

from clinic.audit.chain import DIGEST_SQL

CHAIN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_access_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('audit_accessevent_chain'));
    SELECT chain_seq, hash INTO last FROM audit_accessevent WHERE chain_seq IS NOT NULL
        ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := COALESCE(last.chain_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last.hash, '');
    NEW.hash := {DIGEST_SQL};
    RETURN NEW;
END $$;
"""

def backfill(apps, schema_editor):
    """Chain rows written before this migration, oldest first (as the owner, with the table's triggers off)."""
    from clinic.audit.chain import event_digest

    event_model = apps.get_model("audit", "AccessEvent")
    schema_editor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER", params=None)
    previous = ""
    for seq, event in enumerate(event_model.objects.order_by("id").values(), start=1):
        row = {**event, "chain_seq": seq, "prev_hash": previous}
        digest = event_digest(row)
        event_model.objects.filter(pk=event["id"]).update(chain_seq=seq, prev_hash=previous, hash=digest)
        previous = digest
    schema_editor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER USER", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sec_hash_chain")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunSQL(
            [CHAIN_FUNCTION, "CREATE TRIGGER sql_access_event_chain BEFORE INSERT ON audit_accessevent "
                             "FOR EACH ROW EXECUTE FUNCTION audit_access_event_chain()"],
            ["DROP TRIGGER IF EXISTS sql_access_event_chain ON audit_accessevent",
             "DROP FUNCTION IF EXISTS audit_access_event_chain()"],
        ),
    ]

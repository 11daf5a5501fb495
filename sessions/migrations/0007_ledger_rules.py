"""The controlled-substance ledger's rules, in plain PL/pgSQL (DESIGN.md §4.7; issue 11).

Not django-pgtrigger: its triggers obey the ``pgtrigger.ignore`` session setting, and nothing a session
sets may skip these. Only a superuser can switch triggers off (``session_replication_role``); the app's
database role is not one (DESIGN.md §4.6).

1. ``ledger_append_only``: UPDATE, DELETE and TRUNCATE are refused on every ledger table.
2. ``ledger_entry_rules`` (BEFORE INSERT on the entries): locks the lot row, so that entries of one lot are
   numbered and balanced one at a time (two nurses drawing the last 50 mg at once queue here; the second sees
   the first's withdrawal), then sets ``seq`` and ``balance_after_mg`` itself (whatever the client sent). The
   CHECK ``ledger_balance_not_negative`` then refuses a balance below zero. It also refuses a draw from an
   expired lot (``ledger_no_draw_from_expired_lot``, the expiry compared with the location's local date),
   a session entry from a lot at another location (``ledger_lot_at_session_location``), and more given and
   wasted for a session than was drawn for it (``ledger_session_not_over_drawn``).
"""

from django.db import migrations

TABLES = [
    "clinic_sessions_lot", "clinic_sessions_ledgerentry", "clinic_sessions_inventorycount",
    "clinic_sessions_countline", "clinic_sessions_discrepancyreview", "clinic_sessions_remssubmission",
]

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The tables' owner may empty them (the test suite's flush); it could drop the trigger anyway. The app's
    -- role owns nothing (DESIGN.md §4.6), so it is refused like everyone else.
    IF TG_OP = 'TRUNCATE' AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                                          'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'ledger_append_only: % on % refused; the controlled-substance records are kept, and a '
                    'correction is a new row', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_append_only';
END;
$$;
"""

ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_entry_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lot_row clinic_sessions_lot%ROWTYPE;
    last_seq integer;
    last_balance numeric;
    drawn_left numeric;
    local_day date;
BEGIN
    SELECT * INTO lot_row FROM clinic_sessions_lot WHERE id = NEW.lot_id FOR UPDATE;
    -- A fresh snapshot per statement (READ COMMITTED): after waiting for the lock, the last entry is current.
    SELECT seq, balance_after_mg INTO last_seq, last_balance
        FROM clinic_sessions_ledgerentry WHERE lot_id = NEW.lot_id ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.balance_after_mg := COALESCE(last_balance, 0) + CASE NEW.kind
        WHEN 'receipt' THEN NEW.quantity_mg
        WHEN 'adjustment' THEN NEW.quantity_mg
        WHEN 'withdrawal' THEN -NEW.quantity_mg
        WHEN 'return' THEN -NEW.quantity_mg
        ELSE 0 END;
    IF NEW.kind = 'withdrawal' THEN
        SELECT (NEW.occurred_at AT TIME ZONE l.time_zone)::date INTO local_day
            FROM clinic_location l WHERE l.id = lot_row.location_id;
        IF lot_row.expires_on < local_day THEN
            RAISE EXCEPTION 'ledger_no_draw_from_expired_lot: lot % expired on %', lot_row.lot_number,
                            lot_row.expires_on
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_no_draw_from_expired_lot';
        END IF;
    END IF;
    IF NEW.appointment_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM clinic_sessions_appointment a
            WHERE a.id = NEW.appointment_id AND a.location_id = lot_row.location_id) THEN
        RAISE EXCEPTION 'ledger_lot_at_session_location: the lot is not at the session''s location'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_lot_at_session_location';
    END IF;
    IF NEW.kind IN ('administration', 'waste') THEN
        SELECT COALESCE(SUM(CASE kind WHEN 'withdrawal' THEN quantity_mg ELSE -quantity_mg END), 0)
            INTO drawn_left
            FROM clinic_sessions_ledgerentry
            WHERE appointment_id = NEW.appointment_id AND lot_id = NEW.lot_id
              AND kind IN ('withdrawal', 'administration', 'waste');
        IF NEW.quantity_mg > drawn_left THEN
            RAISE EXCEPTION 'ledger_session_not_over_drawn: % mg given or wasted, % mg drawn and not yet '
                            'accounted for', NEW.quantity_mg, drawn_left
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_session_not_over_drawn';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_entry_rules BEFORE INSERT ON clinic_sessions_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_rules();
"""


def _append_only_triggers() -> str:
    statements = []
    for table in TABLES:
        statements.append(f"CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION ledger_append_only();")
        statements.append(f"CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON {table} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();")
    return "\n".join(statements)


def _drop_triggers() -> str:
    statements = ["DROP TRIGGER IF EXISTS ledger_entry_rules ON clinic_sessions_ledgerentry;"]
    for table in TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS ledger_append_only ON {table};")
        statements.append(f"DROP TRIGGER IF EXISTS ledger_append_only_truncate ON {table};")
    statements.append("DROP FUNCTION IF EXISTS ledger_entry_rules(); DROP FUNCTION IF EXISTS ledger_append_only();")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0006_ledger_models")]
    operations = [
        migrations.RunSQL(APPEND_ONLY_FUNCTION + ENTRY_FUNCTION + _append_only_triggers(), _drop_triggers()),
    ]

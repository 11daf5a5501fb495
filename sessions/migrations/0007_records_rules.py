"""The session record's rules in PostgreSQL (DESIGN.md §4.4-4.5; CLINICAL.md §1, §4), as plain PL/pgSQL.

Plain triggers rather than django-pgtrigger ones: pgtrigger's ``pgtrigger.ignore`` works through a session
setting that would let a connection skip them; these have no such switch. Each error names its rule
(``CONSTRAINT = ...``) so that tests and the services can tell which rule refused a write.
"""

from django.db import migrations

P = "clinic_sessions_"
CHILDREN = ["predosecheck", "sessionholdevent", "doseorder", "administration", "administrationchange",
            "esketaminedevice", "vitalsign", "adverseevent", "intervention", "discharge"]
CORRECTIONS = ["addendum", "enteredinerror"]
ALL = ["sessionrecord", *CHILDREN, *CORRECTIONS]

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {P}record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'session records are never deleted'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_never_deleted';
    END IF;
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'session record % is signed and locked: write an addendum', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_signed_lock';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION {P}record_child_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    signed timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rows of a session record are never deleted: mark them entered in error'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_never_deleted';
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = '{P}sessionholdevent' THEN
        RAISE EXCEPTION 'holds and releases are append-only'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_hold_append_only';
    END IF;
    -- The record row is locked so that signing and a child write cannot pass each other.
    SELECT signed_at INTO signed FROM {P}sessionrecord WHERE id = NEW.record_id FOR SHARE;
    IF signed IS NULL AND TG_OP = 'UPDATE' AND OLD.record_id <> NEW.record_id THEN
        SELECT signed_at INTO signed FROM {P}sessionrecord WHERE id = OLD.record_id FOR SHARE;
    END IF;
    IF signed IS NOT NULL THEN
        RAISE EXCEPTION 'session record % is signed and locked: write an addendum', NEW.record_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_signed_lock';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION {P}record_correction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'addenda and entered-in-error marks are append-only'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_correction_append_only';
END $$;

CREATE OR REPLACE FUNCTION {P}record_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The tables' owner may empty them (the test suite's flush); it could drop the trigger anyway. The app's
    -- role owns nothing (DESIGN.md §4.6), so it is refused like everyone else.
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'session record tables cannot be truncated'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_no_truncate';
END $$;

-- CLINICAL.md §4: dosing cannot start on a held session; only a prescriber's go releases it.
CREATE OR REPLACE FUNCTION {P}dose_not_on_hold() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    latest text;
BEGIN
    SELECT kind INTO latest FROM {P}sessionholdevent WHERE record_id = NEW.record_id
        ORDER BY created_at DESC, id DESC LIMIT 1;
    IF latest IN ('hold', 'stop') THEN
        RAISE EXCEPTION 'session record % is on hold (or stopped): no dose until a prescriber says go', NEW.record_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_record_dose_on_hold';
    END IF;
    RETURN NEW;
END $$;

-- CLINICAL.md §1 [REG]: Spravato devices at least 5 minutes apart.
CREATE OR REPLACE FUNCTION {P}esketamine_device_interval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {P}sessionrecord WHERE id = NEW.record_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM {P}esketaminedevice d WHERE d.record_id = NEW.record_id AND d.id <> NEW.id
               AND d.given_at > NEW.given_at - interval '5 minutes'
               AND d.given_at < NEW.given_at + interval '5 minutes') THEN
        RAISE EXCEPTION 'an esketamine device less than 5 minutes from another one'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'esketamine_device_interval';
    END IF;
    RETURN NEW;
END $$;

-- CLINICAL.md §4 [REG]: Spravato discharge not before 120 minutes from the first device.
CREATE OR REPLACE FUNCTION {P}discharge_esketamine_observation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    route text;
    first_device timestamptz;
BEGIN
    SELECT p.route INTO route FROM {P}sessionrecord r
        JOIN {P}appointment a ON a.id = r.appointment_id JOIN {P}protocol p ON p.id = a.protocol_id
        WHERE r.id = NEW.record_id;
    IF route = 'intranasal' THEN
        SELECT min(given_at) INTO first_device FROM {P}esketaminedevice WHERE record_id = NEW.record_id;
        IF first_device IS NULL OR NEW.discharged_at < first_device + interval '120 minutes' THEN
            RAISE EXCEPTION 'esketamine discharge before 120 minutes from the first device'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'discharge_esketamine_observation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

TRIGGERS = [
    f"CREATE TRIGGER session_record_guard BEFORE UPDATE OR DELETE ON {P}sessionrecord "
    f"FOR EACH ROW EXECUTE FUNCTION {P}record_guard();",
    *[f"CREATE TRIGGER session_record_child_guard BEFORE INSERT OR UPDATE OR DELETE ON {P}{t} "
      f"FOR EACH ROW EXECUTE FUNCTION {P}record_child_guard();" for t in CHILDREN],
    *[f"CREATE TRIGGER session_record_correction_guard BEFORE UPDATE OR DELETE ON {P}{t} "
      f"FOR EACH ROW EXECUTE FUNCTION {P}record_correction_guard();" for t in CORRECTIONS],
    *[f"CREATE TRIGGER session_record_no_truncate BEFORE TRUNCATE ON {P}{t} "
      f"FOR EACH STATEMENT EXECUTE FUNCTION {P}record_no_truncate();" for t in ALL],
    *[f"CREATE TRIGGER session_record_dose_on_hold BEFORE INSERT ON {P}{t} "
      f"FOR EACH ROW EXECUTE FUNCTION {P}dose_not_on_hold();" for t in ("administration", "esketaminedevice")],
    f"CREATE TRIGGER esketamine_device_interval BEFORE INSERT OR UPDATE ON {P}esketaminedevice "
    f"FOR EACH ROW EXECUTE FUNCTION {P}esketamine_device_interval();",
    f"CREATE TRIGGER discharge_esketamine_observation BEFORE INSERT OR UPDATE ON {P}discharge "
    f"FOR EACH ROW EXECUTE FUNCTION {P}discharge_esketamine_observation();",
]

REVERSE = [
    *[f"DROP TRIGGER IF EXISTS {name} ON {P}{t};" for t in ALL for name in (
        "session_record_guard", "session_record_child_guard", "session_record_correction_guard",
        "session_record_no_truncate", "session_record_dose_on_hold", "esketamine_device_interval",
        "discharge_esketamine_observation")],
    *[f"DROP FUNCTION IF EXISTS {P}{f}();" for f in (
        "record_guard", "record_child_guard", "record_correction_guard", "record_no_truncate", "dose_not_on_hold",
        "esketamine_device_interval", "discharge_esketamine_observation")],
]


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0006_records_tables")]
    operations = [migrations.RunSQL(sql=[FUNCTIONS, *TRIGGERS], reverse_sql=REVERSE)]

"""PostgreSQL building blocks shared by the apps' models (DESIGN.md §4: rules live in the database)."""

from collections.abc import Iterable, Mapping

import pgtrigger
from django.db import migrations


def status_transition_trigger(*, name: str, noun: str, transitions: Mapping[str, Iterable[str]]) -> pgtrigger.Trigger:
    """A trigger holding a ``status`` column to its model's allowed-transitions map, so that no bulk update,
    admin action or script can move a status where the services would not (a completed session back to
    booked, a decided intake back to "in progress"). Made from the map: changing the map makes a migration.
    ``noun`` words the error ("an appointment"); ``name`` is the trigger's and the error's constraint name."""
    pairs = ", ".join(f"('{old}', '{new}')" for old, targets in sorted(transitions.items())
                      for new in sorted(targets))
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.UpdateOf("status"),
        when=pgtrigger.Before,
        func=f"""
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN ({pairs}) THEN
        RAISE EXCEPTION '{noun} cannot move from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = '{name}';
    END IF;
    RETURN NEW;
    """,
    )


# --- Protection that no session setting skips (issue 8, item 4) ---
# pgtrigger's triggers obey ``SET pgtrigger.ignore``, which any connection may send. These are plain
# PostgreSQL triggers, made in raw-SQL migrations from the functions below: only the table's owner can
# drop or disable them, and the app's role owns nothing (clinic/owner.py). Named ``sql_…`` so that they
# fire after pgtrigger's (BEFORE triggers fire in name order) and their errors read the same as before.

PROTECT_FUNCTIONS = """
CREATE OR REPLACE FUNCTION clinic_refuse_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused by %: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_ARGV[0];
END $$;
CREATE OR REPLACE FUNCTION clinic_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The owner may empty a table (the test suite's flush); it could drop the trigger anyway.
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'TRUNCATE on % refused by %: %', TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_ARGV[0];
END $$;
"""


def protection_sql(*, quote, table: str, refuse: tuple[str, ...], why: str) -> tuple[list[str], list[str]]:
    """Forward and reverse SQL for triggers refusing ``refuse`` (of UPDATE, DELETE, TRUNCATE) on ``table``.
    ``quote`` is ``connection.ops.quote_name``; the trigger (and error constraint) name is
    ``sql_<table>_append_only`` when UPDATE is refused, ``sql_<table>_no_delete`` otherwise."""
    name = f"sql_{table}_{'append_only' if 'UPDATE' in refuse else 'no_delete'}"
    reason = why.replace("'", "''")
    forward, reverse = [PROTECT_FUNCTIONS], []
    rows = [op for op in refuse if op in ("UPDATE", "DELETE")]
    if rows:
        forward.append(f"CREATE TRIGGER {quote(name)} BEFORE {' OR '.join(rows)} ON {quote(table)} "
                       f"FOR EACH ROW EXECUTE FUNCTION clinic_refuse_row_change('{name}', '{reason}')")
        reverse.append(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
    if "TRUNCATE" in refuse:
        truncate = f"sql_{table}_no_truncate"
        forward.append(f"CREATE TRIGGER {quote(truncate)} BEFORE TRUNCATE ON {quote(table)} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION clinic_refuse_truncate('{truncate}', '{reason}')")
        reverse.append(f"DROP TRIGGER IF EXISTS {quote(truncate)} ON {quote(table)}")
    return forward, reverse


APPEND_ONLY = ("UPDATE", "DELETE", "TRUNCATE")
NEVER_DELETED = ("DELETE", "TRUNCATE")


def protect_operation(models: dict[tuple[str, str], tuple[tuple[str, ...], str]]):
    """A migration operation protecting each ``(app_label, model_name)``: ``(refuse, why)``. Table names
    come from the historical models' ``_meta.db_table``."""
    from django.db import migrations

    def run(apps, schema_editor, *, forward: bool):
        quote = schema_editor.connection.ops.quote_name
        for (app_label, model_name), (refuse, why) in models.items():
            table = apps.get_model(app_label, model_name)._meta.db_table
            statements = protection_sql(quote=quote, table=table, refuse=refuse, why=why)[0 if forward else 1]
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(lambda apps, se: run(apps, se, forward=True),
                                lambda apps, se: run(apps, se, forward=False))


class AddConstraintNotValid(migrations.AddConstraint):
    """``AddConstraint`` for a CHECK that holds every new or changed row from now on, while rows written under
    an older rule stay as they were (``NOT VALID``: PostgreSQL skips the scan of existing rows). Used where the
    old rows are append-only clinical records that must not be rewritten (a treatment plan signed before the
    rule existed)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")

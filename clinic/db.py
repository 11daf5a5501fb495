"""PostgreSQL building blocks shared by the apps' models (DESIGN.md §4: rules live in the database).

Generated PL/pgSQL quotes every identifier and literal it pastes (``sql_identifier``, ``sql_literal``), and
takes table and column names from the models' ``_meta``, never from text typed here. (Triggers are compiled
when the models load, before any connection exists, so ``psycopg2.sql`` — which needs one — cannot do it;
the quoting below is PostgreSQL's own rule with ``standard_conforming_strings``, on since 9.1.)"""

from collections.abc import Callable, Iterable, Mapping

import pgtrigger
from django.db import migrations


def sql_identifier(name: str) -> str:
    """A quoted SQL identifier: "name", with any double quote doubled."""
    if "\x00" in name:
        raise ValueError("An SQL identifier cannot contain NUL.")
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    """A quoted SQL string literal: 'value', with any single quote doubled."""
    if "\x00" in value:
        raise ValueError("An SQL literal cannot contain NUL.")
    return "'" + str(value).replace("'", "''") + "'"


class ModelFunc(pgtrigger.Func):
    """A trigger body built from the model it is installed on (its ``_meta``), when pgtrigger compiles it."""

    def __init__(self, build: Callable[..., str]):
        super().__init__("")
        self.build = build

    def render(self, **kwargs) -> str:
        return self.build(kwargs["meta"])


class ModelTrigger(pgtrigger.Trigger):
    """A trigger whose ``UPDATE OF`` list is given as field names and compiled to the model's columns."""

    def __init__(self, *, update_of: tuple[str, ...], **kwargs):
        self.update_of = update_of
        super().__init__(operation=pgtrigger.Insert | pgtrigger.UpdateOf(*update_of), **kwargs)

    def compile(self, model):
        columns = [model._meta.get_field(name).column for name in self.update_of]
        self.operation = pgtrigger.Insert | pgtrigger.UpdateOf(*columns)
        return super().compile(model)


def column(meta, field_name: str) -> str:
    """The quoted column of ``field_name`` on the model of ``meta`` (``chair`` → "chair_id")."""
    return sql_identifier(meta.get_field(field_name).column)


def table(model) -> str:
    return sql_identifier(model._meta.db_table)


def status_transition_trigger(*, name: str, noun: str, transitions: Mapping[str, Iterable[str]]) -> pgtrigger.Trigger:
    """A trigger holding a ``status`` column to its model's allowed-transitions map, so that no bulk update,
    admin action or script can move a status where the services would not (a completed session back to
    booked, a decided intake back to "in progress"). Made from the map: changing the map makes a migration.
    ``noun`` words the error ("an appointment"); ``name`` is the trigger's and the error's constraint name."""
    pairs = ", ".join(f"({sql_literal(old)}, {sql_literal(new)})" for old, targets in sorted(transitions.items())
                      for new in sorted(targets))
    message = sql_literal(f"{noun} cannot move from % to %")

    def build(meta) -> str:
        status = column(meta, "status")
        return f"""
    IF NEW.{status} IS DISTINCT FROM OLD.{status} AND (OLD.{status}, NEW.{status}) NOT IN ({pairs}) THEN
        RAISE EXCEPTION {message}, OLD.{status}, NEW.{status}
            USING ERRCODE = 'check_violation', CONSTRAINT = {sql_literal(name)};
    END IF;
    RETURN NEW;
    """

    return pgtrigger.Trigger(name=name, operation=pgtrigger.UpdateOf("status"), when=pgtrigger.Before,
                             func=ModelFunc(build))


def adult_date_of_birth_trigger(*, name: str, min_age_years: int) -> pgtrigger.Trigger:
    """A ``date_of_birth`` of a person at least ``min_age_years`` old, born in 1900 or later (CLINICAL.md §2: adults
    only), checked by PostgreSQL on every insert and every change of the date, whoever writes it.

    "Today" is the latest calendar day on earth (UTC+14, Pacific/Kiritimati), so PostgreSQL refuses only someone
    under age in every time zone: the forms' rule (patients/validators.py, the clinic's own day) is stricter, so a
    date a form accepted is never refused here, and a script or bulk load that skips the forms still cannot
    register a child."""
    def build(meta) -> str:
        born = column(meta, "date_of_birth")
        return f"""
    IF NEW.{born} < DATE '1900-01-01'
       OR NEW.{born} > (now() AT TIME ZONE 'Pacific/Kiritimati')::date - INTERVAL '{int(min_age_years)} years' THEN
        RAISE EXCEPTION 'date of birth % is not an adult''s ({int(min_age_years)} or older, born 1900 or later)',
            NEW.{born} USING ERRCODE = 'check_violation', CONSTRAINT = {sql_literal(name)};
    END IF;
    RETURN NEW;
    """

    return ModelTrigger(name=name, update_of=("date_of_birth",), when=pgtrigger.Before, func=ModelFunc(build))


def placement_trigger(*, name: str, location_model, chair_model, slot_field: str, chair_field: str,
                      location_field: str, ratio_field: str, slot_constraint: str,
                      chair_constraint: str) -> pgtrigger.Trigger:
    """DESIGN.md §4.3: a watch slot may not exceed the location's nurse-to-patient ratio, and the chair must be
    at the row's location. A CHECK cannot read another table; a trigger can. It checks where a row is placed
    (INSERT, or an UPDATE that changes the slot, chair or location), not every later write: a manager may
    lower the ratio or move a chair afterwards, and confirming or cancelling an appointment placed under the
    old settings must still work. Every table and column comes from the models' ``_meta``."""

    def build(meta) -> str:
        slot, chair, location = (column(meta, f) for f in (slot_field, chair_field, location_field))
        ratio = column(location_model._meta, ratio_field)
        location_pk = column(location_model._meta, location_model._meta.pk.name)
        chair_pk = column(chair_model._meta, chair_model._meta.pk.name)
        chair_location = column(chair_model._meta, "location")
        # Every name below is quoted and comes from the models' _meta.
        return f"""
    -- UPDATE OF also fires when a full-row save rewrites the same values: only a real change counts.
    IF TG_OP = 'UPDATE' AND NEW.{slot} IS NOT DISTINCT FROM OLD.{slot}
            AND NEW.{chair} IS NOT DISTINCT FROM OLD.{chair}
            AND NEW.{location} IS NOT DISTINCT FROM OLD.{location} THEN
        RETURN NEW;
    END IF;
    IF NEW.{slot} > (SELECT {ratio} FROM {table(location_model)} WHERE {location_pk} = NEW.{location}) THEN
        RAISE EXCEPTION 'nurse slot % is above the location''s nurse-to-patient ratio', NEW.{slot}
            USING ERRCODE = 'check_violation', CONSTRAINT = {sql_literal(slot_constraint)};
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {table(chair_model)}
                   WHERE {chair_pk} = NEW.{chair} AND {chair_location} = NEW.{location}) THEN
        RAISE EXCEPTION 'chair % is not at location %', NEW.{chair}, NEW.{location}
            USING ERRCODE = 'check_violation', CONSTRAINT = {sql_literal(chair_constraint)};
    END IF;
    RETURN NEW;
    """  # noqa: S608

    return ModelTrigger(name=name, when=pgtrigger.Before, func=ModelFunc(build),
                        update_of=(slot_field, chair_field, location_field))


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

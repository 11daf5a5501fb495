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


class AddConstraintNotValid(migrations.AddConstraint):
    """``AddConstraint`` for a CHECK that holds every new or changed row from now on, while rows written under
    an older rule stay as they were (``NOT VALID``: PostgreSQL skips the scan of existing rows). Used where the
    old rows are append-only clinical records that must not be rewritten (a treatment plan signed before the
    rule existed)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")

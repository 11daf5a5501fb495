"""PostgreSQL building blocks shared by the apps' models (DESIGN.md §4: rules live in the database)."""

from collections.abc import Iterable, Mapping

import pgtrigger


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

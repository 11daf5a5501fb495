"""The two database roles (DESIGN.md §4.6): the app reads and writes rows as a role that owns nothing; the
schema is changed as the owner. ``DATABASES["default"]["OWNER"]`` (from ``MIGRATE_DATABASE_URL``, or the
embedded server's ``clinic_owner``) holds the owner's credentials; ``migrate`` and ``flush`` use them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from psycopg2 import sql

from clinic.database import OWNER_KEY


def owner_settings(alias: str = "default") -> dict | None:
    """The owner's USER/PASSWORD/HOST/PORT, or None when the app connects as the owner itself."""
    settings_dict = connections[alias].settings_dict
    owner = settings_dict.get(OWNER_KEY)
    if not owner or owner["USER"] == settings_dict["USER"]:
        return None
    return owner


@contextmanager
def as_owner(alias: str = "default") -> Iterator[str | None]:
    """Run the block on this thread's connection as the owner; yields the app's role name (None when the
    app is the owner: nothing to switch)."""
    connection = connections[alias]
    owner = owner_settings(alias)
    if owner is None:
        yield None
        return
    original = connection.settings_dict
    connection.close()
    connection.settings_dict = {**original, **owner}
    try:
        yield original["USER"]
    finally:
        connection.close()
        connection.settings_dict = original


def app_privileges_grant(*, alias: str = "default", app_role: str) -> None:
    """As the owner: the app's role may read and write rows of every table and use the sequences; nothing
    else (no TRUNCATE, no DDL, no ownership). Run after every migrate, so new tables are covered."""
    role = sql.Identifier(app_role)
    with connections[alias].cursor() as cursor:
        for statement in (
            "GRANT USAGE ON SCHEMA public TO {}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}",
        ):
            cursor.execute(sql.SQL(statement).format(role).as_string(cursor.connection))

"""Raw-SQL helpers for the tests that break PostgreSQL rules as the app's own role (DESIGN.md §4.6)."""

from contextlib import contextmanager

from django.db import connection


def as_owner(statement: str) -> None:
    """Run ``statement`` on a connection of its own, as the tables' owner (committed at once). ``{}`` in the
    statement is replaced by the app role's quoted name."""
    import psycopg2
    from psycopg2 import sql

    owner, app = connection.settings_dict["OWNER"], connection.settings_dict["USER"]
    conn = psycopg2.connect(dbname=connection.settings_dict["NAME"], user=owner["USER"],
                            password=owner["PASSWORD"] or None, host=owner["HOST"], port=owner["PORT"])
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(app)))
    finally:
        conn.close()


@contextmanager
def truncate_granted():
    """The app role cannot TRUNCATE (no privilege); grant it for a moment so a test reaches the trigger that
    refuses TRUNCATE to whoever is not the owner (privileges can be granted by mistake; the trigger holds).
    Granted on every table, so that ``TRUNCATE ... CASCADE`` reaches the tables that refer to this one."""
    as_owner("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}")
    try:
        yield
    finally:
        as_owner("REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {}")

"""Raw-SQL helpers for the tests that break PostgreSQL rules as the app's own role (DESIGN.md §4.6)."""

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

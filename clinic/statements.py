"""A statement PostgreSQL keeps (issue 13): its SQL with each value a ``$n``, ``PREPARE``d once per database
connection and then run by ``EXECUTE`` with the values. What a prepared query (``clinic.prepared``), the access
log's insert (``clinic.prepared_insert``) and SQL written by hand (``Statement.of_values``, ``statement_rows``)
send."""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from pghistory.runtime import _inject_history_context as _HISTORY_CONTEXT


@contextmanager
def without_history_context(connection):
    """pghistory gives every statement but a SELECT the request's history context, for the triggers that record
    changes: an EXECUTE of a prepared query is a read it cannot tell from a write."""
    wrappers = connection.execute_wrappers
    if _HISTORY_CONTEXT not in wrappers:
        yield
        return
    connection.execute_wrappers = [wrapper for wrapper in wrappers if wrapper is not _HISTORY_CONTEXT]
    try:
        yield
    finally:
        connection.execute_wrappers = wrappers


_statement_numbers = itertools.count(1)
# A statement whose plan is the same for every value (``PreparedQuery(generic_plan=True)``): PostgreSQL plans a
# statement anew on each EXECUTE while it guesses a plan for the values beats one for any value, and a range of
# times keeps it guessing so for good; the board's and week's statements took longer to plan than to run (0.4-0.6 ms
# of planning at 1,000,000 appointments, issue 13). Sent with the EXECUTE in one message, PostgreSQL runs both in
# one implicit transaction and the setting ends with it. Inside a transaction (``atomic``) it would outlast the
# statement, so there the statement is planned as any other.
GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan; "
# A placeholder (``%s``) or a percent sign written as Django writes it for psycopg2 (``%%``), left to right.
_PLACEHOLDER = re.compile(r"(%%|%s)")


class Statement:
    """A prepared query's SQL, its parameters and which of them are the call's values (``slots``: a value's name,
    or None for a constant). Sent as it is, or (``PREPARED_STATEMENTS_ON_SERVER``) as a statement PostgreSQL keeps:
    ``PREPARE`` once per database connection, then ``EXECUTE`` with the values. The constants are written into the
    statement as psycopg2 would send them; each value is a ``$n``, its type PostgreSQL's reading of where it stands
    (a column it is compared with)."""

    def __init__(self, sql: str, params: tuple, slots: list[str | None], *, generic_plan: bool = False):
        self.name = f"clinic_prepared_{next(_statement_numbers)}"
        self.sql, self.params, self.slots, self.generic_plan = sql, params, slots, generic_plan
        self.order = list(dict.fromkeys(slot for slot in slots if slot is not None))  # $1, $2, … by name
        placeholders = ", ".join(["%s"] * len(self.order))
        self.execute_sql = f"EXECUTE {self.name}({placeholders})" if self.order else f"EXECUTE {self.name}"
        self._text: str | None = None

    @classmethod
    def of_values(cls, sql: str, *names: str) -> Statement:
        """SQL written by hand (what no queryset says) whose every ``%s`` is one of the call's values, named in
        their order: run with ``statement_rows``."""
        return cls(sql, (None,) * len(names), list(names))

    def sent(self, connection, values: dict) -> tuple[str, tuple | list]:
        """What the compiler sends on ``connection`` for this call's ``values``."""
        if settings.PREPARED_STATEMENTS_ON_SERVER:
            return self.execute(connection, values)
        return self.sql, tuple(param if slot is None else values[slot] for param, slot in zip(self.params, self.slots,
                                                                                               strict=True))

    def execute(self, connection, values: dict) -> tuple[str, list]:
        """The SQL and values to send on ``connection`` (a Django connection), preparing the statement there
        first if it is new to it. Where queries are logged (DEBUG, a test's CaptureQueriesContext) the
        statement's text follows as a comment, so the log says what ran."""
        if self.name not in _statements_on(connection):
            self._prepare(connection)
        sql = self.execute_sql
        if self.generic_plan and not connection.in_atomic_block:
            sql = GENERIC_PLAN + sql
        if connection.queries_logged:
            sql += " /* " + self._text.replace("%", "%%").replace("*/", "* /") + " */"
        return sql, [values[name] for name in self.order]

    def _prepare(self, connection) -> None:
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(f"PREPARE {self.name} AS {self.text(cursor)}")
        _statements_on(connection).add(self.name)

    def text(self, cursor) -> str:
        """The statement: the SQL with each constant written in (``cursor.mogrify``) and each value a ``$n``."""
        if self._text is None:
            params = iter(zip(self.params, self.slots, strict=True))

            def written(piece: str) -> str:
                if piece == "%%":
                    return "%"
                if piece != "%s":
                    return piece
                param, slot = next(params)
                return f"${self.order.index(slot) + 1}" if slot is not None else cursor.mogrify("%s", [param]).decode()

            self._text = "".join(written(piece) for piece in _PLACEHOLDER.split(self.sql))
        return self._text


def statement_rows(statement: Statement, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
    """The rows of ``statement`` for these values, sent as the prepared queries are (kept by PostgreSQL)."""
    connection = connections[using]
    with without_history_context(connection), connection.cursor() as cursor:
        cursor.execute(*statement.sent(connection, values))
        return cursor.fetchall()


def _statements_on(connection) -> set[str]:
    """The statements prepared on ``connection``'s current database connection: a new connection (a reconnect
    after ``CONN_MAX_AGE`` or a failed health check) starts with none."""
    connection.ensure_connection()
    kept = connection.__dict__.get("_clinic_statements")
    if kept is None or kept[0] is not connection.connection:
        kept = connection._clinic_statements = (connection.connection, set())
    return kept[1]

"""Asserting that PostgreSQL itself refused a write, and which of its rules did (DESIGN.md §4).

A test that accepts *any* database error passes when the rule it names is dropped, as long as something
else refuses first (another constraint, the status trigger, Django's ``on_delete=PROTECT``). These helpers
name the one constraint or trigger the test is about, so that dropping that rule makes the test fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction


def refusing_rule(error: BaseException) -> str:
    """The name of the constraint or trigger that made PostgreSQL refuse: a constraint's name, a
    ``RAISE ... USING CONSTRAINT`` name, or a django-pgtrigger trigger's name (from its function,
    ``pgtrigger_<name>_<hash>``).
    Empty when the error did not come from PostgreSQL (Django's ``ProtectedError`` has no cause)."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is None:
        return ""
    if diag.constraint_name:
        return diag.constraint_name
    for line in (diag.context or "").splitlines():  # "PL/pgSQL function pgtrigger_<name>_<hash>() line 3 at RAISE"
        if "function pgtrigger_" in line:
            function = line.split("function pgtrigger_", 1)[1].split("(", 1)[0]
            return function.rsplit("_", 1)[0]
    return ""


@contextmanager
def raises_db_rule(name: str) -> Iterator[pytest.ExceptionInfo]:
    """The block must be refused by PostgreSQL's rule ``name``, and by nothing else.

    Runs the block in a savepoint so that the test's transaction stays usable afterwards."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        yield caught
    assert refusing_rule(caught.value) == name, (
        f"expected PostgreSQL's rule {name!r} to refuse, got {type(caught.value).__name__}: {caught.value}")


def execute(sql: str, params=()) -> None:
    """Raw SQL, past every Django check (``on_delete``, ``full_clean``, the services)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

"""A row written on nearly every page (the access log's), its INSERT compiled once per process and kept by
PostgreSQL as ``clinic.prepared``'s queries are (issue 13)."""

from __future__ import annotations

import re
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import UUIDField
from django.db.models.sql import InsertQuery

from clinic.statements import Statement, without_history_context

# A UUID's text as PostgreSQL writes it (the pages read the ids they list as text: sessions/selectors/boards.py),
# and a list of them separated by commas.
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_TEXT = re.compile(_UUID)
_UUID_TEXTS = re.compile(f"{_UUID}(?:,{_UUID})*")


def _uuid_array(values) -> str | None:
    """``values`` (UUIDs, or their text) as PostgreSQL's array literal of UUIDs, ``{…,…}``; None is NULL. Each is
    a UUID, a UUID's text as PostgreSQL writes it, or read as a UUID here, so nothing else can reach the literal:
    anything that is no UUID raises ``ValueError``. Ids read as text (the board's, the week's two hundred) are
    checked in one match of the whole list, half the time of a match each."""
    if values is None:
        return None
    values = list(values)
    if all(value.__class__ is str for value in values):
        joined = ",".join(values)
        # As many UUIDs as values: then no value held a comma, and each is one UUID.
        if not values or (len(joined) == 37 * len(values) - 1 and _UUID_TEXTS.fullmatch(joined)):
            return "{" + joined + "}"
    return "{" + ",".join(map(_uuid_text, values)) + "}"


def _uuid_text(value) -> str:
    if isinstance(value, str) and _UUID_TEXT.fullmatch(value):
        return value
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


class PreparedInsert:
    """An INSERT of one row of ``model``, its SQL compiled once per process; each call makes the row's values as
    ``Model.objects.create`` would (every field's ``pre_save`` and ``get_db_prep_save``: defaults, ``auto_now_add``)
    and sends them. For a row written on nearly every page (the access log's): Django's create spent more CPU on
    the model and the compile than PostgreSQL on the insert. Returns nothing: the row's id is not read back.

    PostgreSQL keeps it as the prepared queries are kept (``Statement``: PREPARE once per connection, then EXECUTE
    with the values), and it goes without pghistory's context: that is for the triggers that record a tracked
    model's changes, and a model written this way keeps no history (the access log is its own record)."""

    def __init__(self, model):
        if hasattr(model, "pgh_event_model"):
            raise TypeError(f"{model.__name__} keeps a history (pghistory): its rows are written through the ORM")
        self.model = model
        # As Django's own insert: not the auto id, not a column PostgreSQL generates.
        self.fields = [field for field in model._meta.local_concrete_fields
                       if field is not model._meta.auto_field and not field.generated]
        # An array of UUIDs (the patients a list showed: 200 on the week) goes as one array literal: Django's and
        # psycopg2's adaptation of each UUID cost more than the insert.
        self._uuid_arrays = {field for field in self.fields
                             if isinstance(field, ArrayField) and isinstance(field.base_field, UUIDField)}
        self._statements: dict[str, Statement] = {}

    @property
    def statement(self) -> Statement:
        """The statement of the default database (once a row has been written there)."""
        return self._statements[DEFAULT_DB_ALIAS]

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> None:
        row = self.model(**values)
        connection = connections[using]
        statement = self._statements.get(using) or self._compile(row, using)
        params = {field.attname: _uuid_array(field.pre_save(row, True)) if field in self._uuid_arrays else
                  field.get_db_prep_save(field.pre_save(row, True), connection=connection) for field in self.fields}
        with without_history_context(connection), connection.cursor() as cursor:
            cursor.execute(*statement.sent(connection, params))

    def _compile(self, row, using: str) -> Statement:
        query = InsertQuery(self.model)
        query.insert_values(self.fields, [row])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = None
        (sql, params), = compiler.as_sql()
        # Every parameter is one of the row's values, in the fields' order: each a $n of the statement.
        statement = self._statements[using] = Statement(sql, tuple(params),
                                                        [field.attname for field in self.fields])
        return statement

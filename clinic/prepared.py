"""Querysets that Django builds and compiles once per process, then runs with new values (issue 13).

The pages read many times a minute (the day board, the week, a patient's page) ask the same few queries with new
values each time. Building such a queryset (filters, joins, annotations) and compiling it to SQL cost Django
0.5–1.2 ms of CPU a query, more than PostgreSQL takes to answer it; ``make bench`` counts it in every page.

A ``PreparedQuery`` is built once by its ``build`` function, with a stand-in value for each parameter, and
compiled; each call runs that SQL with the stand-ins swapped for the values given and returns the rows as the
queryset reads them (model instances with ``select_related`` and annotations, or ``values_list`` tuples), in a
list. Filters, order and slices belong in ``build``. ``build`` must not read the database: what it read would be
kept for the life of the process (preparing refuses a query run while building).

A stand-in is a value no page would ask for (a date in 1901, a negative id, a random UUID). Preparing builds the
query twice, with other stand-ins each time, and refuses it unless both give the same SQL with each stand-in
among the parameters, unchanged, in the same places: a lookup that rewrites its value (``__contains``), a list
for ``__in``, a value that decides the query's shape or is written into the SQL cannot be prepared.

PostgreSQL keeps it too (``PREPARED_STATEMENTS_ON_SERVER``, on by default): on each database connection the SQL is
sent once as ``PREPARE``, its constants written in and each value a ``$n``, and each call sends only ``EXECUTE``
with the values. PostgreSQL then skips parsing and planning, which cost more than running the day board's joins
(1.4 ms of 2.1; ``make bench``). A statement lives as long as its connection (persistent in production,
``DB_CONN_MAX_AGE``); behind a pooler that hands one connection to many clients between transactions, turn it off.
"""

from __future__ import annotations

import copy
import datetime
import functools
import threading
import uuid
import weakref
from collections.abc import Callable, Mapping
from contextlib import suppress
from types import MappingProxyType

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesListIterable
from django.db.models.sql import Query

from clinic.statements import Statement, statement_rows, without_history_context

KINDS = (int, str, uuid.UUID, datetime.datetime, datetime.date)


def _stand_in(kind: type, n: int, draw: int):
    """The ``n``-th parameter's stand-in in ``draw`` 0 or 1: preparing builds the query twice, each time with
    other stand-ins, and both must give the same SQL with the stand-ins in the same places."""
    n += 1000 * draw
    if kind is int:
        return -987_654_321_000 - n
    if kind is str:
        return f"\x1fprepared-{n}\x1f"
    if kind is uuid.UUID:
        return uuid.uuid4()
    if kind is datetime.datetime:
        return datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n)
    if kind is datetime.date:
        return datetime.date(1901, 1, 1) + datetime.timedelta(days=n)
    raise TypeError(f"a prepared query's parameter is one of {KINDS}, not {kind}")


class PreparedQuery:
    """``build(**stand_ins)`` returns the queryset; ``kinds`` names each parameter and its type. Call with the
    values: ``BOARD(location_id=3, day_start=…, day_end=…)``. ``generic_plan``: PostgreSQL plans it once for any
    values (``clinic.statements.GENERIC_PLAN``), for a query whose plan cannot go wrong without them (no join to
    order)."""

    # Every prepared query of the process, so a test can prepare each on the server (tests/clinic/test_prepared.py).
    every: weakref.WeakSet[PreparedQuery] = weakref.WeakSet()

    def __init__(self, build: Callable[..., QuerySet], *, generic_plan: bool = False, **kinds: type):
        self.build, self.kinds, self.generic_plan = build, kinds, generic_plan
        self._prepared: dict[str, _Prepared] = {}
        self._lock = threading.Lock()
        PreparedQuery.every.add(self)

    def stand_ins(self) -> dict:
        """A value of each parameter's kind that no page asks for (for a test that runs every prepared query)."""
        return {name: _stand_in(kind, n, 0) for n, (name, kind) in enumerate(self.kinds.items())}

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"a prepared query takes {sorted(self.kinds)}, not {sorted(values)}")
        for name, value in values.items():
            if not isinstance(value, self.kinds[name]) or isinstance(value, bool) or (
                    self.kinds[name] is datetime.date and isinstance(value, datetime.datetime)):
                raise TypeError(f"{name} is a {self.kinds[name].__name__}, not {value!r}")
            if isinstance(value, datetime.datetime) and value.tzinfo is None:
                raise TypeError(f"{name} must be an aware datetime")
        prepared = self._prepared.get(using)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.get(using) or self._prepare(using)
                self._prepared[using] = prepared
        return prepared.run(values, using)

    def first(self, **values):
        """The first row, or None: for a ``build`` that slices ``[:1]``."""
        rows = self(**values)
        return rows[0] if rows else None

    def _prepare(self, using: str) -> _Prepared:
        """Build and compile twice with other stand-ins: the same SQL, with each stand-in in the same places of
        its parameters, or the query cannot be prepared (a value rewritten by its lookup, a value that decides
        the query's shape, a constant that happens to equal a stand-in)."""
        first, second = (self._compiled(using, draw) for draw in (0, 1))
        (queryset, compiler, sql, params, slots), (_, _, sql_again, params_again, slots_again) = first, second
        constants = [param for param, slot in zip(params, slots, strict=True) if slot is None]
        constants_again = [param for param, slot in zip(params_again, slots_again, strict=True) if slot is None]
        missing = set(self.kinds) - set(slots)
        if missing or sql != sql_again or slots != slots_again or constants != constants_again:
            raise ValueError(f"cannot prepare {self.build.__qualname__}: {sorted(missing) or 'a value'} does not "
                             "reach the SQL as a parameter unchanged, in the same place whatever its value")
        prepared = self._runner()(queryset, compiler, Statement(sql, tuple(params), slots,
                                                                generic_plan=self.generic_plan))
        compiler.connection = None  # each run sets its own thread's: the preparing thread's is not kept alive
        return prepared

    def _compiled(self, using: str, draw: int):
        stand_ins = {name: _stand_in(kind, n, draw) for n, (name, kind) in enumerate(self.kinds.items())}
        with connections[using].execute_wrapper(_no_query_while_preparing):
            queryset = self.build(**stand_ins)
            compiler = queryset.query.get_compiler(using=using)
        sql, params = self._sql_of(queryset, compiler, using, stand_ins)
        by_value = {value: name for name, value in stand_ins.items()}
        slots = [by_value.get(param) if isinstance(param, KINDS) else None for param in params]
        return queryset, compiler, sql, params, slots

    def _runner(self) -> Callable[..., _Prepared]:
        return _Prepared

    def _sql_of(self, queryset: QuerySet, compiler, using: str, stand_ins: dict) -> tuple[str, tuple]:
        with connections[using].execute_wrapper(_no_query_while_preparing):
            return compiler.as_sql()


class PreparedAggregate(PreparedQuery):
    """An aggregate of a queryset (``.count()``, ``.aggregate(…)``) prepared as ``PreparedQuery`` prepares its rows:
    ``build`` returns the queryset, ``aggregates`` names each aggregate (``{"n": Count("id")}``, or a function of
    the call's values that returns them, for an aggregate's own filter); a call returns ``{name: value}``, as
    ``aggregate`` does. For the counts of the home page, asked on every visit: Django spent more CPU building each
    count than PostgreSQL took to answer it.

    The values come back as psycopg2 reads them, so an aggregate Django would convert after reading (an ``Avg``
    of integers, a field with ``from_db_value``) is refused when it is prepared: counts, sums of integers, and the
    least or greatest date or time are what it is for."""

    COUNT = MappingProxyType({"__count": Count("*")})  # as ``QuerySet.count``

    def __init__(self, build: Callable[..., QuerySet], aggregates: Mapping | Callable[..., Mapping], **kinds: type):
        super().__init__(build, **kinds)
        self.aggregates = aggregates

    def _aggregates(self, values: dict) -> dict:
        return dict(self.aggregates(**values) if callable(self.aggregates) else self.aggregates)

    def _runner(self) -> Callable[..., _Prepared]:
        return functools.partial(_PreparedAggregate, names=tuple(self._aggregates(self.stand_ins())))

    def _sql_of(self, queryset: QuerySet, compiler, using: str, stand_ins: dict) -> tuple[str, tuple]:
        """The SQL Django's own ``aggregate`` sends (a subquery where the queryset needs one), caught on its way
        to the database and never sent: the first wrapper of the connection's statements catches it, so no other
        sees or changes it."""
        connection, aggregates = connections[using], self._aggregates(stand_ins)
        _refuse_converted(queryset, aggregates, connection)
        caught = []

        def catch(execute, sql, params, many, context):
            caught.append((sql, tuple(params or ())))
            raise _Caught

        # Connected first: a new connection's own first statements (django.contrib.postgres reads its types'
        # oids) would otherwise be caught in the aggregate's place.
        connection.ensure_connection()
        log = connection.queries_log
        logged = len(log)
        connection.execute_wrappers.insert(0, catch)
        try:
            with suppress(_Caught):
                queryset.query.chain().get_aggregation(using, aggregates)
        finally:
            connection.execute_wrappers.remove(catch)
        if connection.queries_logged:
            while len(log) > logged:  # a query log (DEBUG, a test) noted the statement caught, which never ran
                log.pop()
        if len(caught) != 1 or not caught[0][0].lstrip().upper().startswith("SELECT"):
            raise ValueError(f"cannot prepare {self.build.__qualname__}: its aggregate is not one SELECT "
                             "(a queryset that is always empty, or one that reads while it is built)")
        return caught[0]

    def count(self, **values) -> int:
        return self(**values)["__count"]

    def first(self, **values):
        raise TypeError("an aggregate has one row of values: call it")


def _refuse_converted(queryset: QuerySet, aggregates: dict, connection) -> None:
    """An aggregate whose value Django converts after reading cannot be prepared (``PreparedAggregate``)."""
    for name, aggregate in aggregates.items():
        resolved = aggregate.resolve_expression(queryset.query.chain(), allow_joins=True, reuse=None, summarize=True)
        field = resolved.output_field
        # An integer's int() is what psycopg2 read already; a float(), a Decimal's quantize, a field's own are not.
        converts = resolved.convert_value is not resolved._convert_value_noop and not field.get_internal_type(
        ).endswith("IntegerField")
        if converts or field.get_db_converters(connection) or connection.ops.get_db_converters(resolved):
            raise ValueError(f"cannot prepare the aggregate {name!r}: Django converts its value after reading it "
                             f"({resolved.output_field.__class__.__name__})")


class _Caught(Exception):
    pass


def _no_query_while_preparing(execute, sql, params, many, context):
    raise RuntimeError("a prepared query's build function read the database: that would be kept for good")


class _Prepared:
    reads_rows = True  # as its queryset would (an aggregate's run reads its one row itself)

    def __init__(self, queryset: QuerySet, compiler, statement: Statement):
        self.queryset, self.compiler, self.statement = queryset, compiler, statement
        self.read_directly = _read_directly(queryset, compiler) if self.reads_rows else None

    def run(self, values: dict, using: str) -> list:
        if self.read_directly is not None:
            return self.read_directly(statement_rows(self.statement, using=using, **values))
        queryset = self.queryset._chain()
        queryset._db = using  # the database it was compiled for, whatever a router would say
        # Not ``queryset.query = …``: that setter makes a values_list queryset yield dicts.
        queryset._query = _PinnedQuery.pinned(self.queryset.query, self.compiler,
                                              lambda connection: self.statement.sent(connection, values))
        with without_history_context(connections[using]):
            return list(queryset)


def _read_directly(queryset: QuerySet, compiler) -> Callable[[list[tuple]], list] | None:
    """How to turn the cursor's rows into the queryset's, where that is nothing or next to it: a ``values_list``
    whose columns PostgreSQL's driver gives as Django would (no converter, no composite field, no column added
    for the order only). Django's reading of such rows (a clone of the queryset, its compiler's chunked fetch, a
    tuple made of each row) cost more than the driver's for the week's 200 appointments (issue 13). Else None:
    the rows are read through the queryset."""
    iterable = queryset._iterable_class
    if iterable not in (ValuesListIterable, FlatValuesListIterable) or compiler.has_extra_select:
        return None
    fields = [column[0] for column in compiler.select[:compiler.col_count]]
    if compiler.get_converters(fields) or compiler.has_composite_fields(fields):
        return None
    return _first_of_each if iterable is FlatValuesListIterable else _as_read


def _as_read(rows: list[tuple]) -> list[tuple]:
    return rows


def _first_of_each(rows: list[tuple]) -> list:
    return [row[0] for row in rows]


class _PreparedAggregate(_Prepared):
    """Its row's values in the order of the aggregates named (an aggregate over a subquery is not named in SQL)."""

    reads_rows = False

    def __init__(self, queryset: QuerySet, compiler, statement: Statement, *, names: tuple[str, ...]):
        super().__init__(queryset, compiler, statement)
        self.names = names

    def run(self, values: dict, using: str) -> dict:
        (row,) = statement_rows(self.statement, using=using, **values)
        return dict(zip(self.names, row, strict=True))


class _PinnedQuery(Query):
    """A query whose compiler gives the prepared SQL and this call's values, for one reading of its rows. Any
    change to it would not reach the SQL, so it refuses to be cloned (how every queryset method starts)."""

    @classmethod
    def pinned(cls, query: Query, compiler, sql_and_params: Callable) -> _PinnedQuery:
        pinned = copy.copy(query)
        pinned.__class__ = cls
        pinned._pinned = (compiler, sql_and_params)
        return pinned

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        prepared, sql_and_params = self._pinned
        compiler = copy.copy(prepared)
        compiler.connection = connection if connection is not None else connections[using]
        compiler.as_sql = lambda *args, **kwargs: sql_and_params(compiler.connection)
        return compiler

    def clone(self):  # ``chain`` clones too
        raise TypeError("a prepared query runs as it was built: filter, slice or order it in its build function")

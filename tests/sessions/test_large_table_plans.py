"""Issue 13: the queries of pages that look for a few rows among every row ever written have an index to read.

A test table is tiny, so PostgreSQL would read it whole anyway; with sequential scans switched off, the plan
shows whether an index can serve the query at all (``make bench`` measures the rest at a million rows)."""


import pytest
from django.db import connection

from sessions.home import held_records_count_query
from sessions.selectors.records import records_awaiting_signature

pytestmark = pytest.mark.django_db


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_records_awaiting_signature_read_the_unsigned_records_index():
    plan = plan_of(records_awaiting_signature())
    assert "record_unsigned_idx" in plan, plan


def test_records_on_hold_are_counted_by_a_join_an_index_serves_not_a_subquery_per_unsigned_record():
    """Which side PostgreSQL starts from (the hold events or the unsigned records) is its statistics' choice; what
    the query guarantees is a join with no subquery asked per record, every table read by an index."""
    plan = plan_of(held_records_count_query())
    assert "Anti Join" in plan and "SubPlan" not in plan and "Seq Scan" not in plan, plan


def test_the_rems_forms_owed_name_the_esketamine_protocols_by_id():
    """The bench's large clinic: a million IV sessions. Joined on the protocol's route, PostgreSQL guesses
    half of them might be esketamine and reads them all; with the esketamine protocols' ids it reads the
    protocol index (its statistics know how few they are). The plan of a tiny test table proves nothing here,
    so the query's shape is checked."""
    from sessions.models import Protocol
    from sessions.selectors.rems import rems_forms_owed

    sql = str(rems_forms_owed().query)
    esketamine = sorted(Protocol.objects.filter(route="intranasal").values_list("pk", flat=True))
    assert esketamine and 'JOIN "clinic_sessions_protocol"' not in sql, sql
    assert f'"protocol_id" IN ({", ".join(map(str, esketamine))})' in sql, sql


@pytest.mark.parametrize("name", ["board", "week"])
def test_the_board_and_week_have_one_plan_for_every_day_and_it_reads_the_location_and_time_index(name):
    """Issue 13: the day board's and week's statements are planned once for any values (``generic_plan``): a plan
    made without the values must still read the appointments of one day or week by an index, and join nothing it
    could join the wrong way round (a generic plan with the patient joined read all 50,000 patients; at 1,000,000
    appointments it reads ``appointment_location_start``: ``make bench``): the patients and nurses in subqueries,
    a row for each appointment by an index; only the small tables of the chairs and protocols joined."""
    import datetime

    from clinic.statements import statement_rows
    from sessions.selectors.boards import BOARD_APPOINTMENTS, WEEK_APPOINTMENTS

    query = {"board": BOARD_APPOINTMENTS, "week": WEEK_APPOINTMENTS}[name]
    assert query.generic_plan
    values = dict(zip(query.kinds, (1, datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
                                    datetime.datetime(2026, 1, 6, tzinfo=datetime.UTC)), strict=True))
    query(**values)  # prepared on this connection
    statement = query._prepared["default"].statement
    with connection.cursor() as cursor:  # as a page outside a transaction would: a generic plan kept, seq scans on
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        assert statement_rows(statement, **values) == []
        cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
    with connection.cursor() as cursor:
        # Prepared afresh: the connection's own statement may keep a plan made before these settings (a page
        # viewed earlier on it), and a kept plan is not made again when a setting changes.
        cursor.execute(f"PREPARE plan_probe AS {statement.text(cursor.cursor)}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN EXECUTE plan_probe({', '.join(['%s'] * len(statement.order))})",
                       [values[key] for key in statement.order])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE plan_probe")
    lines = plan.splitlines()
    appointments = next(line for line in lines if "on clinic_sessions_appointment" in line)
    assert "Index" in appointments, plan
    # The patients (and the board's nurses) are read in subqueries, a row for each appointment by an index, never
    # joined (hashed or scanned whole); the only joins are the chairs' and protocols' (small tables: how to join
    # them is the statistics' choice, and so is which index a subquery of a tiny test table reads).
    joins, subplans = plan.split("SubPlan", 1)
    read_by_subquery = {"board": ("patients_patient", "accounts_user"), "week": ("patients_patient",)}[name]
    for table in read_by_subquery:
        assert f" on {table} " not in joins, plan
        reads = [line for line in subplans.splitlines() if f" on {table} " in line]
        assert reads and all("Index" in line for line in reads), plan
    joined = [line for line in lines  # join nodes, not their "Join Filter" lines
              if line.strip().removeprefix("->").strip().startswith(("Nested Loop", "Hash Join", "Merge Join"))]
    assert len(joined) <= 2, plan
    assert "$2" in plan  # the generic plan: the values are parameters in it, not constants

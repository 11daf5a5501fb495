"""Issue 13: the queries of pages that look for a few rows among every row ever written have an index to read.

A test table is tiny, so PostgreSQL would read it whole anyway; with sequential scans switched off, the plan
shows whether an index can serve the query at all (``make bench`` measures the rest at a million rows)."""

from datetime import UTC, datetime

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
    plan = plan_of(records_awaiting_signature(now=datetime(2026, 11, 30, tzinfo=UTC)))
    assert "record_unsigned_idx" in plan, plan


def test_records_on_hold_are_counted_from_the_unsigned_records_index():
    plan = plan_of(held_records_count_query())
    assert "record_unsigned_idx" in plan, plan

"""The home page's appointment counts (sessions/home.py): one statement for any number of locations, each location
counted on its own days by an index scan, whatever plan PostgreSQL keeps, and the same counts
whether or not PostgreSQL keeps the statement."""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sessions.home import _COUNTS_BY_START, _COUNTS_BY_STATUS, _days_of, appointment_counts, census_counts
from tests.clinic.test_home_today import _today_appointments
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("statement", [_COUNTS_BY_START, _COUNTS_BY_STATUS], ids=["by start", "by status"])
def test_each_location_is_counted_on_its_own_days_by_an_index_scan_in_the_plan_postgresql_keeps(
        statement, location):
    """Joined to the locations' days, the plan PostgreSQL keeps for any days (generic) read every appointment and
    then matched their days (a hash join): counted location by location, each location's appointments are read by
    an index scan on its own days' bounds. Which index (``appointment_location_start``, or one on the location or
    the start alone with the rest as a filter) depends on the test table's statistics and index sizes, which a
    long-used test database accumulates, not on the statement: at the bench's sizes it is
    ``appointment_location_start``."""
    days = _days_of((location, LocationFactory()), timezone.now(), 2)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: only index scans are left
        cursor.execute(f"PREPARE home_counts_plan AS {statement.text(cursor)}")
        try:
            cursor.execute("EXPLAIN EXECUTE home_counts_plan(%s, %s, %s)", list(days.values()))
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE home_counts_plan")
    # The appointments are read by an index scan whose condition is the day row's (once per location), and no
    # hash matches appointments to days.
    scan = re.search(r"Index Scan using \w+ on clinic_sessions_appointment appointment.*\n\s+Index Cond: (.*)", plan)
    assert scan and "day." in scan.group(1), plan
    assert not re.search(r"Hash Cond: .*day\.", plan), plan
    assert "location_id = day.location_id" in plan and "(start >= day.starts) AND (start < day.ends)" in plan, plan


@pytest.mark.parametrize("on_server", [True, False], ids=["kept by PostgreSQL", "sent whole"])
def test_the_counts_are_the_same_whether_postgresql_keeps_the_statement_or_not(on_server, settings, location,
                                                                                front_desk):
    settings.PREPARED_STATEMENTS_ON_SERVER = on_server
    other = LocationFactory(name="Second Site", time_zone="America/Los_Angeles")
    _today_appointments(location, front_desk, 3)
    _today_appointments(location, front_desk, 2, day_offset=1)
    _today_appointments(other, front_desk, 4, status="confirmed")
    now = timezone.now()
    counts = appointment_counts(now, (location, other))
    assert sum(row.n for row in counts if row.today) == 7 and sum(row.n for row in counts if not row.today) == 2
    assert {(row.location_id, row.status) for row in counts} == {(location.pk, "booked"), (other.pk, "confirmed")}
    assert sorted(census_counts(now, (location, other))) == sorted([(location.pk, "booked", 3),
                                                                    (other.pk, "confirmed", 4)])
    assert census_counts(now, ()) == [] and appointment_counts(now, ()) == []


def test_yesterdays_and_the_day_after_tomorrows_appointments_are_not_counted(location, front_desk):
    _today_appointments(location, front_desk, 2, day_offset=-1)
    _today_appointments(location, front_desk, 3, day_offset=2)
    now = timezone.now()
    assert appointment_counts(now, (location,)) == [] and census_counts(now, (location,)) == []
    assert timedelta(days=2) >= _days_of((location,), now, 2)["ends"][0] - _days_of((location,), now, 2)["starts"][0]

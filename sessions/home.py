"""The schedule's and the session records' panels on the staff home page (clinic/home.py).

Counts only, no names: the home page shows no patient data, so it writes no access event. Each builder runs a
fixed number of queries (one aggregate per question, and the locations and the holds once for the page through
``shared``), whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from clinic.home import HomeCount, SharedAnswers
from clinic.models import Location
from clinic.prepared import PreparedAggregate
from clinic.statements import Statement, statement_rows
from sessions import html
from sessions.courses import to_local, to_utc
from sessions.models import Appointment, Chair, HoldKind, SessionHoldEvent
from sessions.selectors.boards import active_locations, location_worked_at
from sessions.selectors.records import records_awaiting_signature, signature_overdue_after

S = Appointment.Status
TO_ARRIVE = (S.BOOKED, S.CONFIRMED)
ARRIVED = (S.CHECKED_IN, S.IN_SESSION, S.RECOVERING, S.COMPLETED)


@dataclass
class LocationDay:
    location: Location
    today: date
    board: str  # the day board's path, reversed once for the page
    to_arrive: int = 0
    arrived: int = 0
    tomorrow_unconfirmed: int = 0
    completed: int = 0
    missed: int = 0
    times: list = field(default_factory=list)  # [(local time, to arrive, arrived)]
    chairs: list = field(default_factory=list)  # [(chair name, {status label: n})]

    def _board_url(self, day: date) -> str:
        return self.board + "?" + urlencode({"location": self.location.public_id, "day": day.isoformat()})

    # Worked out once: the home page prints the board's link on every time and chair of the day.
    @cached_property
    def board_url(self) -> str:
        return self._board_url(self.today)

    @cached_property
    def tomorrow_url(self) -> str:
        return self._board_url(self.today + timedelta(days=1))

    # The lines printed per time and per chair, built in Python (sessions/html.py): in the template language
    # they were most of the panels' render time at ten locations.
    @property
    def times_html(self) -> SafeString:
        return html.home_times(self.times)

    @property
    def chairs_html(self) -> SafeString:
        return html.home_chairs(self.chairs, self.board_url)

    @property
    def total(self) -> int:
        return self.to_arrive + self.arrived


def _days_of(locations: tuple[Location, ...], now: datetime, days: int) -> dict[str, list]:
    """Each location's id, and the start and end (UTC) of ``days`` local days from its today, in its own time
    zone: the values of the counts' statements, one element per location."""
    ids, starts, ends = [], [], []
    for location in locations:
        day = to_local(now, location.time_zone).date()
        ids.append(location.pk)
        starts.append(to_utc(day, time(0), location.time_zone))
        ends.append(to_utc(day + timedelta(days=days), time(0), location.time_zone))
    return {"location_ids": ids, "starts": starts, "ends": ends}


# The home page's counts of appointments, asked on every visit, for any number of locations: each location with its
# own days (its zone's), sent as three arrays to one statement that PostgreSQL keeps (clinic.prepared). Counted
# location by location (LATERAL: each reads its days by appointment_location_start, whatever plan PostgreSQL
# keeps), not joined: joined, the generic plan read every appointment. Written in SQL: built by the ORM, with a
# condition per zone, the two counts cost Django 4 ms of CPU a visit, more than the rest of the page's queries.
_EACH_LOCATIONS_DAYS = "unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS day (location_id, starts, ends)"
_ITS_APPOINTMENTS = (f"FROM {Appointment._meta.db_table} appointment WHERE appointment.location_id = day.location_id "
                     "AND appointment.start >= day.starts AND appointment.start < day.ends")
_COUNTS_BY_START = Statement.of_values(
    "SELECT day.location_id, counted.start, counted.status, chair.name, counted.n "  # noqa: S608 (constants)
    f"FROM {_EACH_LOCATIONS_DAYS} "
    "CROSS JOIN LATERAL (SELECT appointment.chair_id, appointment.status, appointment.start, COUNT(*) AS n "
    f"{_ITS_APPOINTMENTS} GROUP BY appointment.chair_id, appointment.status, appointment.start) counted "
    f"JOIN {Chair._meta.db_table} chair ON chair.id = counted.chair_id "
    "ORDER BY day.location_id, chair.position, chair.name, counted.status, counted.start",
    "location_ids", "starts", "ends")
_COUNTS_BY_STATUS = Statement.of_values(
    "SELECT day.location_id, counted.status, counted.n "  # noqa: S608 (constants)
    f"FROM {_EACH_LOCATIONS_DAYS} "
    f"CROSS JOIN LATERAL (SELECT appointment.status, COUNT(*) AS n {_ITS_APPOINTMENTS} "
    "GROUP BY appointment.status) counted",
    "location_ids", "starts", "ends")


class StartCount(NamedTuple):
    """How many appointments of one location start at one time on one chair in one status (a named tuple:
    made for every row, faster than a frozen dataclass)."""

    location_id: int
    start: datetime
    status: str
    chair_name: str
    n: int
    today: bool  # else tomorrow (the location's local days)


def appointment_counts(now: datetime, locations: tuple[Location, ...]) -> list[StartCount]:
    """Today's and tomorrow's appointments of each location counted by start, chair and status, in one query
    for the page: the arrivals, the chairs and the census are each a sum of these (they were three queries,
    each with its own per-location filter). In chair order (position, name), then status, then start."""
    today = _days_of(locations, now, 1)
    tomorrow = dict(zip(today["location_ids"], today["ends"], strict=True))  # each location's next midnight
    return [StartCount(location_id, start, status, chair, n, start < tomorrow[location_id])
            for location_id, start, status, chair, n in statement_rows(_COUNTS_BY_START,
                                                                       **_days_of(locations, now, 2))]


def locations_shown(works_at_id: int | None, shared: SharedAnswers) -> list[Location]:
    """The locations a person's arrivals and chairs panels show: the one they work at, if it is open, else every
    open location (the locations read once for the page)."""
    locations = shared(active_locations)
    works_at = location_worked_at(locations, works_at_id)
    return [works_at] if works_at else locations


@dataclass(frozen=True)
class Where:
    """Which locations a panel shows, for its line saying so (a clinic of one location needs none)."""

    works_at: Location | None  # the one shown, where the person works; None: every location
    several: bool  # the clinic has more than one open location


def _where(works_at_id: int | None, shared: SharedAnswers) -> Where:
    locations = shared(active_locations)
    several = len(locations) > 1
    return Where(works_at=location_worked_at(locations, works_at_id) if several else None, several=several)


def _location_days(now: datetime, locations: list[Location], shared: SharedAnswers) -> list[LocationDay]:
    """Each location's today, new for each panel (a panel fills in its own counts)."""
    board = shared(reverse, "schedule:board")
    return [LocationDay(location=loc, today=to_local(now, loc.time_zone).date(), board=board) for loc in locations]


def _days(now: datetime, shared: SharedAnswers, works_at_id: int | None) -> tuple[list[LocationDay],
                                                                                 list[StartCount]]:
    """Each shown location's today, and the counts of the page (the locations and the counts read once)."""
    locations = locations_shown(works_at_id, shared)
    return _location_days(now, locations, shared), shared(appointment_counts, now, tuple(locations))


def front_desk_today(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Today's arrivals by time, per location shown (to arrive / checked in), and tomorrow's unconfirmed."""
    days, counts = _days(now, shared, works_at_id)
    by_id = {d.location.pk: d for d in days}
    at: dict[tuple[int, datetime], list[int]] = {}  # (location, start): [to arrive, arrived]
    for row in counts:
        if not row.today:
            by_id[row.location_id].tomorrow_unconfirmed += row.n if row.status == S.BOOKED else 0
        elif row.status in TO_ARRIVE or row.status in ARRIVED:
            at.setdefault((row.location_id, row.start), [0, 0])[0 if row.status in TO_ARRIVE else 1] += row.n
    for (location_id, start), (to_arrive, arrived) in sorted(at.items()):
        day = by_id[location_id]
        day.to_arrive, day.arrived = day.to_arrive + to_arrive, day.arrived + arrived
        day.times.append((to_local(start, day.location.time_zone), to_arrive, arrived))
    return {"days": days, "where": _where(works_at_id, shared)}


def nurse_today(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Today's patients per location shown, by chair and status, and the session records on hold."""
    days, counts = _days(now, shared, works_at_id)
    by_id = {d.location.pk: d for d in days}
    labels = dict(S.choices)
    for row in counts:
        if not row.today or row.status in (S.CANCELLED, S.RESCHEDULED):
            continue
        chairs = by_id[row.location_id].chairs
        if not chairs or chairs[-1][0] != row.chair_name:
            chairs.append((row.chair_name, {}))
        statuses = chairs[-1][1]
        statuses[labels[row.status]] = statuses.get(labels[row.status], 0) + row.n
    return {"days": days, "holds_list": [shared(_holds_count)], "where": _where(works_at_id, shared)}


def held_records_count_query():
    """Unsigned records whose latest hold event is a hold (not yet released or stopped): the holds of unsigned
    records that no later event of their record follows, one per held record. A join, not a subquery per
    record, so that PostgreSQL starts from whichever side its statistics say is smaller: the hold events (a hold
    is rare) or the unsigned records' index. Asked per unsigned record, the count grew with the backlog of
    records waiting for a signature, even with no hold at all (issue 13)."""
    later = SessionHoldEvent.objects.filter(record=OuterRef("record")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id")))
    return (SessionHoldEvent.objects.filter(kind=HoldKind.HOLD, record__signed_at__isnull=True)
            .exclude(Exists(later)))


_HELD_RECORDS = PreparedAggregate(held_records_count_query, PreparedAggregate.COUNT)  # clinic.prepared, issue 13
_RECORDS_TO_SIGN = PreparedAggregate(
    lambda *, overdue_before: records_awaiting_signature(),
    lambda *, overdue_before: {"waiting": Count("id"), "overdue": Count("id", filter=Q(opened_at__lt=overdue_before))},
    overdue_before=datetime)


def _holds_count() -> HomeCount:
    held = _HELD_RECORDS.count()
    return HomeCount("session records on hold, waiting for a prescriber's go or stop", held,
                     reverse("schedule:board"), "No session is on hold.", urgent=bool(held))


def prescriber_records(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Holds waiting for a go, and records waiting for a signature (overdue after the set hours)."""
    overdue_before = now - signature_overdue_after()
    counts = _RECORDS_TO_SIGN(overdue_before=overdue_before)
    overdue = counts["overdue"]
    return {"counts": [
        shared(_holds_count),
        HomeCount("records waiting for your signature", counts["waiting"], reverse("schedule:record_queue"),
                  "No record is waiting for a signature.", urgent=bool(overdue),
                  note=f"{overdue} overdue" if overdue else ""),
    ]}


def census_counts(now: datetime, locations: tuple[Location, ...]) -> list[tuple[int, str, int]]:
    """(location, status, how many) of each location's today: the census needs no times or chairs."""
    return statement_rows(_COUNTS_BY_STATUS, **_days_of(locations, now, 1))


def manager_census(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Today's census of every location, whichever one the manager works at: booked, arrived, completed,
    cancelled or no-show."""
    locations = shared(active_locations)
    days = _location_days(now, locations, shared)
    by_id = {d.location.pk: d for d in days}
    for location_id, status, n in shared(census_counts, now, tuple(locations)):
        day = by_id[location_id]
        day.to_arrive += n if status in TO_ARRIVE else 0
        day.arrived += n if status in ARRIVED else 0
        day.completed += n if status == S.COMPLETED else 0
        day.missed += n if status in (S.CANCELLED, S.NO_SHOW) else 0
    return {"days": days}

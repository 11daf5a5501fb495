"""The schedule's and the session records' panels on the staff home page (clinic/home.py).

Counts only, no names: the home page shows no patient data, so it writes no access event. Each builder runs a
fixed number of queries (one aggregate per question, and the locations and the holds once for the page through
``shared``), whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from clinic.home import HomeCount, SharedAnswers
from clinic.models import Location
from sessions.courses import to_local, to_utc
from sessions.models import Appointment, SessionHoldEvent, SessionRecord
from sessions.selectors.records import signature_overdue_after

S = Appointment.Status
TO_ARRIVE = (S.BOOKED, S.CONFIRMED)
ARRIVED = (S.CHECKED_IN, S.IN_SESSION, S.RECOVERING, S.COMPLETED)


@dataclass
class LocationDay:
    location: Location
    today: date
    to_arrive: int = 0
    arrived: int = 0
    tomorrow_unconfirmed: int = 0
    completed: int = 0
    missed: int = 0
    times: list = field(default_factory=list)  # [(local time, to arrive, arrived)]
    chairs: list = field(default_factory=list)  # [(chair name, {status label: n})]

    def _board_url(self, day: date) -> str:
        return reverse("schedule:board") + "?" + urlencode({"location": self.location.public_id,
                                                            "day": day.isoformat()})

    # Worked out once: the home page prints the board's link on every time and chair of the day.
    @cached_property
    def board_url(self) -> str:
        return self._board_url(self.today)

    @cached_property
    def tomorrow_url(self) -> str:
        return self._board_url(self.today + timedelta(days=1))

    @property
    def total(self) -> int:
        return self.to_arrive + self.arrived


def _day_q(locations: list[Location], now: datetime, offset: int) -> Q:
    """Appointments on the local day ``offset`` days from each location's today (each has its own zone)."""
    q = Q(pk__in=[])
    for location in locations:
        day = to_local(now, location.time_zone).date() + timedelta(days=offset)
        q |= Q(location=location, start__gte=to_utc(day, time(0), location.time_zone),
               start__lt=to_utc(day + timedelta(days=1), time(0), location.time_zone))
    return q


def active_locations() -> list[Location]:
    return list(Location.objects.filter(is_active=True).order_by("name"))


def _days(now: datetime, shared: SharedAnswers) -> tuple[list[LocationDay], Q]:
    """Each location's today, new for each panel (a panel fills in its own counts); the locations read once."""
    locations = shared(active_locations)
    days = [LocationDay(location=loc, today=to_local(now, loc.time_zone).date()) for loc in locations]
    return days, _day_q(locations, now, 0)


def front_desk_today(*, now: datetime, shared: SharedAnswers) -> dict:
    """Today's arrivals by time, per location (to arrive / checked in), and tomorrow's unconfirmed."""
    days, today_q = _days(now, shared)
    by_id = {d.location.pk: d for d in days}
    rows = (Appointment.objects.filter(today_q | _day_q([d.location for d in days], now, 1))
            .values("location_id", "start")
            .annotate(to_arrive=Count("id", filter=today_q & Q(status__in=TO_ARRIVE)),
                      arrived=Count("id", filter=today_q & Q(status__in=ARRIVED)),
                      unconfirmed=Count("id", filter=~today_q & Q(status=S.BOOKED)))
            .order_by("location_id", "start"))
    for row in rows:
        day = by_id[row["location_id"]]
        day.to_arrive += row["to_arrive"]
        day.arrived += row["arrived"]
        day.tomorrow_unconfirmed += row["unconfirmed"]
        if row["to_arrive"] or row["arrived"]:
            day.times.append((to_local(row["start"], day.location.time_zone), row["to_arrive"], row["arrived"]))
    return {"days": days}


def nurse_today(*, now: datetime, shared: SharedAnswers) -> dict:
    """Today's patients per location by chair and status, and the session records on hold."""
    days, today_q = _days(now, shared)
    by_id = {d.location.pk: d for d in days}
    rows = (Appointment.objects.filter(today_q).exclude(status__in=(S.CANCELLED, S.RESCHEDULED))
            .values("location_id", "chair__position", "chair__name", "status").annotate(n=Count("id"))
            .order_by("location_id", "chair__position", "chair__name", "status"))
    labels = dict(S.choices)
    for row in rows:
        chairs = by_id[row["location_id"]].chairs
        if not chairs or chairs[-1][0] != row["chair__name"]:
            chairs.append((row["chair__name"], {}))
        chairs[-1][1][labels[row["status"]]] = row["n"]
    return {"days": days, "holds_list": [shared(_holds_count)]}


def held_records_count_query():
    """Unsigned records whose last hold event is a hold (not yet released or stopped)."""
    latest = SessionHoldEvent.objects.filter(record=OuterRef("pk")).order_by("-created_at", "-id")
    return (SessionRecord.objects.filter(signed_at__isnull=True)
            .annotate(last_kind=Subquery(latest.values("kind")[:1])).filter(last_kind="hold"))


def _holds_count() -> HomeCount:
    held = held_records_count_query().count()
    return HomeCount("session records on hold, waiting for a prescriber's go or stop", held,
                     reverse("schedule:board"), "No session is on hold.", urgent=bool(held))


def prescriber_records(*, now: datetime, shared: SharedAnswers) -> dict:
    """Holds waiting for a go, and records waiting for a signature (overdue after the set hours)."""
    overdue_before = now - signature_overdue_after()
    counts = SessionRecord.objects.filter(signed_at__isnull=True, appointment__status=S.COMPLETED).aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(opened_at__lt=overdue_before)))
    overdue = counts["overdue"]
    return {"counts": [
        shared(_holds_count),
        HomeCount("records waiting for your signature", counts["waiting"], reverse("schedule:record_queue"),
                  "No record is waiting for a signature.", urgent=bool(overdue),
                  note=f"{overdue} overdue" if overdue else ""),
    ]}


def manager_census(*, now: datetime, shared: SharedAnswers) -> dict:
    """Today's census per location: booked, arrived, completed, cancelled or no-show."""
    days, today_q = _days(now, shared)
    by_id = {d.location.pk: d for d in days}
    rows = (Appointment.objects.filter(today_q).values("location_id")
            .annotate(to_arrive=Count("id", filter=Q(status__in=TO_ARRIVE)),
                      arrived=Count("id", filter=Q(status__in=ARRIVED)),
                      completed=Count("id", filter=Q(status=S.COMPLETED)),
                      missed=Count("id", filter=Q(status__in=(S.CANCELLED, S.NO_SHOW)))))
    for row in rows:
        day = by_id[row["location_id"]]
        day.to_arrive, day.arrived = row["to_arrive"], row["arrived"]
        day.completed, day.missed = row["completed"], row["missed"]
    return {"days": days}

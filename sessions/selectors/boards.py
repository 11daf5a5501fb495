"""The day board and week view, shaped for their templates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from clinic.models import Location
from patients.selectors import consent_current_signed  # read-only: the board's consent warning
from sessions.courses import get_zone, local_datetime
from sessions.models import Appointment, Chair

BOARD_ROW_MINUTES = 15


@dataclass
class BoardCard:
    appointment: Appointment
    local_start: datetime
    local_end: datetime
    row: int  # 1-based time row of the start (grid row = row + 1, under the chair names)
    span: int  # rows covered
    column: int = 0  # grid column (1 is the time labels)
    overrunning: bool = False  # in session or recovering, and now past its booked end
    next_on_chair: BoardCard | None = None  # for an overrunning card: the next booking on its chair, if any

    @property
    def grid_row(self) -> int:
        return self.row + 1

    @property
    def needs_consent(self) -> bool:
        """Consent must be signed again before this session (it is still to start)."""
        return needs_consent(self.appointment)


@dataclass
class DayBoard:
    location: Location
    day: date
    chairs: list[Chair]
    rows: list[datetime]  # local time of each 15-minute row
    columns: list[list[BoardCard]]  # one list per chair
    now_row: int | None
    outside_hours: list[BoardCard]
    released: list[BoardCard] = field(default_factory=list)  # cancelled, no-shows, not given: listed, no chair

    @property
    def cards(self) -> list[BoardCard]:
        return [card for column in self.columns for card in column]

    @property
    def time_rows(self) -> list[tuple[int, datetime]]:
        """(grid row, local time) of each 15-minute row."""
        return [(i + 2, moment) for i, moment in enumerate(self.rows)]

    @property
    def chair_columns(self) -> list[tuple[int, Chair]]:
        return [(i + 2, chair) for i, chair in enumerate(self.chairs)]


def day_board(*, location: Location, day: date, now: datetime | None = None) -> DayBoard:
    """Chairs as columns, 15-minute rows from opening to closing, each appointment placed by row.

    Two queries whatever the number of appointments (pinned in tests): chairs, and appointments with
    their patient, protocol, chair and nurse.
    """
    zone = get_zone(location.time_zone)
    opens = local_datetime(day, location.opens_at, zone)
    closes = local_datetime(day, location.closes_at, zone)
    rows, cursor = [], opens
    while cursor < closes:
        rows.append(cursor.astimezone(zone))
        cursor += timedelta(minutes=BOARD_ROW_MINUTES)
    chairs = list(Chair.objects.filter(location=location, is_active=True))
    day_start = local_datetime(day, time(0), zone)
    day_end = local_datetime(day + timedelta(days=1), time(0), zone)
    appointments = (with_consent_current(
        Appointment.objects.filter(location=location, start__gte=day_start, start__lt=day_end))
                    .exclude(status=Appointment.Status.RESCHEDULED)
                    .select_related("patient", "protocol", "chair", "nurse", "location").order_by("start"))
    index = {chair.pk: i for i, chair in enumerate(chairs)}
    columns: list[list[BoardCard]] = [[] for _ in chairs]
    outside, released = [], []
    for appointment in appointments:
        start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
        row = int((appointment.start - opens).total_seconds() // (BOARD_ROW_MINUTES * 60)) + 1
        span = max(1, -(-int((appointment.end - appointment.start).total_seconds()) // (BOARD_ROW_MINUTES * 60)))
        card = BoardCard(appointment, start, end, row, max(1, min(span, len(rows) - row + 1)))
        if not appointment.is_occupying:
            released.append(card)
        elif appointment.chair_id not in index or row < 1 or row > len(rows):
            outside.append(card)
        else:
            card.column = index[appointment.chair_id] + 2
            columns[index[appointment.chair_id]].append(card)
    now = now or timezone.now()
    for column in columns:
        _mark_overruns(column, now)
    now_row = int((now - opens).total_seconds() // (BOARD_ROW_MINUTES * 60)) + 2 if opens <= now < closes else None
    return DayBoard(location, day, chairs, rows, columns, now_row, outside, released)

# A session under way: past its booked end it is overrunning (CLINICAL.md §4: discharge decides the end).
UNDER_WAY = (Appointment.Status.IN_SESSION, Appointment.Status.RECOVERING)


def _mark_overruns(column: list[BoardCard], now: datetime) -> None:
    """Mark the chair's sessions under way past their booked end, with the next booking still to start on that
    chair, so the board warns before the next patient sits waiting. From the cards already loaded: no query."""
    for card in column:
        appointment = card.appointment
        if appointment.status in UNDER_WAY and now > appointment.end:
            card.overrunning = True
            card.next_on_chair = next((later for later in column if later.appointment.start >= appointment.end
                                       and later.appointment.status in NOT_STARTED), None)


# Statuses before the session starts: the ones a consent that is no longer current still holds up.
NOT_STARTED = (Appointment.Status.BOOKED, Appointment.Status.CONFIRMED, Appointment.Status.CHECKED_IN)


def with_consent_current(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Annotate ``consent_current``: the patient signed the latest consent version (the patients app's one
    rule, ``consent_current_signed``), inside the appointments query so the board's query count stays flat."""
    return queryset.annotate(consent_current=consent_current_signed(OuterRef("patient_id")))


def needs_consent(appointment: Appointment) -> bool:
    """True when the appointment is still to start and its patient has not signed the current consent
    (``consent_current`` from ``with_consent_current``; without it, nothing is claimed)."""
    return appointment.status in NOT_STARTED and getattr(appointment, "consent_current", True) is False


@dataclass
class WeekDay:
    day: date
    appointments: list[Appointment]
    is_open: bool


def week_board(*, location: Location, week_start: date) -> list[WeekDay]:
    """Seven days from ``week_start`` with their appointments (one query)."""
    zone = get_zone(location.time_zone)
    lo = local_datetime(week_start, time(0), zone)
    hi = local_datetime(week_start + timedelta(days=7), time(0), zone)
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in (Appointment.objects.filter(location=location, start__gte=lo, start__lt=hi)
                        .exclude(status=Appointment.Status.RESCHEDULED)
                        .select_related("patient", "protocol", "chair", "location").order_by("start")):
        by_day[appointment.start.astimezone(zone).date()].append(appointment)
    days = [week_start + timedelta(days=i) for i in range(7)]
    return [WeekDay(d, by_day[d], d.weekday() in location.open_weekdays) for d in days]


def locations_with_chairs() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).annotate(chair_count=Count("chairs")).prefetch_related(
        Prefetch("chairs", queryset=Chair.objects.order_by("position", "name")))

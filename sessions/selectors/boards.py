"""The day board and week view, shaped for their templates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, F, Func, OuterRef, Prefetch, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from clinic.models import Location
from clinic.prepared import PreparedQuery
from patients.models import Patient  # read-only: the names pages show (Patient.name_from), read by a subquery
from patients.selectors import consent_current_signed  # read-only: the board's consent warning
from sessions.courses import get_zone, local_datetime
from sessions.models import Appointment, Chair

from .actions import Actions, AppointmentUrls, PageActions

BOARD_ROW_MINUTES = 15


def clock(moment: datetime | time) -> str:
    """A local time as the boards print it, "HH:MM": ``f"{moment:%H:%M}"`` goes through strftime, about 5 µs,
    several hundred times a page."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


# Each status's label, as ``get_status_display`` gives it, without the work it does on every call.
STATUS_LABELS: dict[str, str] = dict(Appointment.Status.choices)


@dataclass
class BoardCard:
    """One appointment on the day board, with what its card shows worked out here: the template only prints
    (per-card tags and filters were most of the board's template time; bench/board_render.py)."""

    appointment: BoardAppointment
    local_start: datetime
    local_end: datetime
    row: int  # 1-based time row of the start (grid row = row + 1, under the chair names)
    span: int  # rows covered
    url: str = ""  # the appointment's page
    column: int = 0  # grid column (1 is the time labels)
    overrunning: bool = False  # in session or recovering, and now past its booked end
    next_on_chair: BoardCard | None = None  # for an overrunning card: the next booking on its chair, if any
    actions: Actions = field(default_factory=Actions)  # what the user viewing the board may do with it now
    # Printed on the card, from the appointment and the rows loaded with it (see __post_init__).
    status: str = field(init=False)
    status_label: str = field(init=False)
    patient_name: str = field(init=False)
    start_time: str = field(init=False)  # local "HH:MM"
    end_time: str = field(init=False)
    protocol_name: str = field(init=False)
    nurse_name: str = field(init=False)
    chair_name: str = field(init=False)
    escort_confirmed: bool = field(init=False)
    needs_consent: bool = field(init=False)  # consent must be signed again before this session (still to start)

    def __post_init__(self):
        appointment = self.appointment
        self.status = appointment.status
        self.status_label = STATUS_LABELS.get(appointment.status, appointment.status)
        self.patient_name = Patient.name_from(appointment.patient_first_name, appointment.patient_last_name)
        self.start_time, self.end_time = clock(self.local_start), clock(self.local_end)
        self.protocol_name = appointment.protocol_name
        self.nurse_name = appointment.nurse_name
        self.chair_name = appointment.chair_name
        self.escort_confirmed = appointment.escort_confirmed_at is not None
        self.needs_consent = needs_consent(appointment)

    @property
    def grid_row(self) -> int:
        return self.row + 1

    @property
    def grid_classes(self) -> str:
        """Its place on the grid (board_layout_css), as one string: an integer printed by the template goes
        through number localisation, three times a card."""
        return f"board-col-{self.column} board-row-{self.grid_row} board-span-{self.span}"


@dataclass(frozen=True)
class TimeRow:
    grid_row: int
    label: str  # local "HH:MM"
    on_hour: bool

    @property
    def classes(self) -> str:
        return f"board-row-{self.grid_row}" + (" on-hour" if self.on_hour else "")


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
    def opening_hours(self) -> str:
        """"08:00–18:00", local."""
        return f"{clock(self.location.opens_at)}–{clock(self.location.closes_at)}"

    @property
    def clock_times(self) -> tuple[tuple[int, int], ...]:
        """(hour, minute) of each 15-minute row: the same for a location's boards but on the days the clocks
        change (the rows' HTML is made once for each, sessions/html.py)."""
        return tuple((moment.hour, moment.minute) for moment in self.rows)

    @property
    def time_rows(self) -> list[TimeRow]:
        """Each 15-minute row: its grid row and its label."""
        return time_rows_at(self.clock_times)


def time_rows_at(clock_times: tuple[tuple[int, int], ...]) -> list[TimeRow]:
    return [TimeRow(i + 2, clock(time(hour, minute)), minute == 0) for i, (hour, minute) in enumerate(clock_times)]


class BoardAppointment(NamedTuple):
    """An appointment as the day board reads it, as values: what its card prints, what its moves ask
    (``appointment_move_refusal``: its status, start and its location's time zone) and its patient's id for the
    access log. Not a model instance: forty, each made with two dozen deferred fields and its location set through
    a descriptor, cost more Python than anything else the board does beside its template (issue 13)."""

    public_id: str  # as text (_as_text), as the card prints it
    chair_id: int | None
    start: datetime
    end: datetime
    status: str
    late_cancel: bool
    escort_confirmed_at: datetime | None
    consent_current: bool  # the patient signed the latest consent version (with_consent_current)
    protocol_name: str
    chair_name: str | None
    nurse_name: str | None
    patient_public_id: str  # these three: the one array of _patient_shown, last of BOARD_COLUMNS
    patient_first_name: str
    patient_last_name: str
    location: Location  # the board's

    # The model's maps and the rules that read them, the same functions (a test compares them move by move).
    ALLOWED_TRANSITIONS, OCCUPYING = Appointment.ALLOWED_TRANSITIONS, Appointment.OCCUPYING
    can_move_to, is_occupying = Appointment.can_move_to, Appointment.is_occupying

    def get_status_display(self) -> str:  # as the model's, for a refusal's message
        return STATUS_LABELS.get(self.status, self.status)


# What a card reads of the appointment, in BoardAppointment's order (its location is the board's; the patient's
# three values come last, as one array). Of its patient, protocol, chair and nurse, what it prints (and the
# patient's id, for the access log): the patient and the nurse by a subquery, the chair and protocol joined
# (BOARD_NAMES).
BOARD_COLUMNS = ("public_id_text", "chair_id", "start", "end", "status", "late_cancel", "escort_confirmed_at",
                 "consent_current", "protocol_name", "chair_name", "nurse_name", "patient_shown")


def _name_of(model, field: str, key: str) -> Subquery:
    """The name of the appointment's nurse, as a scalar subquery rather than a join: PostgreSQL planned the
    board's five-table join in 1.2–1.5 ms at 1,000,000 appointments, longer than it ran it, and each page planned
    it anew (the range of times keeps a prepared statement on custom plans). Without the large tables joined, one
    plan serves every board (``generic_plan``: no join order to get wrong without the values; issue 13)."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field)[:1])


def _patient_shown() -> Subquery:
    """The appointment's patient as the boards show and log them: id (as text), first and last name, in one
    subquery (one index read a row, as the join it replaces made)."""
    shown = Func(Cast("public_id", TextField()), "legal_first_name", "legal_last_name",
                 template="ARRAY[%(expressions)s]", output_field=ArrayField(TextField()))
    return Subquery(Patient.objects.filter(pk=OuterRef("patient_id")).order_by().values(shown=shown)[:1])


def _as_text(uuid_field: str) -> Cast:
    """A UUID as PostgreSQL writes it: the pages print and log these ids as text, and a ``uuid.UUID`` made for
    each by the driver, then printed back, cost more than the week's SQL (400 on a week of 200 appointments)."""
    return Cast(uuid_field, TextField())


# The chair's and protocol's names are joined: their tables are small (a location's chairs, the clinic's
# protocols), so the one plan kept for every board hashes the chairs and remembers each protocol, where a
# subquery a row read them again for every appointment (issue 13: the week's statement at 1,000,000 appointments,
# 200 rows, 1.7 -> 1.1 ms and 1.6 -> 1.3 ms, measured twice). The patients and the staff are not: joined, a plan
# made without the values can read them whole (a kept plan hashed all 50,000 patients).
BOARD_NAMES = {"patient_shown": _patient_shown(),
               "protocol_name": F("protocol__name"),
               "chair_name": F("chair__name"),
               "nurse_name": _name_of(get_user_model(), "full_name", "nurse_id")}


def _board_appointments(*, location_id: int, day_start: datetime, day_end: datetime) -> QuerySet:
    return (with_consent_current(Appointment.objects.filter(location_id=location_id, start__gte=day_start,
                                                            start__lt=day_end))
            .exclude(status=Appointment.Status.RESCHEDULED)
            .annotate(public_id_text=_as_text("public_id"), **BOARD_NAMES).order_by("start")
            .values_list(*BOARD_COLUMNS))


# The board's two queries, built and compiled once (clinic.prepared, issue 13).
BOARD_APPOINTMENTS = PreparedQuery(_board_appointments, generic_plan=True, location_id=int, day_start=datetime,
                                   day_end=datetime)
BOARD_CHAIRS = PreparedQuery(lambda *, location_id: Chair.objects.filter(location_id=location_id, is_active=True),
                             location_id=int)


def day_board(*, location: Location, day: date, now: datetime | None = None, user=None) -> DayBoard:
    """Chairs as columns, 15-minute rows from opening to closing, each appointment placed by row; with
    ``user``, each card on the grid carries the moves that user may make on it now.

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
    chairs = BOARD_CHAIRS(location_id=location.pk)
    day_start = local_datetime(day, time(0), zone)
    day_end = local_datetime(day + timedelta(days=1), time(0), zone)
    appointments = BOARD_APPOINTMENTS(location_id=location.pk, day_start=day_start, day_end=day_end)
    index = {chair.pk: i for i, chair in enumerate(chairs)}
    columns: list[list[BoardCard]] = [[] for _ in chairs]
    outside, released = [], []
    now = now or timezone.now()
    urls = AppointmentUrls()
    actions = PageActions(user, now, urls) if user is not None else None
    for values in appointments:
        appointment = BoardAppointment(*values[:-1], *values[-1], location)
        start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
        row = int((appointment.start - opens).total_seconds() // (BOARD_ROW_MINUTES * 60)) + 1
        span = max(1, -(-int((appointment.end - appointment.start).total_seconds()) // (BOARD_ROW_MINUTES * 60)))
        card = BoardCard(appointment, start, end, row, max(1, min(span, len(rows) - row + 1)),
                         url=urls.url("appointment", appointment.public_id))
        if not appointment.is_occupying:
            released.append(card)
        elif appointment.chair_id not in index or row < 1 or row > len(rows):
            outside.append(card)
        else:
            card.column = index[appointment.chair_id] + 2
            if actions is not None:  # only the grid's cards have buttons
                card.actions = actions.for_appointment(appointment, start_time=card.start_time,
                                                       patient_name=card.patient_name)
            columns[index[appointment.chair_id]].append(card)
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


class WeekCard(NamedTuple):
    """One appointment in the week view, as the page shows it. Read as values, not models: a week holds
    hundreds, and an appointment with its patient, protocol and chair as model instances cost more than the
    page's SQL. A named tuple: as immutable as a frozen dataclass, and a few µs cheaper to make, 200 times."""

    public_id: str  # the appointment's, as text (_as_text)
    patient_public_id: str  # for the access log
    url: str
    start_time: str  # local "HH:MM"
    status: str
    status_label: str
    patient_name: str
    chair_name: str
    protocol_name: str


@dataclass
class WeekDay:
    day: date
    appointments: list[WeekCard]
    is_open: bool


# What the week view shows of an appointment, in WeekCard's terms (its patient, chair and protocol as the board
# reads them: BOARD_NAMES, one plan for every week).
WEEK_FIELDS = ("public_id_text", "start", "status", "patient_shown", "chair_name", "protocol_name")


WEEK_APPOINTMENTS = PreparedQuery(
    lambda *, location_id, week_start, week_end: Appointment.objects
    .filter(location_id=location_id, start__gte=week_start, start__lt=week_end)
    .exclude(status=Appointment.Status.RESCHEDULED).order_by("start")
    .annotate(public_id_text=_as_text("public_id"), patient_shown=BOARD_NAMES["patient_shown"],
              chair_name=BOARD_NAMES["chair_name"], protocol_name=BOARD_NAMES["protocol_name"])
    .values_list(*WEEK_FIELDS),
    generic_plan=True, location_id=int, week_start=datetime, week_end=datetime)


def week_board(*, location: Location, week_start: date) -> list[WeekDay]:
    """Seven days from ``week_start`` with their appointments (one query)."""
    zone = get_zone(location.time_zone)
    lo = local_datetime(week_start, time(0), zone)
    hi = local_datetime(week_start + timedelta(days=7), time(0), zone)
    urls = AppointmentUrls()
    by_day: dict[date, list[WeekCard]] = defaultdict(list)
    # A week's two hundred appointments start at a few dozen times (a slot a chair): each time is made local once.
    local_day_and_clock: dict[datetime, tuple[date, str]] = {}
    rows = WEEK_APPOINTMENTS(location_id=location.pk, week_start=lo, week_end=hi)
    for public_id, start, status, (patient_id, first_name, last_name), chair, protocol in rows:
        when = local_day_and_clock.get(start)
        if when is None:
            local = start.astimezone(zone)
            when = local_day_and_clock[start] = (local.date(), clock(local))
        by_day[when[0]].append(WeekCard(
            public_id, patient_id, urls.url("appointment", public_id), when[1], status,
            STATUS_LABELS.get(status, status), Patient.name_from(first_name, last_name), chair, protocol))
    days = [week_start + timedelta(days=i) for i in range(7)]
    return [WeekDay(d, by_day[d], d.weekday() in location.open_weekdays) for d in days]


# The active locations by name: the board's and week's location switcher, and the home page's days. Prepared once
# (clinic.prepared, issue 13).
_ACTIVE_LOCATIONS = PreparedQuery(lambda: Location.objects.filter(is_active=True).order_by("name", "id"))


def active_locations() -> list[Location]:
    return _ACTIVE_LOCATIONS()


def location_worked_at(locations: list[Location], works_at_id: int | None) -> Location | None:
    """The location a person works at (``User.works_at``) among ``locations``, or None when they chose none or it
    is no longer open: their day board and home page open on it."""
    return next((location for location in locations if location.pk == works_at_id), None)


def locations_with_chairs() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).annotate(chair_count=Count("chairs")).prefetch_related(
        Prefetch("chairs", queryset=Chair.objects.order_by("position", "name")))

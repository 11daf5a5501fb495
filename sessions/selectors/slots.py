"""Free times: what a chair, a nurse and the patient's other sessions leave open, and course proposals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from clinic.models import Location
from sessions.courses import get_zone, local_datetime, propose_course, propose_spravato_course, session_window, to_local
from sessions.intervals import clashes, min_interval_between, widest_interval
from sessions.models import Appointment, Chair, Protocol, Route

OCCUPYING = Appointment.OCCUPYING


def nurses() -> QuerySet:
    """Active staff who may watch patients (the ``attend_appointment`` permission, through a role or directly)."""
    perm = Q(codename="attend_appointment", content_type__app_label="clinic_sessions")
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(perm)
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__permissions__in=perms) | Q(user_permissions__in=perms)).distinct().order_by("full_name"))


@dataclass(frozen=True)
class FreeSlot:
    start: datetime  # UTC
    local_start: datetime
    chair: Chair
    nurse: object
    nurse_slot: int


@dataclass
class _Busy:
    """The occupying appointments around a search, held in memory so the search costs a few queries."""

    rows: list[dict]
    protocols: dict[int, Protocol] = field(default_factory=dict)

    def overlapping(self, start: datetime, blocked_until: datetime) -> list[dict]:
        return [r for r in self.rows if r["start"] < blocked_until and start < r["blocked_until"]]


def opening_problem(*, location: Location, start: datetime, end: datetime) -> str:
    """Why ``start``..``end`` is outside the location's opening hours (local wall time), or ''."""
    local_start, local_end = to_local(start, location.time_zone), to_local(end, location.time_zone)
    if local_start.weekday() not in location.open_weekdays:
        return f"{location.name} does not book sessions on {local_start:%A}s."
    opens = local_datetime(local_start.date(), location.opens_at, location.time_zone)
    closes = local_datetime(local_start.date(), location.closes_at, location.time_zone)
    if local_start < opens or local_end > closes:
        return (f"{location.name} books sessions between {location.opens_at:%H:%M} and {location.closes_at:%H:%M}; "
                f"this session would run {local_start:%H:%M}–{local_end:%H:%M}.")
    return ""


def free_slots(
    *,
    protocol: Protocol,
    location: Location,
    first_day: date,
    last_day: date,
    patient=None,
    chair: Chair | None = None,
    nurse=None,
    not_before: datetime | None = None,
    exact_time: time | None = None,
    limit: int = 20,
) -> list[FreeSlot]:
    """Free (chair, nurse, start) combinations, soonest first, in the location's opening hours.

    For each start and free chair, the nurse offered is the least busy one with a free watch slot. With a
    ``patient``, starts that clash with their sessions or their protocol's minimum interval are left out.
    Four queries, whatever the range.
    """
    zone = get_zone(location.time_zone)
    step = timedelta(minutes=settings.SESSIONS_SLOT_STEP_MINUTES)
    not_before = max(not_before or timezone.now(), timezone.now())
    chairs = [chair] if chair else list(location.chairs.filter(is_active=True))
    staff = [nurse] if nurse else list(nurses())
    if not chairs or not staff or last_day < first_day:
        return []
    protocols = _protocols_by_id()
    margin = timedelta(days=1) + widest_interval([protocol, *protocols.values()])
    lo = local_datetime(first_day, time(0), zone) - margin
    hi = local_datetime(last_day + timedelta(days=1), time(0), zone) + margin
    who = Q(chair__in=chairs) | Q(nurse__in=staff)
    if patient is not None:
        who |= Q(patient=patient)
    busy = _Busy(list(Appointment.objects.filter(who, status__in=OCCUPYING, start__lt=hi, blocked_until__gt=lo)
                      .values("chair_id", "nurse_id", "nurse_slot", "patient_id", "protocol_id", "start",
                              "blocked_until")), protocols)
    ratio = location.nurse_patient_ratio
    found: list[FreeSlot] = []
    day = first_day
    while day <= last_day and len(found) < limit:
        if day.weekday() in location.open_weekdays:
            times = [exact_time] if exact_time else _times(location.opens_at, location.closes_at, step)
            for wall in times:
                start = local_datetime(day, wall, zone)
                window = _window(protocol, start)
                if window.start < not_before or opening_problem(location=location, start=window.start,
                                                                end=window.end):
                    continue
                found.extend(_free_at(window, busy, chairs, staff, ratio, patient, protocol, zone))
                if len(found) >= limit:
                    break
        day += timedelta(days=1)
    return found[:limit]


def _window(protocol: Protocol, start: datetime):
    """The time a session of ``protocol`` starting at ``start`` books: check-in, dosing, observation, turnover."""
    return session_window(start_utc=start, checkin_minutes=protocol.checkin_minutes,
                          dosing_minutes=protocol.dosing_minutes, observation_minutes=protocol.observation_minutes,
                          turnover_minutes=protocol.turnover_minutes)


def _protocols_by_id() -> dict[int, Protocol]:
    return {p.pk: p for p in Protocol.objects.all()}


def _times(opens: time, closes: time, step: timedelta) -> list[time]:
    cursor, end, out = datetime.combine(date(2000, 1, 1), opens), datetime.combine(date(2000, 1, 1), closes), []
    while cursor < end:
        out.append(cursor.time())
        cursor += step
    return out


def _free_at(window, busy: _Busy, chairs, staff, ratio, patient, protocol, zone) -> list[FreeSlot]:
    overlapping = busy.overlapping(window.start, window.blocked_until)
    if patient is not None:
        mine = [r for r in busy.rows if r["patient_id"] == patient.pk]
        if any(r["start"] < window.blocked_until and window.start < r["blocked_until"] for r in mine):
            return []
        if clashes(protocol=protocol, start=window.start,
                   others=[(busy.protocols[r["protocol_id"]], r["start"]) for r in mine]):
            return []
    taken_chairs = {r["chair_id"] for r in overlapping}
    slots_by_nurse: dict[int, set[int]] = defaultdict(set)
    for r in overlapping:
        slots_by_nurse[r["nurse_id"]].add(r["nurse_slot"])
    out = []
    for chair in chairs:
        if chair.pk in taken_chairs:
            continue
        candidates = [n for n in staff if len(slots_by_nurse[n.pk]) < ratio]
        if not candidates:
            break
        nurse = min(candidates, key=lambda n: len(slots_by_nurse[n.pk]))
        slot = min(set(range(1, ratio + 1)) - slots_by_nurse[nurse.pk])
        out.append(FreeSlot(start=window.start, local_start=window.start.astimezone(zone), chair=chair,
                            nurse=nurse, nurse_slot=slot))
        slots_by_nurse[nurse.pk].add(slot)  # the next chair at this time needs another slot
    return out


def next_free_times(*, protocol: Protocol, location: Location, after: datetime, patient=None,
                    limit: int = 3, leave_out: tuple = ()) -> list[FreeSlot]:
    """The soonest free slots at or after ``after``, one per start time (for a conflict message). ``leave_out``:
    (start, chair id) pairs not to offer, e.g. the slot an appointment being moved holds now."""
    first_day = to_local(after, location.time_zone).date()
    seen, out = set(), []
    for slot in free_slots(protocol=protocol, location=location, first_day=first_day,
                           last_day=first_day + timedelta(days=14), patient=patient, not_before=after, limit=60):
        if (slot.start, slot.chair.pk) in leave_out:
            continue
        if slot.start not in seen:
            seen.add(slot.start)
            out.append(slot)
        if len(out) == limit:
            break
    return out


def nearest_free(*, protocol: Protocol, location: Location, wanted: datetime, patient=None, days: int = 3,
                 keep_clear_of: tuple[datetime, ...] = ()) -> FreeSlot | None:
    """The free slot closest to ``wanted`` (before or after) within ``days`` days either side, at least the
    protocol's minimum interval away from ``keep_clear_of`` (the course's other proposed sessions)."""
    day = to_local(wanted, location.time_zone).date()
    options = [slot for slot in free_slots(protocol=protocol, location=location, first_day=day - timedelta(days=days),
                                           last_day=day + timedelta(days=days), patient=patient, limit=2000)
               if not clashes(protocol=protocol, start=slot.start, others=[(protocol, t) for t in keep_clear_of])]
    return min(options, key=lambda s: (abs(s.start - wanted), s.start), default=None)


@dataclass
class ProposedBooking:
    number: int
    local_start: datetime
    start: datetime
    note: str
    slot: FreeSlot | None  # a free chair and nurse at exactly this time, if any
    conflicts: list[str] = field(default_factory=list)
    alternative: FreeSlot | None = None
    course_time: time | None = None  # a start time at which every date of the course is free, if any


def course_proposal(*, patient, protocol: Protocol, location: Location, first_day: date, local_time: time,
                    count: int, weekdays: tuple[int, ...] = (0, 2, 4)) -> list[ProposedBooking]:
    """Propose a course in local wall time (sessions/courses.py), each date with its conflicts and the
    nearest free alternative. Esketamine follows the label's schedule (CLINICAL.md §1 [REG])."""
    def dates_at(wall: time):
        if protocol.route == Route.INTRANASAL:
            return propose_spravato_course(first_day=first_day, local_time=wall, tz=location.time_zone)[:count]
        return propose_course(first_day=first_day, weekdays=weekdays, local_time=wall, tz=location.time_zone,
                              count=count, min_interval=min_interval_between(protocol, protocol))

    dates = dates_at(local_time)
    proposals: list[ProposedBooking] = []
    for proposed in dates:
        day = proposed.local_start.date()
        exact = free_slots(protocol=protocol, location=location, first_day=day, last_day=day, patient=patient,
                           exact_time=proposed.local_start.time().replace(tzinfo=None), limit=1)
        exact = [s for s in exact if s.start == proposed.utc_start]
        booking = ProposedBooking(number=proposed.number, local_start=proposed.local_start,
                                  start=proposed.utc_start, note=proposed.note, slot=exact[0] if exact else None)
        if booking.slot is None:
            booking.conflicts = slot_conflicts(protocol=protocol, location=location, start=proposed.utc_start,
                                               patient=patient)
            others = [p.utc_start for p in dates if p.number != proposed.number]
            booking.alternative = nearest_free(protocol=protocol, location=location, wanted=proposed.utc_start,
                                               patient=patient, keep_clear_of=tuple(others))
        proposals.append(booking)
    if any(p.slot is None for p in proposals):
        fits = _course_time(protocol=protocol, location=location, patient=patient, wanted=local_time,
                            dates_at=dates_at)
        for booking in proposals:
            booking.course_time = fits
    return proposals


def _course_time(*, protocol, location, patient, wanted: time, dates_at) -> time | None:
    """The start time nearest ``wanted`` at which every date of the course is free (issue 12 #2): moving one
    date alone can never go later in the day, since it must stay clear of the other proposed dates."""
    first = dates_at(wanted)
    free = {s.start for s in free_slots(protocol=protocol, location=location, first_day=first[0].local_start.date(),
                                        last_day=first[-1].local_start.date() + timedelta(days=1), patient=patient,
                                        limit=100_000)}
    day = first[0].local_start.date()
    walls = sorted({to_local(start, location.time_zone).time().replace(tzinfo=None) for start in free} - {wanted},
                   key=lambda t: (abs(datetime.combine(day, t) - datetime.combine(day, wanted)), t))
    for wall in walls:
        if all(p.utc_start in free for p in dates_at(wall)):
            return wall
    return None


def slot_conflicts(*, protocol: Protocol, location: Location, start: datetime, patient=None) -> list[str]:
    """Why nothing is free at ``start``, in words for the front desk."""
    window = _window(protocol, start)
    if window.start < timezone.now():
        return ["This time has passed."]
    hours = opening_problem(location=location, start=window.start, end=window.end)
    if hours:
        return [hours]
    overlapping = Appointment.objects.filter(status__in=OCCUPYING, start__lt=window.blocked_until,
                                             blocked_until__gt=window.start)
    reasons = []
    if patient is not None:
        if overlapping.filter(patient=patient).exists():
            reasons.append("The patient already has a session at this time.")
        else:
            reach = widest_interval([protocol, *Protocol.objects.all()])
            nearby = Appointment.objects.filter(patient=patient, status__in=OCCUPYING, start__gt=start - reach,
                                                start__lt=start + reach).select_related("protocol")
            close = clashes(protocol=protocol, start=start, others=[(a.protocol, a.start) for a in nearby])
            if close:
                hours = max(int(min_interval_between(protocol, other).total_seconds() // 3600) for other, _ in close)
                reasons.append(f"Less than {hours} h from another of the patient's sessions.")
    chairs = location.chairs.filter(is_active=True).count()
    if overlapping.filter(location=location).values("chair").distinct().count() >= chairs:
        reasons.append("Every chair is taken at this time.")
    if not reasons:
        reasons.append("No nurse has a free watch slot at this time.")
    return reasons

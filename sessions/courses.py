"""Course date proposal in local wall time (pure Python, no Django, no database).

DESIGN.md §5 (Time): appointments are chosen in the location's local wall time (IANA zone), stored in
UTC, and converted at the edges; courses and repeat series are generated in local time. A course booked
"Mon/Wed/Fri at 09:00" therefore stays at 09:00 local across a DST change while its UTC time shifts.

Clinical facts used here come from CLINICAL.md §1 ("Courses"):

* IV: minimum interval between IV sessions, default 48 h, a per-clinic setting [PRAC/setting].
* Spravato (esketamine): twice weekly in weeks 1-4 (56 mg on day 1, then 56 or 84 mg), weekly in
  weeks 5-8 [REG].

This module only *proposes* dates; it never decides a dose. Dose strings on Spravato slots are hints
copied from CLINICAL.md §1 for the prescriber to confirm.

Wall-time edge cases (a scheduling convention of this app, not a clinical rule):

* Nonexistent local time (spring-forward gap, e.g. 02:30 on 2027-03-14 in America/New_York): the slot is
  moved forward to the first valid wall time after the gap, i.e. the instant the clocks jump to
  (03:00 EDT in that example).
* Ambiguous local time (autumn fold, e.g. 01:30 on 2027-11-07 in America/New_York): the first occurrence
  is used (``fold=0``, the daylight-time reading).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_IV_MIN_INTERVAL",
    "SPRAVATO_FIRST_DOSE_NOTE",
    "SPRAVATO_LATER_DOSE_NOTE",
    "ProposedSlot",
    "SessionWindow",
    "get_zone",
    "local_datetime",
    "propose_course",
    "propose_spravato_course",
    "session_window",
    "to_local",
    "to_utc",
]

#: CLINICAL.md §1: "Minimum interval between IV sessions: default 48 h (setting)".
DEFAULT_IV_MIN_INTERVAL = timedelta(hours=48)

#: CLINICAL.md §1 [REG]: Spravato "56 mg on day 1, then 56 or 84".
SPRAVATO_FIRST_DOSE_NOTE = "56 mg"
SPRAVATO_LATER_DOSE_NOTE = "56 or 84 mg"

_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ProposedSlot:
    """One proposed session of a course.

    ``number`` is 1-based. ``local_start`` is aware in the location's zone; ``utc_start`` is the same
    instant in UTC (what gets stored). ``note`` carries an optional hint such as a Spravato dose.
    """

    number: int
    local_start: datetime
    utc_start: datetime
    note: str = ""


class SessionWindow(NamedTuple):
    """Time a session occupies: ``start``..``end`` with the patient, then the room is blocked until
    ``blocked_until`` (turnover). All aware UTC datetimes."""

    start: datetime
    end: datetime
    blocked_until: datetime


# --------------------------------------------------------------------------------------------------
# Time-zone helpers (the "edges" of DESIGN.md §5)
# --------------------------------------------------------------------------------------------------


def get_zone(tz: str) -> ZoneInfo:
    """Return the ``ZoneInfo`` for an IANA name, raising ``ValueError`` for anything unusable."""
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"time zone must be a non-empty IANA name such as 'America/New_York', got {tz!r}")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {tz!r}: expected an IANA name such as 'America/New_York'") from exc


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else get_zone(tz)


def _wall(dt: datetime) -> datetime:
    """The naive wall-clock reading of an aware datetime."""
    return dt.replace(tzinfo=None, fold=0)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """True if the naive wall time ``wall`` is actually shown by clocks in ``zone`` (i.e. not in a gap)."""
    aware = wall.replace(tzinfo=zone, fold=0)
    return _wall(aware.astimezone(UTC).astimezone(zone)) == wall


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """For a wall time inside a spring-forward gap, return the first valid wall time after the gap.

    Inside a gap, zoneinfo gives the pre-transition offset for ``fold=0`` and the post-transition offset
    for ``fold=1``. The transition instant T lies in ``(wall - after, wall - before]`` (UTC); find it by
    bisection to the second (tzdata transitions are whole seconds) and read it in local time.
    """
    before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    if before is None or after is None or after <= before:
        raise ValueError(f"{wall.isoformat()} is not inside a spring-forward gap in {zone.key}")
    # Integer POSIX seconds: lo is still on the old offset, hi is already on the new one.
    lo = math.floor((wall - after).replace(tzinfo=UTC).timestamp())
    hi = math.ceil((wall - before).replace(tzinfo=UTC).timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC).astimezone(zone)


def local_datetime(local_date: date, local_time: time, tz: str | ZoneInfo) -> datetime:
    """Combine a local date and wall time into an aware datetime in ``tz``.

    Gap (nonexistent) times move forward to the first valid wall time after the gap; fold (ambiguous)
    times take the first occurrence (``fold=0``). See the module docstring.
    """
    if local_time.tzinfo is not None:
        raise ValueError("local_time must be a naive wall time (no tzinfo); the zone is given by tz")
    zone = _zone(tz)
    wall = datetime.combine(local_date, local_time.replace(fold=0))
    if not _exists(wall, zone):
        return _end_of_gap(wall, zone)
    return wall.replace(tzinfo=zone, fold=0)


def to_utc(local_date: date, local_time: time, tz: str | ZoneInfo) -> datetime:
    """Local date + wall time in ``tz`` -> aware UTC datetime (gap/fold rules of ``local_datetime``)."""
    return local_datetime(local_date, local_time, tz).astimezone(UTC)


def to_local(utc_dt: datetime, tz: str | ZoneInfo) -> datetime:
    """An aware datetime (normally UTC, as stored) -> aware datetime in ``tz`` for display."""
    if utc_dt.tzinfo is None or utc_dt.utcoffset() is None:
        raise ValueError("utc_dt must be timezone-aware (stored times are UTC); got a naive datetime")
    return utc_dt.astimezone(_zone(tz))


def _slot(number: int, local_date: date, local_time: time, zone: ZoneInfo, note: str = "") -> ProposedSlot:
    local_start = local_datetime(local_date, local_time, zone)
    return ProposedSlot(
        number=number,
        local_start=local_start,
        utc_start=local_start.astimezone(UTC),
        note=note,
    )


def _check_weekdays(weekdays: tuple[int, ...], name: str = "weekdays") -> frozenset[int]:
    if not weekdays:
        raise ValueError(f"{name} must name at least one weekday (0=Monday … 6=Sunday)")
    for day in weekdays:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(f"{name} must be integers 0=Monday … 6=Sunday, got {day!r}")
    return frozenset(weekdays)


# --------------------------------------------------------------------------------------------------
# Course proposals
# --------------------------------------------------------------------------------------------------


def propose_course(
    *,
    first_day: date,
    weekdays: tuple[int, ...],
    local_time: time,
    tz: str,
    count: int,
    min_interval: timedelta = DEFAULT_IV_MIN_INTERVAL,
) -> list[ProposedSlot]:
    """Propose ``count`` sessions on or after ``first_day`` on the given weekdays at ``local_time`` in ``tz``.

    Every slot is at the same local wall time (its UTC time shifts across DST). A candidate date whose
    start would be less than ``min_interval`` after the previously accepted slot is skipped; the interval
    is measured in real elapsed time (UTC), so e.g. Saturday 09:00 -> Monday 09:00 across a spring-forward
    change is 47 h and is skipped under the default 48 h. The default is CLINICAL.md §1's IV setting
    ("Minimum interval between IV sessions: default 48 h (setting)"); pass the clinic's configured value.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    days = _check_weekdays(weekdays)
    if min_interval < timedelta(0):
        raise ValueError(f"min_interval must not be negative, got {min_interval!r}")
    zone = get_zone(tz)

    slots: list[ProposedSlot] = []
    day = first_day
    while len(slots) < count:
        if day.weekday() in days:
            candidate = _slot(len(slots) + 1, day, local_time, zone)
            if not slots or candidate.utc_start - slots[-1].utc_start >= min_interval:
                slots.append(candidate)
        day += timedelta(days=1)
    return slots


def propose_spravato_course(
    *,
    first_day: date,
    local_time: time,
    tz: str,
    induction_weeks: int = 4,
    twice_weekly_days: tuple[int, int] = (0, 3),
    maintenance_weeks: int = 4,
) -> list[ProposedSlot]:
    """Propose a Spravato (esketamine) course: twice weekly in the induction weeks, then weekly.

    CLINICAL.md §1 [REG]: "twice weekly weeks 1-4 (56 mg on day 1, then 56 or 84), weekly weeks 5-8".
    The later "every 1-2 weeks" phase is left to the prescriber and is not proposed here.

    Weeks are consecutive 7-day blocks starting on ``first_day``. In each induction week both
    ``twice_weekly_days`` are booked; in each maintenance week the earlier of them in the block is booked
    (always the same weekday). Slot 1 gets the note "56 mg", every later slot "56 or 84 mg" — hints for
    the prescriber, not a dosing decision.
    """
    for name, value, minimum in (
        ("induction_weeks", induction_weeks, 1),
        ("maintenance_weeks", maintenance_weeks, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    days = _check_weekdays(twice_weekly_days, "twice_weekly_days")
    if len(twice_weekly_days) != 2 or len(days) != 2:
        raise ValueError(f"twice_weekly_days must be two different weekdays, got {twice_weekly_days!r}")
    zone = get_zone(tz)

    dates: list[date] = []
    for week in range(induction_weeks + maintenance_weeks):
        block_start = first_day + week * _WEEK
        in_block = [block_start + timedelta(days=i) for i in range(7)]
        matching = [d for d in in_block if d.weekday() in days]  # exactly two, in date order
        dates.extend(matching if week < induction_weeks else matching[:1])

    return [
        _slot(
            number,
            d,
            local_time,
            zone,
            SPRAVATO_FIRST_DOSE_NOTE if number == 1 else SPRAVATO_LATER_DOSE_NOTE,
        )
        for number, d in enumerate(dates, start=1)
    ]


# --------------------------------------------------------------------------------------------------
# Session window
# --------------------------------------------------------------------------------------------------


def session_window(
    *,
    start_utc: datetime,
    dosing_minutes: int,
    observation_minutes: int,
    turnover_minutes: int,
    checkin_minutes: int = 0,
) -> SessionWindow:
    """Return ``(start, end, blocked_until)``: end = start + check-in + dosing + observation; blocked_until =
    end + turnover. All in UTC. ``start`` is when the patient arrives.

    The minutes are the clinic's settings for the treatment (CLINICAL.md §1 "session length to book";
    e.g. Spravato needs >= 120 min observation from the first device [REG], and "the booked window includes
    check-in and pre-dose checks", default 20 min); this function only adds.
    """
    if start_utc.tzinfo is None or start_utc.utcoffset() is None:
        raise ValueError("start_utc must be timezone-aware (UTC); got a naive datetime")
    for name, value in (
        ("checkin_minutes", checkin_minutes),
        ("dosing_minutes", dosing_minutes),
        ("observation_minutes", observation_minutes),
        ("turnover_minutes", turnover_minutes),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative whole number of minutes, got {value!r}")
    if dosing_minutes + observation_minutes == 0:
        raise ValueError("a session needs dosing_minutes + observation_minutes > 0")
    start = start_utc.astimezone(UTC)
    end = start + timedelta(minutes=checkin_minutes + dosing_minutes + observation_minutes)
    return SessionWindow(start=start, end=end, blocked_until=end + timedelta(minutes=turnover_minutes))

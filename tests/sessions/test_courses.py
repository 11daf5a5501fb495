"""Course proposals in local wall time (DESIGN.md §5; CLINICAL.md §1 "Courses"). No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.courses import (
    ProposedSlot,
    local_datetime,
    propose_course,
    propose_spravato_course,
    session_window,
    to_local,
    to_utc,
)

NY = "America/New_York"
MON_WED_FRI = (0, 2, 4)


def _wall(slot: ProposedSlot) -> time:
    return slot.local_start.timetz().replace(tzinfo=None)


# --- DST crossings -----------------------------------------------------------------------------------


def test_course_crossing_spring_dst_keeps_nine_local_and_utc_hour_moves_from_14_to_13():
    slots = propose_course(
        first_day=date(2027, 3, 8), weekdays=MON_WED_FRI, local_time=time(9, 0), tz=NY, count=6
    )

    assert [s.number for s in slots] == [1, 2, 3, 4, 5, 6]
    assert [s.local_start.date() for s in slots] == [
        date(2027, 3, 8), date(2027, 3, 10), date(2027, 3, 12),
        date(2027, 3, 15), date(2027, 3, 17), date(2027, 3, 19),
    ]
    assert all(_wall(s) == time(9, 0) for s in slots)
    assert [s.utc_start.hour for s in slots] == [14, 14, 14, 13, 13, 13]  # EST -5 then EDT -4
    assert all(s.utc_start.tzinfo is UTC for s in slots)
    assert all(s.local_start.tzinfo == ZoneInfo(NY) for s in slots)
    assert all(s.local_start == s.utc_start for s in slots)  # same instant


def test_course_crossing_autumn_dst_keeps_nine_local_and_utc_hour_moves_from_13_to_14():
    slots = propose_course(
        first_day=date(2027, 11, 1), weekdays=MON_WED_FRI, local_time=time(9, 0), tz=NY, count=6
    )

    assert [s.local_start.date() for s in slots] == [
        date(2027, 11, 1), date(2027, 11, 3), date(2027, 11, 5),
        date(2027, 11, 8), date(2027, 11, 10), date(2027, 11, 12),
    ]
    assert all(_wall(s) == time(9, 0) for s in slots)
    assert [s.utc_start.hour for s in slots] == [13, 13, 13, 14, 14, 14]  # EDT -4 then EST -5


def test_course_starts_on_first_matching_weekday_on_or_after_first_day():
    slots = propose_course(first_day=date(2027, 3, 9), weekdays=(0,), local_time=time(9), tz=NY, count=2)

    assert [s.local_start.date() for s in slots] == [date(2027, 3, 15), date(2027, 3, 22)]


# --- gap and fold ------------------------------------------------------------------------------------


def test_gap_time_on_spring_forward_day_moves_to_first_valid_wall_time():
    local = local_datetime(date(2027, 3, 14), time(2, 30), NY)

    assert local.replace(tzinfo=None) == datetime(2027, 3, 14, 3, 0)
    assert local.utcoffset() == timedelta(hours=-4)
    assert to_utc(date(2027, 3, 14), time(2, 30), NY) == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)


def test_course_slot_in_gap_is_shifted_and_other_slots_keep_requested_time():
    slots = propose_course(
        first_day=date(2027, 3, 7), weekdays=(6,), local_time=time(2, 30), tz=NY, count=3
    )

    assert [s.local_start.replace(tzinfo=None) for s in slots] == [
        datetime(2027, 3, 7, 2, 30), datetime(2027, 3, 14, 3, 0), datetime(2027, 3, 21, 2, 30)
    ]


def test_fold_time_on_autumn_day_takes_first_occurrence():
    local = local_datetime(date(2027, 11, 7), time(1, 30), NY)

    assert local.fold == 0
    assert local.utcoffset() == timedelta(hours=-4)  # still EDT: the first 01:30
    assert to_utc(date(2027, 11, 7), time(1, 30), NY) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_gap_handling_works_for_half_hour_shift_zone():
    # Lord Howe Island moves clocks 02:00 -> 02:30 in spring.
    local = local_datetime(date(2027, 10, 3), time(2, 15), "Australia/Lord_Howe")

    assert local.replace(tzinfo=None) == datetime(2027, 10, 3, 2, 30)


# --- minimum interval --------------------------------------------------------------------------------


def test_by_default_a_proposal_skips_a_day_only_47_hours_after_the_last():
    """Saturday 09:00 to Monday 09:00 across the spring-forward change is 47 h: under the default 48 h
    (CLINICAL.md §1) the Monday is skipped; with 47 h allowed it is taken."""
    saturday = date(2027, 3, 13)  # DST starts in New York on Sunday 14 March 2027
    by_default = propose_course(first_day=saturday, weekdays=(5, 0), local_time=time(9), tz=NY, count=2)
    assert [s.local_start.date() for s in by_default] == [saturday, date(2027, 3, 20)]
    allowed = propose_course(first_day=saturday, weekdays=(5, 0), local_time=time(9), tz=NY, count=2,
                             min_interval=timedelta(hours=47))
    assert [s.local_start.date() for s in allowed] == [saturday, date(2027, 3, 15)]


def test_consecutive_days_closer_than_min_interval_are_skipped():
    slots = propose_course(
        first_day=date(2027, 5, 3), weekdays=(0, 1, 2, 3, 4), local_time=time(9), tz=NY, count=4
    )

    # Mon, (Tue skipped), Wed, (Thu skipped), Fri, (Sat/Sun not weekdays), Mon
    assert [s.local_start.date() for s in slots] == [
        date(2027, 5, 3), date(2027, 5, 5), date(2027, 5, 7), date(2027, 5, 10)
    ]


def test_min_interval_is_measured_in_elapsed_time_across_spring_forward():
    # Sat 13 Mar 09:00 EST -> Mon 15 Mar 09:00 EDT is only 47 real hours, so Monday is skipped.
    slots = propose_course(
        first_day=date(2027, 3, 13), weekdays=(5, 0), local_time=time(9), tz=NY, count=2
    )

    assert [s.local_start.date() for s in slots] == [date(2027, 3, 13), date(2027, 3, 20)]


def test_zero_min_interval_allows_every_listed_day():
    slots = propose_course(
        first_day=date(2027, 5, 3), weekdays=(0, 1, 2), local_time=time(9), tz=NY, count=3,
        min_interval=timedelta(0),
    )

    assert [s.local_start.day for s in slots] == [3, 4, 5]


def test_longer_min_interval_spaces_sessions_out():
    slots = propose_course(
        first_day=date(2027, 5, 3), weekdays=MON_WED_FRI, local_time=time(9), tz=NY, count=3,
        min_interval=timedelta(days=4),
    )

    assert [s.local_start.date() for s in slots] == [date(2027, 5, 3), date(2027, 5, 7), date(2027, 5, 12)]


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, -1])
def test_count_below_one_is_rejected(count):
    with pytest.raises(ValueError, match="count"):
        propose_course(first_day=date(2027, 1, 4), weekdays=(0,), local_time=time(9), tz=NY, count=count)


def test_empty_weekdays_are_rejected():
    with pytest.raises(ValueError, match="weekday"):
        propose_course(first_day=date(2027, 1, 4), weekdays=(), local_time=time(9), tz=NY, count=1)


def test_out_of_range_weekday_is_rejected():
    with pytest.raises(ValueError, match="weekdays"):
        propose_course(first_day=date(2027, 1, 4), weekdays=(7,), local_time=time(9), tz=NY, count=1)


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd", "America"])
def test_unknown_time_zone_is_rejected(tz):
    with pytest.raises(ValueError, match="time zone"):
        propose_course(first_day=date(2027, 1, 4), weekdays=(0,), local_time=time(9), tz=tz, count=1)


def test_aware_local_time_is_rejected():
    with pytest.raises(ValueError, match="naive"):
        to_utc(date(2027, 1, 4), time(9, tzinfo=UTC), NY)


def test_negative_min_interval_is_rejected():
    with pytest.raises(ValueError, match="min_interval"):
        propose_course(
            first_day=date(2027, 1, 4), weekdays=(0,), local_time=time(9), tz=NY, count=1,
            min_interval=timedelta(hours=-1),
        )


# --- Spravato ----------------------------------------------------------------------------------------


def test_spravato_course_is_twice_weekly_for_four_weeks_then_weekly_for_four():
    first_day = date(2027, 3, 1)  # a Monday
    slots = propose_spravato_course(first_day=first_day, local_time=time(10), tz=NY)

    def in_weeks(lo: int, hi: int) -> list[ProposedSlot]:
        start, end = first_day + timedelta(weeks=lo - 1), first_day + timedelta(weeks=hi)
        return [s for s in slots if start <= s.local_start.date() < end]

    assert len(slots) == 12
    assert len(in_weeks(1, 4)) == 8
    assert len(in_weeks(5, 8)) == 4
    for week in range(1, 5):
        assert len(in_weeks(week, week)) == 2
    for week in range(5, 9):
        assert len(in_weeks(week, week)) == 1
    assert {s.local_start.weekday() for s in in_weeks(1, 4)} == {0, 3}
    assert {s.local_start.weekday() for s in in_weeks(5, 8)} == {0}
    assert all(_wall(s) == time(10) for s in slots)  # crosses 2027-03-14 DST, still 10:00 local
    assert [s.number for s in slots] == list(range(1, 13))


def test_spravato_dose_note_is_56_on_day_one_then_56_or_84():
    slots = propose_spravato_course(first_day=date(2027, 3, 1), local_time=time(10), tz=NY)

    assert slots[0].note == "56 mg"
    assert {s.note for s in slots[1:]} == {"56 or 84 mg"}


def test_spravato_course_starting_midweek_still_books_two_per_week_block():
    slots = propose_spravato_course(
        first_day=date(2027, 3, 3), local_time=time(10), tz=NY, twice_weekly_days=(1, 4)
    )

    assert slots[0].local_start.date() == date(2027, 3, 5)  # first Friday on or after Wed 3 Mar
    assert len(slots) == 12
    assert {s.local_start.weekday() for s in slots[8:]} == {4}


def test_spravato_twice_weekly_days_must_be_two_different_days():
    with pytest.raises(ValueError, match="two different"):
        propose_spravato_course(
            first_day=date(2027, 3, 1), local_time=time(10), tz=NY, twice_weekly_days=(2, 2)
        )


def test_spravato_needs_at_least_one_induction_week():
    with pytest.raises(ValueError, match="induction_weeks"):
        propose_spravato_course(first_day=date(2027, 3, 1), local_time=time(10), tz=NY, induction_weeks=0)


# --- conversion helpers and session window -----------------------------------------------------------


def test_to_local_converts_stored_utc_to_wall_time():
    local = to_local(datetime(2027, 7, 1, 13, 0, tzinfo=UTC), NY)

    assert local.replace(tzinfo=None) == datetime(2027, 7, 1, 9, 0)


def test_to_local_rejects_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        to_local(datetime(2027, 7, 1, 13, 0), NY)


def test_session_window_adds_dosing_observation_then_turnover():
    start = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)

    window = session_window(start_utc=start, dosing_minutes=40, observation_minutes=60, turnover_minutes=15)
    start_, end, blocked_until = window

    assert start_ == start
    assert end == datetime(2027, 3, 1, 15, 40, tzinfo=UTC)
    assert blocked_until == datetime(2027, 3, 1, 15, 55, tzinfo=UTC)
    assert window.blocked_until == blocked_until


def test_session_window_rejects_naive_start_and_negative_minutes():
    with pytest.raises(ValueError, match="aware"):
        session_window(
            start_utc=datetime(2027, 3, 1, 14), dosing_minutes=40, observation_minutes=60, turnover_minutes=0
        )
    with pytest.raises(ValueError, match="turnover_minutes"):
        session_window(
            start_utc=datetime(2027, 3, 1, 14, tzinfo=UTC),
            dosing_minutes=40, observation_minutes=60, turnover_minutes=-5,
        )


# --- property: requested wall time is kept -----------------------------------------------------------

ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "America/Phoenix"]


def _in_gap(day: date, wall: time, tz: str) -> bool:
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=ZoneInfo(tz))
    return aware.astimezone(UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None) != naive


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    wall=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    tz=st.sampled_from(ZONES),
    weekday_offsets=st.sets(st.integers(min_value=0, max_value=6), min_size=1, max_size=7),
)
def test_local_start_is_always_the_requested_wall_time_outside_gaps(day, wall, tz, weekday_offsets):
    weekdays = tuple(sorted((day.weekday() + k) % 7 for k in weekday_offsets))
    slots = propose_course(
        first_day=day, weekdays=weekdays, local_time=wall, tz=tz, count=3, min_interval=timedelta(0)
    )

    for slot in slots:
        slot_day = slot.local_start.date()
        if _in_gap(slot_day, wall, tz):
            # Gap rule: moved forward to the first valid wall time, never backward.
            assert slot.local_start.replace(tzinfo=None) > datetime.combine(slot_day, wall)
            continue
        assert _wall(slot) == wall
        assert slot.local_start.fold == 0
        # Same instant. Compared as timestamps: PEP 495 makes == between zones False for an ambiguous (fold)
        # local time such as 01:00 on the autumn change, even when both name the same instant.
        assert slot.utc_start.timestamp() == slot.local_start.timestamp()
        assert to_local(slot.utc_start, tz).replace(tzinfo=None) == datetime.combine(slot_day, wall)
        assert to_utc(slot_day, wall, tz) == slot.utc_start

"""The bench's records waiting for a signature are the last two weekdays' (and the day's own), whatever the day
it is seeded: the records-to-sign count measured 649 rows one day and 1,080 another when the cut was four
calendar days back (issue 13)."""

import datetime as dt

import pytest

from bench.bulk import _weekdays_back


@pytest.mark.parametrize("day", range(30, 37))  # Monday 30 November 2026 to Sunday 6 December
def test_the_cut_leaves_two_weekdays_of_records_to_sign_whatever_the_day(day):
    now = dt.datetime(2026, 11, 1, 7, tzinfo=dt.UTC) + dt.timedelta(days=day - 1)
    cut = _weekdays_back(now, 2)
    waiting = [cut.date() + dt.timedelta(days=n) for n in range((now.date() - cut.date()).days)]
    assert len([d for d in waiting if d.weekday() < 5]) == 2, (now, cut)
    assert cut.time() == dt.time(12) and cut.tzinfo == dt.UTC  # before any bench location opens

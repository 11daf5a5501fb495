"""The local-time filters write their formats out by hand (issue 13): the same text as Django's dateformat, for
every hour of a year in zones with and without summer time, the ambiguous and skipped hours included."""

import datetime
import zoneinfo

import pytest
from django.utils import dateformat

from clinic.templatetags.local_time import _WRITTEN, local

ZONES = ["America/New_York", "America/Phoenix", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("fmt", sorted(_WRITTEN))
def test_each_written_format_says_what_dateformat_says(zone, fmt):
    start = datetime.datetime(2026, 1, 1, 0, 7, 9, tzinfo=datetime.UTC)
    for half_hours in range(2 * 24 * 366):
        moment = start + datetime.timedelta(minutes=30 * half_hours)
        expected = dateformat.format(moment.astimezone(zoneinfo.ZoneInfo(zone)), fmt)
        assert local(moment, zone, fmt) == expected, moment


def test_other_formats_still_go_through_dateformat():
    moment = datetime.datetime(2026, 11, 30, 0, 42, tzinfo=datetime.UTC)
    assert local(moment, "America/New_York", "D j M") == "Sun 29 Nov"

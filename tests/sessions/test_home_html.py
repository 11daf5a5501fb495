"""The staff home page's lines per time and per chair, built in Python (sessions/html.py): the markup the
panels' templates printed, every value escaped."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from sessions import html

NAME = 'Chair <b>"1"</b> & Co'
ESCAPED_NAME = "Chair &lt;b&gt;&quot;1&quot;&lt;/b&gt; &amp; Co"


@override_settings(TIME_ZONE="UTC")
def test_home_times_print_each_time_on_the_locations_clock_with_who_is_waiting_and_who_came():
    at = datetime(2026, 1, 5, 9, 5, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))  # 04:05 there
    out = html.home_times([(at, 2, 0), (at, 0, 3), (at, 1, 1)])
    assert out == (
        '<li><span class="fw-semibold">04:05</span> 2 not checked in</li>'
        '<li><span class="fw-semibold">04:05</span> 3 checked in</li>'
        '<li><span class="fw-semibold">04:05</span> 1 not checked in, 1 checked in</li>')
    with timezone.override("Europe/Paris"):  # whatever zone is active: the location's clock
        assert html.home_times([(at, 1, 0)]) == '<li><span class="fw-semibold">04:05</span> 1 not checked in</li>'


def test_home_chairs_print_each_chair_with_its_statuses_escaped_and_the_board_link():
    out = html.home_chairs([(NAME, {"Booked": 2, "Checked in": 1}), ("Chair 2", {"Confirmed": 1})],
                           "/schedule/board/?location=x&day=2026-01-05")
    assert out == (
        '<li><a href="/schedule/board/?location=x&amp;day=2026-01-05"><span class="fw-semibold">'
        f'{ESCAPED_NAME}</span></a>: 2 booked, 1 checked in</li>'
        '<li><a href="/schedule/board/?location=x&amp;day=2026-01-05"><span class="fw-semibold">'
        'Chair 2</span></a>: 1 confirmed</li>')
    assert html.home_chairs([], "/b/") == ""

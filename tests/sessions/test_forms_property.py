"""Bad input on the schedule's forms (DESIGN.md §8): any text, date or number gives a form answer, never a crash."""

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.forms import BookingForm, CancelForm, CoursePlanForm, FindSlotForm, ProtocolForm, local_today
from tests.sessions.helpers import local

pytestmark = pytest.mark.django_db

junk = st.one_of(st.text(max_size=40), st.integers(-10**6, 10**6).map(str), st.dates().map(str),
                 st.sampled_from(["", "25:99", "2027-02-30", "09:00", "0", "-1", "1e9", "\x00", "９"]))
_near_days = st.integers(-5, 400).map(lambda n: (django_timezone.localdate() + timedelta(days=n)).isoformat())
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _parses(field, value) -> bool:
    try:
        field.clean(value)
    except ValidationError:
        return False
    return True


@SLOW
@given(date=junk, time=junk)
def test_booking_form_never_crashes(chair, protocol, nurse_on_duty, date, time):
    # Real chair, nurse and protocol, so that the date and time reach the conversion to UTC.
    form = BookingForm({"date": date, "time": time, "chair": chair.pk, "nurse": nurse_on_duty.pk,
                        "protocol": protocol.pk})
    valid = form.is_valid()  # must not raise, whatever the text
    if not _parses(forms.DateField(), date):
        assert not valid and "date" in form.errors
    elif not _parses(forms.TimeField(), time):
        assert not valid and "time" in form.errors
    if valid:
        assert form.cleaned_data["start"].utcoffset() == timedelta(0)  # a UTC time...
        assert form.cleaned_data["start"] > django_timezone.now()  # ...that has not passed
    else:
        assert set(form.errors) <= {"date", "time"}  # the chair, nurse and protocol were fine


@SLOW
@given(day=st.integers(1, 700), hour=st.integers(8, 16), minute=st.sampled_from([0, 15, 30, 45]))
def test_booking_form_accepts_real_future_times(chair, protocol, nurse_on_duty, day, hour, minute):
    when = django_timezone.localdate() + timedelta(days=day)
    form = BookingForm({"date": when.isoformat(), "time": f"{hour:02}:{minute:02}", "chair": chair.pk,
                        "nurse": nurse_on_duty.pk, "protocol": protocol.pk})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == local(chair.location, when, hour, minute)


@SLOW
@given(first=junk, last=junk)
def test_find_slot_form_never_crashes(location, protocol, first, last):
    form = FindSlotForm({"first_day": first, "last_day": last, "protocol": protocol.pk, "location": location.pk})
    assert not form.is_valid() or form.cleaned_data["last_day"] >= form.cleaned_data["first_day"]


@SLOW
@given(count=st.one_of(junk, st.integers(-5, 40).map(str)), first=st.one_of(junk, _near_days),
       time=st.one_of(junk, st.sampled_from(["09:00", "13:30"])),
       weekdays=st.lists(st.one_of(junk, st.sampled_from("0123456")), max_size=8),
       kind=st.one_of(junk, st.sampled_from(["induction", "booster"])))
def test_course_plan_form_never_crashes(location, protocol, count, first, time, weekdays, kind):
    # With a real protocol and location, so that valid plans happen and their values are checked.
    form = CoursePlanForm({"protocol": protocol.pk, "location": location.pk, "count": count, "first_day": first,
                           "time": time, "weekdays": weekdays, "kind": kind})
    if form.is_valid():
        data = form.cleaned_data
        assert 1 <= data["count"] <= 24
        assert data["kind"] in ("induction", "booster")
        assert set(data["weekdays"]) <= set(range(7))
        today = local_today(location)
        assert today <= data["first_day"] <= today + timedelta(days=366)
    else:
        assert form.errors and "protocol" not in form.errors and "location" not in form.errors


@SLOW
@given(offset=st.integers(-3, 400))
def test_course_plan_form_accepts_first_days_from_today_to_a_year_ahead(location, protocol, offset):
    first = local_today(location) + timedelta(days=offset)
    form = CoursePlanForm({"protocol": protocol.pk, "location": location.pk, "count": 6, "first_day": first,
                           "time": "09:00", "weekdays": ["0", "2", "4"], "kind": "induction"})
    assert form.is_valid() is (0 <= offset <= 366), form.errors
    if not form.is_valid():
        assert list(form.errors) == ["first_day"]


@SLOW
@given(reason=st.text(max_size=400))
def test_cancel_reason_is_never_blank_or_too_long(reason):
    form = CancelForm({"reason": reason})
    if form.is_valid():
        assert form.cleaned_data["reason"].strip() and len(form.cleaned_data["reason"]) <= 300


@SLOW
@given(dosing=st.integers(-5, 40000), observation=st.integers(-5, 40000),
       dose=st.decimals(min_value=-5, max_value=50, places=2, allow_nan=False))
def test_protocol_form_keeps_durations_and_dose_in_range(dosing, observation, dose):
    form = ProtocolForm({"name": "P", "route": "iv", "default_dose_mg_per_kg": str(dose), "dosing_minutes": dosing,
                         "observation_minutes": observation, "turnover_minutes": 15, "min_interval_hours": 48,
                         "fasting_food_hours": 6, "fasting_liquids_minutes": 120})
    if form.is_valid():
        assert form.cleaned_data["dosing_minutes"] + form.cleaned_data["observation_minutes"] > 0
        assert 0 < form.cleaned_data["default_dose_mg_per_kg"] <= 1

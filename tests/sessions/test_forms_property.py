"""Bad input on the schedule's forms (DESIGN.md §8): any text, date or number gives a form answer, never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.forms import BookingForm, CancelForm, CoursePlanForm, FindSlotForm, ProtocolForm

pytestmark = pytest.mark.django_db

junk = st.one_of(st.text(max_size=40), st.integers(-10**6, 10**6).map(str), st.dates().map(str),
                 st.sampled_from(["", "25:99", "2027-02-30", "09:00", "0", "-1", "1e9", "\x00", "９"]))
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(date=junk, time=junk)
def test_booking_form_never_crashes(chair, protocol, nurse_on_duty, date, time):
    # Real chair, nurse and protocol, so that the date and time reach the conversion to UTC.
    form = BookingForm({"date": date, "time": time, "chair": chair.pk, "nurse": nurse_on_duty.pk,
                        "protocol": protocol.pk})
    assert form.is_valid() in (True, False)
    if not form.is_valid():
        assert form.errors


@SLOW
@given(first=junk, last=junk)
def test_find_slot_form_never_crashes(location, protocol, first, last):
    form = FindSlotForm({"first_day": first, "last_day": last, "protocol": protocol.pk, "location": location.pk})
    assert not form.is_valid() or form.cleaned_data["last_day"] >= form.cleaned_data["first_day"]


@SLOW
@given(count=junk, first=junk, time=junk, weekdays=st.lists(junk, max_size=8), kind=junk)
def test_course_plan_form_never_crashes(count, first, time, weekdays, kind):
    form = CoursePlanForm({"count": count, "first_day": first, "time": time, "weekdays": weekdays, "kind": kind})
    if form.is_valid():
        assert 1 <= form.cleaned_data["count"] <= 24


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

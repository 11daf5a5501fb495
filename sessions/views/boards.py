"""The day board and the week view of a location."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render

from clinic.audit.services import access_event_record_list
from clinic.models import Location
from sessions import forms, selectors
from sessions.models import Appointment

from .common import _day, _location, _render, staff_view


@staff_view("clinic_sessions.view_appointment")
def day_board(request):
    location = _location(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    board = selectors.day_board(location=location, day=day)
    access_event_record_list(request=request, object_type="day board", patients=[
        card.appointment for card in (*board.cards, *board.outside_hours, *board.released)])
    return _render(request, "sessions/day_board.html", {
        "board": board, "locations": Location.objects.filter(is_active=True),
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "statuses": [(s.value, s.label) for s in Appointment.Status if s != Appointment.Status.RESCHEDULED],
        "today": forms.local_today(location),
    }, time_zone=location.time_zone)


@staff_view("clinic_sessions.view_appointment")
def week_board(request):
    location = _location(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    week_start = day - timedelta(days=day.weekday())
    days = selectors.week_board(location=location, week_start=week_start)
    access_event_record_list(request=request, object_type="week board", patients=[
        appointment for week_day in days for appointment in week_day.appointments])
    return _render(request, "sessions/week_board.html", {
        "location": location, "locations": Location.objects.filter(is_active=True),
        "days": days, "week_start": week_start,
        "previous_week": week_start - timedelta(days=7), "next_week": week_start + timedelta(days=7),
    }, time_zone=location.time_zone)

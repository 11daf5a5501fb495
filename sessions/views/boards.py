"""The day board and the week view of a location."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render

from clinic.audit.services import access_event_record
from sessions import forms, selectors

from .common import _day, _locations_and_chosen, _render, staff_view


@staff_view("clinic_sessions.view_appointment")
def day_board(request):
    locations, location = _locations_and_chosen(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    board = selectors.day_board(location=location, day=day, user=request.user)
    access_event_record(request=request, patient_id=None, object_type="day board", patient_ids=[
        card.appointment.patient_public_id for card in (*board.cards, *board.outside_hours, *board.released)])
    return _render(request, "sessions/day_board.html", {
        "board": board, "locations": locations,
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "today": forms.local_today(location),
    }, time_zone=location.time_zone)


MAX_BOARD_CHAIRS, MAX_BOARD_ROWS = 200, 24 * 60  # generous bounds: a stylesheet, not a denial of service


def _bounded(value: str | None, upper: int) -> int:
    try:
        return max(1, min(int(value or 1), upper))
    except ValueError:
        return 1


@staff_view("clinic_sessions.view_appointment")
def board_layout_css(request):
    """The day board's grid for any number of chairs and rows (any opening hours), as a stylesheet from this
    origin: the CSP allows styles from 'self' only, neither inline ``<style>`` nor ``style=`` attributes.
    Numbers only, no patient data; the same for every board of that size, so browsers cache it."""
    chairs = _bounded(request.GET.get("chairs"), MAX_BOARD_CHAIRS)
    rows = _bounded(request.GET.get("rows"), MAX_BOARD_ROWS)
    lines = [f".board-cols-{chairs} {{ grid-template-columns: 4.5rem repeat({chairs}, minmax(9rem, 1fr)); }}"]
    lines += [f".board-col-{n} {{ grid-column: {n}; }}" for n in range(1, chairs + 2)]
    lines += [f".board-row-{n} {{ grid-row-start: {n}; }}" for n in range(1, rows + 2)]
    lines += [f".board-span-{n} {{ grid-row-end: span {n}; }}" for n in range(1, rows + 1)]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@staff_view("clinic_sessions.view_appointment")
def week_board(request):
    locations, location = _locations_and_chosen(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    week_start = day - timedelta(days=day.weekday())
    days = selectors.week_board(location=location, week_start=week_start)
    access_event_record(request=request, patient_id=None, object_type="week board", patient_ids=[
        appointment.patient_public_id for week_day in days for appointment in week_day.appointments])
    return _render(request, "sessions/week_board.html", {
        "location": location, "locations": locations,
        "days": days, "week_start": week_start,
        "previous_week": week_start - timedelta(days=7), "next_week": week_start + timedelta(days=7),
    }, time_zone=location.time_zone)

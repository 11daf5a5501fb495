"""The day board's cards, their move buttons and the week's appointments, built in Python (sessions/html.py):
the markup the templates printed, every value escaped, and one CSRF field in every form."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe

from sessions import html
from sessions.models import Appointment
from sessions.selectors.actions import Actions, MoveButton
from sessions.selectors.boards import TimeRow, WeekDay
from tests.factories import PatientFactory
from tests.sessions.helpers import local, make_nurse

CSRF = mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="token">')  # as {% csrf_token %} gives it
NAME = 'Ann <b>"Bold"</b> & Co'
ESCAPED_NAME = "Ann &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co"


def _card(**fields):
    card = {"appointment": SimpleNamespace(public_id="a1"), "status": "booked", "grid_classes": "board-col-2",
            "patient_name": NAME, "start_time": "09:00", "end_time": "10:40", "status_label": "Booked",
            "url": "/appt/a1/", "protocol_name": "IV <fast>", "nurse_name": "Nurse Joy", "escort_confirmed": False,
            "overrunning": False, "next_on_chair": None, "needs_consent": False, "actions": Actions()}
    return SimpleNamespace(**{**card, **fields})


def test_action_buttons_post_each_move_with_the_csrf_field_and_where_to_come_back():
    actions = Actions(buttons=(MoveButton("check-in", "Check in", "success", "/appt/a1/check-in/",
                                          f"Check in: {NAME} at 09:00?"),),
                      reschedule_url="/appt/a1/reschedule/", cancel_url="/appt/a1/cancel/")
    out = html.action_buttons(actions, "/board/?location=x&day=2026-01-05", CSRF)
    assert out == (
        '<div class="d-flex flex-wrap gap-1 mt-1">'
        f'<form method="post" action="/appt/a1/check-in/" data-confirm="Check in: {ESCAPED_NAME} at 09:00?">{CSRF}'
        '<input type="hidden" name="next" value="/board/?location=x&amp;day=2026-01-05">'
        '<button type="submit" class="btn btn-sm btn-success">Check in</button></form>'
        '<a class="btn btn-sm btn-outline-secondary" href="/appt/a1/reschedule/">Reschedule</a>'
        '<a class="btn btn-sm btn-outline-danger" href="/appt/a1/cancel/">Cancel</a></div>')
    assert html.action_buttons(Actions(), "/board/", CSRF) == ""


def test_board_card_escapes_what_it_prints_and_says_escort_overrun_and_consent():
    plain = html.board_card(_card(), "/board/", CSRF)
    assert NAME not in plain and plain.count(ESCAPED_NAME) == 2  # the label and the link
    assert 'aria-label="' + ESCAPED_NAME + ', 09:00, Booked"' in plain
    assert "IV &lt;fast&gt;" in plain and "escort" not in plain and "<form" not in plain
    assert "overrun-warning" not in plain and "consent-warning" not in plain

    later = _card(patient_name="Bo <i>", start_time="11:00")
    warned = html.board_card(_card(escort_confirmed=True, overrunning=True, next_on_chair=later, needs_consent=True),
                             "/board/", CSRF)
    assert "Nurse Joy · escort ✓" in warned
    assert "Overrunning: booked to end 10:40. Next on this chair: 11:00 Bo &lt;i&gt;</div>" in warned
    assert "Consent must be signed again before this session" in warned
    alone = html.board_card(_card(overrunning=True), "/board/", CSRF)
    assert "Overrunning: booked to end 10:40</div>" in alone


def test_board_cards_share_the_pages_escaped_values_and_move_forms_and_print_each_card_as_alone():
    """What the page escapes once (html.Escaped, html.MoveForms) prints as each card escaped on its own would."""
    buttons = (MoveButton("check-in", "Check in", "success", "/appt/a1/check-in/", f"Check in: {NAME} at 09:00?"),)
    cards = [_card(protocol_name=NAME, nurse_name=NAME, actions=Actions(buttons=buttons)),
             _card(patient_name="Bo <i>", protocol_name=NAME, nurse_name=NAME, actions=Actions(buttons=buttons))]
    next_url = "/board/?location=x&day=2026-01-05"
    out = html.board_cards(cards, next_url, CSRF)
    assert out == "".join(html.board_card(card, next_url, CSRF) for card in cards)
    assert NAME not in out and out.count(ESCAPED_NAME) == 2 + 4 + 2  # a name twice, protocols and nurses, questions
    assert out.count('value="/board/?location=x&amp;day=2026-01-05"') == 2


def test_week_appointments_one_escaped_item_each():
    cards = [SimpleNamespace(status="booked", url="/appt/a1/", start_time="09:00", patient_name=NAME,
                             chair_name="Chair 1", protocol_name="IV", status_label="Booked")] * 2
    out = html.week_appointments(cards)
    assert out.count('<li class="board-card status-booked mb-1">') == 2
    assert f'<a href="/appt/a1/">09:00 {ESCAPED_NAME}</a><br>Chair 1 · IV · Booked</li>' in out
    # A chair's or protocol's name escaped once for the day (html.Escaped) is escaped in every item.
    named = [SimpleNamespace(**{**vars(cards[0]), "chair_name": NAME, "protocol_name": "<IV>"})] * 2
    assert html.week_appointments(named).count(f"<br>{ESCAPED_NAME} · &lt;IV&gt; · Booked</li>") == 2
    odd = [SimpleNamespace(**{**vars(cards[0]), "url": '/a?b=1&c="2"', "start_time": "<9>"})]
    assert '<a href="/a?b=1&amp;c=&quot;2&quot;">&lt;9&gt; ' in html.week_appointments(odd)


def test_week_days_head_each_day_with_its_date_linking_to_its_board_and_grey_a_closed_day():
    card = SimpleNamespace(status="booked", url="/appt/a1/", start_time="09:00", patient_name=NAME,
                           chair_name="Chair 1", protocol_name="IV", status_label="Booked")
    days = [WeekDay(date(2026, 11, 30), [card], True), WeekDay(date(2026, 12, 6), [], False)]
    out = html.week_days(days, "/schedule/board/", "loc-1")
    sections = out.split('<section class="col">')[1:]
    assert len(sections) == 2
    assert '<div class="card h-100">' in sections[0] and "bg-light" not in sections[0]
    assert '<a href="/schedule/board/?location=loc-1&amp;day=2026-11-30">Mon 30 Nov</a></div>' in sections[0]
    assert html.week_appointments([card]) in sections[0]
    assert '<div class="card h-100 bg-light">' in sections[1]
    assert ('<a href="/schedule/board/?location=loc-1&amp;day=2026-12-06">Sun 6 Dec</a>'
            ' <span class="small text-body-secondary">closed</span></div>') in sections[1]
    assert '<li class="text-body-secondary">No appointments</li>' in sections[1]


@pytest.mark.django_db
def test_each_form_on_the_day_board_carries_the_pages_csrf_field(front_desk_client, location, protocol, chairs,
                                                                 front_desk, next_monday):
    nurse = make_nurse(email="html.nurse@clinic.test")
    for slot, hour in enumerate((9, 11)):
        start = local(location, next_monday, hour)
        Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chairs[slot],
            nurse=nurse, nurse_slot=slot + 1, start=start, end=start + timedelta(minutes=100),
            blocked_until=start + timedelta(minutes=115), booked_by=front_desk, status=Appointment.Status.BOOKED)
    page = front_desk_client.get(reverse("schedule:board"), {"location": location.public_id,
                                                             "day": next_monday.isoformat()}).content.decode()
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    assert len(forms) >= 2
    assert all(re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form) for form in forms)


def test_board_time_rows_show_the_first_row_and_each_hour_and_hide_the_quarters_visually():
    out = html.board_time_rows([TimeRow(2, "08:45", False), TimeRow(3, "09:00", True), TimeRow(4, "09:15", False)])
    assert out == "".join(
        '\n  <div class="board-aria-row" role="row"><div class="board-time board-col-1 board-row-{}" '
        'role="rowheader">{}</div></div>\n  '.format(*row) for row in
        [(2, "08:45"), ("3 on-hour", "09:00"), (4, '<span class="visually-hidden">09:15</span>')])


def test_board_time_rows_are_made_once_per_set_of_opening_hours_and_print_as_each_row_would():
    clock_times = ((8, 45), (9, 0), (9, 15))
    out = html.board_time_rows_at(clock_times)
    assert out == html.board_time_rows([TimeRow(2, "08:45", False), TimeRow(3, "09:00", True),
                                        TimeRow(4, "09:15", False)])
    assert html.board_time_rows_at(((8, 45), (9, 0), (9, 15))) is out  # kept, not made again
    assert html.board_time_rows_at(((9, 45), (10, 0))) != out  # other hours, other rows


def test_board_chair_heads_give_each_chair_its_column_from_the_second_with_its_name_escaped():
    out = html.board_chair_heads([SimpleNamespace(name="Chair 1"), SimpleNamespace(name=NAME)])
    assert out == ('<div class="board-head board-col-2" role="columnheader">Chair 1</div>'
                   f'<div class="board-head board-col-3" role="columnheader">{ESCAPED_NAME}</div>')


def test_the_board_legend_shows_every_status_on_the_board_but_rescheduled_in_its_colour(front_desk_client,
                                                                                        location):
    page = front_desk_client.get(reverse("schedule:board"), {"location": location.public_id}).content.decode()
    legend = re.search(r'<ul class="list-inline small mb-2" aria-label="Status colours">(.*?)</ul>', page, re.S)[1]
    shown = re.findall(r'<li class="list-inline-item board-card status-(\w+) py-0">([^<]+)</li>', legend)
    assert shown == [(status.value, status.label) for status in Appointment.Status
                     if status != Appointment.Status.RESCHEDULED]


def test_the_location_switcher_lists_each_location_with_the_one_shown_selected_and_names_escaped():
    here, there = SimpleNamespace(public_id="l-1", name="Main"), SimpleNamespace(public_id="l-2", name=NAME)
    assert html.location_options([here, there], there) == (
        f'<option value="l-1">Main</option><option value="l-2" selected>{ESCAPED_NAME}</option>')


@pytest.mark.django_db
def test_the_board_and_the_week_switch_between_locations_with_the_one_shown_selected(front_desk_client, location):
    from tests.factories import LocationFactory

    other = LocationFactory(name="Second Site")
    for route in ("schedule:board", "schedule:week"):
        page = front_desk_client.get(reverse(route), {"location": other.public_id}).content.decode()
        assert f'<option value="{other.public_id}" selected>Second Site</option>' in page
        assert f'<option value="{location.public_id}">{location.name}</option>' in page


def test_the_lists_under_the_grid_print_a_line_each_a_late_cancellation_marked_with_its_chair():
    late = _card(url="/appt/a1/", status_label="Cancelled", chair_name="Chair <1>",
                 appointment=SimpleNamespace(late_cancel=True))
    in_time = _card(url="/appt/a2/", start_time="10:00", status_label="No-show", chair_name="Chair 2",
                    appointment=SimpleNamespace(late_cancel=False))
    assert html.off_grid_cards([late, in_time], with_chair=True) == (
        f'<li><a href="/appt/a1/">09:00 {ESCAPED_NAME}</a> — Cancelled (late), Chair &lt;1&gt;</li>'
        f'<li><a href="/appt/a2/">10:00 {ESCAPED_NAME}</a> — No-show, Chair 2</li>')
    assert html.off_grid_cards([in_time]) == f'<li><a href="/appt/a2/">10:00 {ESCAPED_NAME}</a> — No-show</li>'


def test_a_date_label_is_djangos_date_format_made_once_per_day_and_format():
    from django.utils.dateformat import format as date_format

    day = date(2026, 11, 30)
    for fmt in ("D j M", "l j F Y", "j F Y"):
        assert html.date_label(day, fmt) == date_format(day, fmt)
    assert html.date_label(day, "l j F Y") == "Monday 30 November 2026"
    assert html.date_label(day, "D j M") is html.date_label(date(2026, 11, 30), "D j M")  # kept, not made again


@pytest.mark.django_db
def test_the_board_heads_its_day_and_says_its_opening_hours(front_desk_client, location):
    page = front_desk_client.get(reverse("schedule:board"), {"location": location.public_id,
                                                              "day": "2026-11-30"}).content.decode()
    assert f"{location.name} · Monday 30 November 2026</h1>" in page
    assert f"Open {location.opens_at:%H:%M}–{location.closes_at:%H:%M}." in page
    week = front_desk_client.get(reverse("schedule:week"), {"location": location.public_id,
                                                             "day": "2026-12-02"}).content.decode()
    assert f"{location.name} · week of 30 November 2026</h1>" in week

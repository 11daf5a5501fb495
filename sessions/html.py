"""Fragments that a page prints dozens or hundreds of times, built in Python with ``format_html`` (clinic.html:
Django's, without its lazy-string check; every value escaped, as the template would) and printed by a tag
(sessions_tags): the day board's cards and their move buttons, the week's appointments, the session record's
vitals rows, the home page's lines per time and chair.

In the template language each card's two or three dozen variables, ``{% if %}``, ``{% include %}`` of the
buttons and ``{% csrf_token %}`` per button were most of the day board's and the week view's render time
(bench/board_render.py: about 140 µs a board card, 25 µs a week appointment; issue 13). The markup is the
one the templates printed; tests/sessions/test_board_html.py, test_home_html.py and
tests/sessions/records/test_vitals_html.py check it and its escaping.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from clinic.html import conditional_escape, format_html, format_html_join
from sessions.selectors.actions import Actions, MoveButton
from sessions.selectors.boards import time_rows_at

if TYPE_CHECKING:
    from sessions.selectors.boards import BoardCard, TimeRow, WeekCard, WeekDay


class Escaped(dict):
    """Values a page prints many times (a status and its label, a chair's, protocol's or nurse's name), each
    escaped once for the page: ``escaped[value]``. Escaping was most of what the board's cards and the week's
    appointments cost."""

    def __missing__(self, value: str) -> SafeString:
        escaped = self[value] = conditional_escape(value)
        return escaped


class MoveForms:
    """A page's move forms. What each form repeats (the CSRF field, where to come back, the button) is escaped
    once a page for each move, not once a button: the day board has about forty buttons and six moves, and
    escaping was most of its cards' cost."""

    def __init__(self, next_url: str, csrf_input: SafeString):
        self.next_url, self.csrf_input = next_url, csrf_input
        self._endings: dict[tuple[str, str], SafeString] = {}

    def _ending(self, button: MoveButton) -> SafeString:
        """The form after its opening tag: the same for every button of a move on a page."""
        key = (button.style, button.label)
        ending = self._endings.get(key)
        if ending is None:
            ending = self._endings[key] = format_html(
                '{}<input type="hidden" name="next" value="{}">'
                '<button type="submit" class="btn btn-sm btn-{}">{}</button></form>',
                self.csrf_input, self.next_url, button.style, button.label)
        return ending

    def forms(self, buttons: Iterable[MoveButton]) -> SafeString:
        """Each move a form that posts after the browser asks (``data-confirm``, js/confirm.js)."""
        return format_html_join("", '<form method="post" action="{}" data-confirm="{}">{}',
                                ((button.url, button.confirm, self._ending(button)) for button in buttons))


def action_buttons(actions: Actions, next_url: str, csrf_input: SafeString,
                   move_forms: MoveForms | None = None) -> SafeString:
    """The moves a user may make on an appointment now, each a form that posts after the browser asks
    (``data-confirm``, js/confirm.js), then the links to reschedule and cancel. ``csrf_input``: the page's
    ``{% csrf_token %}`` field, rendered once (it is the same for every form of the page); ``move_forms``: the
    page's, when it shows many appointments."""
    if not actions.offered:
        return SafeString("")
    forms = (move_forms or MoveForms(next_url, csrf_input)).forms(actions.buttons)
    reschedule = (format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">Reschedule</a>',
                              actions.reschedule_url) if actions.reschedule_url else "")
    cancel = (format_html('<a class="btn btn-sm btn-outline-danger" href="{}">Cancel</a>', actions.cancel_url)
              if actions.cancel_url else "")
    return format_html('<div class="d-flex flex-wrap gap-1 mt-1">{}{}{}</div>', forms, reschedule, cancel)


def _overrun_warning(card: BoardCard) -> SafeString:
    """Past its booked end, with the next patient booked on the chair (the board warns before they wait)."""
    if not card.overrunning:
        return SafeString("")
    after = card.next_on_chair
    following = (format_html(". Next on this chair: {} {}", after.start_time, after.patient_name)
                 if after is not None else "")
    return format_html('<div class="badge text-bg-danger text-wrap text-start overrun-warning" role="status">'
                       "Overrunning: booked to end {}{}</div>", card.end_time, following)


CONSENT_WARNING = mark_safe(  # noqa: S308 (a constant)
    '<div class="badge text-bg-warning text-wrap text-start consent-warning" role="status">'
    "Consent must be signed again before this session</div>")


ESCORT_CONFIRMED = mark_safe(" · escort ✓")  # noqa: S308 (a constant)


BOARD_CARD = (
    '<div class="board-aria-row" role="row">'
    '<article id="appt-{}" role="gridcell" class="board-card status-{} {}" aria-label="{}, {}, {}">'
    '<div class="d-flex justify-content-between gap-1">'
    '<a class="fw-semibold" href="{}">{}</a> <span class="badge badge-status">{}</span></div>'
    "<div>{}–{} · {}</div>"
    '<div class="text-body-secondary">{}{}</div>'
    "{}{}{}</article></div>\n")


def board_card(card: BoardCard, next_url: str, csrf_input: SafeString,
               move_forms: MoveForms | None = None, escaped: Escaped | None = None) -> SafeString:
    """One appointment on the day board's grid, in its ARIA row (the grid's cells sit in rows, issue 12 #4).
    ``move_forms`` and ``escaped``: the page's, when it prints many cards. The card's own values are escaped
    here, the page's (``escaped``) and the fragments (already safe) go in as they are: what ``format_html`` does,
    without its call per value (eighteen a card, forty cards)."""
    escaped = Escaped() if escaped is None else escaped
    name, start, status_label = escape(card.patient_name), escape(card.start_time), escaped[card.status_label]
    return SafeString(BOARD_CARD.format(
        escape(str(card.appointment.public_id)), escaped[card.status], escape(card.grid_classes), name, start,
        status_label, escape(card.url), name, status_label,
        start, escape(card.end_time), escaped[card.protocol_name],
        escaped[card.nurse_name], ESCORT_CONFIRMED if card.escort_confirmed else "",
        _overrun_warning(card), CONSENT_WARNING if card.needs_consent else "",
        action_buttons(card.actions, next_url, csrf_input, move_forms)))


def board_cards(cards: Iterable[BoardCard], next_url: str, csrf_input: SafeString) -> SafeString:
    move_forms, escaped = MoveForms(next_url, csrf_input), Escaped()
    return mark_safe("".join(board_card(card, next_url, csrf_input, move_forms, escaped)  # noqa: S308 (escaped)
                             for card in cards))


_TIME_ROW = '\n  <div class="board-aria-row" role="row"><div class="board-time board-col-1 {}" role="rowheader">'
TIME_ROW_SHOWN = _TIME_ROW + "{}</div></div>\n  "
TIME_ROW_HIDDEN = _TIME_ROW + '<span class="visually-hidden">{}</span></div></div>\n  '


def board_time_rows(rows: Iterable[TimeRow]) -> SafeString:
    """The board's 15-minute rows, a row header each: the first row's time and each hour's shown, the other
    quarters' read by screen readers only."""
    return mark_safe("".join(  # noqa: S308 (escaped)
        format_html(TIME_ROW_SHOWN if row.on_hour or i == 0 else TIME_ROW_HIDDEN, row.classes, row.label)
        for i, row in enumerate(rows)))


@functools.lru_cache(maxsize=256)
def board_time_rows_at(clock_times: tuple[tuple[int, int], ...]) -> SafeString:
    """``board_time_rows`` of a board's rows (``DayBoard.clock_times``), made once per process for each set of
    opening hours: a location's boards have the same rows every day but on the days the clocks change, and the
    forty rows of a day cost half as much as its forty cards."""
    return board_time_rows(time_rows_at(clock_times))


def board_chair_heads(chairs: Iterable) -> SafeString:
    """The grid's column headers, a chair each, from the second column (the first is the times)."""
    return format_html_join("", '<div class="board-head board-col-{}" role="columnheader">{}</div>',
                            ((i, chair.name) for i, chair in enumerate(chairs, start=2)))


@functools.lru_cache(maxsize=8)
def board_status_legend(statuses: tuple[tuple[str, str], ...]) -> SafeString:
    """The colour of each status, as a list above the board (the same on every board: made once)."""
    return format_html_join("", '<li class="list-inline-item board-card status-{} py-0">{}</li>', statuses)


OFF_GRID = '<li><a href="{}">{} {}</a> — {}{}</li>'
LATE = mark_safe(" (late)")  # noqa: S308 (a constant)


def off_grid_cards(cards: Iterable[BoardCard], *, with_chair: bool = False) -> SafeString:
    """The board's lists under the grid, a line each: the appointments outside opening hours, and (``with_chair``)
    the cancelled, no-shows and not given, a late cancellation marked, with the chair they had."""
    return format_html_join("", OFF_GRID, (
        (card.url, card.start_time, card.patient_name, card.status_label,
         format_html("{}, {}", LATE if card.appointment.late_cancel else "", card.chair_name) if with_chair else "")
        for card in cards))


def location_options(locations: Iterable, chosen) -> SafeString:
    """Each open location as an option of the board's and week's switcher, the one shown selected."""
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (place.public_id, SELECTED if place == chosen else "", place.name) for place in locations))


SELECTED = mark_safe(" selected")  # noqa: S308 (a constant)


WEEK_APPOINTMENT = '<li class="board-card status-{} mb-1"><a href="{}">{} {}</a><br>{} · {} · {}</li>'


def week_appointments(cards: Iterable[WeekCard], escaped: Escaped | None = None) -> SafeString:
    """A day's appointments in the week view, one list item each. ``escaped``: the week's (its statuses',
    chairs' and protocols' names are escaped once a page); each card's own values escaped here, as
    ``format_html`` would, without its call per value (a week has about two hundred)."""
    escaped = Escaped() if escaped is None else escaped
    return mark_safe("\n".join(  # noqa: S308 (escaped)
        WEEK_APPOINTMENT.format(escaped[card.status], escape(card.url), escape(card.start_time),
                                escape(card.patient_name), escaped[card.chair_name], escaped[card.protocol_name],
                                escaped[card.status_label])
        for card in cards))


WEEK_DAY = ('\n  <section class="col">\n    <div class="card h-100{}">\n      <div class="card-header">'
            '<a href="{}?location={}&amp;day={}">{}</a>{}</div>\n'
            '      <ul class="list-unstyled card-body p-2 mb-0 small">\n        {}\n      </ul>\n    </div>\n'
            '  </section>\n  ')
CLOSED = mark_safe(' <span class="small text-body-secondary">closed</span>')  # noqa: S308 (a constant)
NO_APPOINTMENTS = mark_safe('<li class="text-body-secondary">No appointments</li>')  # noqa: S308 (a constant)


def week_days(days: Iterable[WeekDay], board_url: str, location_public_id) -> SafeString:
    """The week's seven days, each a card headed by its date (a link to its day board) listing its
    appointments; a day the location is closed greyed out."""
    escaped = Escaped()
    return format_html_join("", WEEK_DAY, (
        ("" if day.is_open else " bg-light", board_url, location_public_id, day.day.isoformat(),
         date_label(day.day, "D j M"), "" if day.is_open else CLOSED,
         week_appointments(day.appointments, escaped) if day.appointments else NO_APPOINTMENTS)
        for day in days))


def date_label(day: date, fmt: str) -> str:
    """``day`` in Django's date format ``fmt`` ("D j M": "Mon 30 Nov") in the page's language, made once per
    process for each: Django's date format costs 35 µs, the week heads seven days with it."""
    return _date_label(day, fmt, get_language())


@functools.lru_cache(maxsize=1024)
def _date_label(day: date, fmt: str, language: str | None) -> str:
    return date_format(day, fmt)


# The vitals table's row, as templates/sessions/records/includes/_vitals.html printed it (and its error mark,
# _error_mark.html): a record has a reading every 10–15 minutes, and the loop with its include was 2 ms of the
# record page (issue 13).
VITAL_ROW = ('\n      <tr class="{}">\n        <td>{}</td><td>{}</td>\n        <td>{}/{}</td><td>{}</td><td>{}</td>\n'
             '        <td>{}</td><td>{}</td><td>{}</td>\n        <td>{}{}\n          {}</td>\n        <td>{}</td>\n'
             '      </tr>\n    ')
ERROR_MARK = ('\n<details class="error-mark"><summary class="small">Entered in error?</summary>\n'
              '  <form method="post" action="{}" class="d-flex gap-1 mt-1">\n'
              '    {}<input type="hidden" name="target_type" value="{}">'
              '<input type="hidden" name="target" value="{}">\n'
              '    <label class="visually-hidden" for="reason-{}">Why is this entry wrong?</label>\n'
              '    <input class="form-control form-control-sm" id="reason-{}" name="reason" required '
              'placeholder="Reason">\n'
              '    <button class="btn btn-sm btn-outline-danger" type="submit">Mark</button>\n'
              '  </form>\n</details>\n\n')


def vitals_rows(vitals: Iterable, *, may_mark: bool, error_mark_url: str, csrf_input: SafeString) -> SafeString:
    """The vitals table's rows, oldest first: a reading entered in error is struck through with its reason; the
    others offer "entered in error?" to those who may mark it (``may_mark``). Times in the active time zone
    (the record's location's, as the page renders)."""

    def row(v):
        error = getattr(v, "error", None)
        # As the include printed it: nothing for a struck reading; its trailing newline when not offered.
        mark = "" if error else "\n" if not may_mark else format_html(
            ERROR_MARK, error_mark_url, csrf_input, "vital", v.public_id, v.public_id, v.public_id)
        return (
            "entered-in-error" if error else "table-warning" if v.flags else "",
            timezone.localtime(v.taken_at).strftime("%H:%M"), v.get_phase_display(),
            v.systolic, v.diastolic, v.heart_rate, v.spo2,
            v.respiratory_rate or "–", "–" if v.moaas is None else v.moaas, v.get_dissociation_display() or "–",
            format_html_join("", '<span class="badge text-bg-{} me-1">{}</span>',
                             (("warning" if "recheck" in f else "danger", f) for f in v.flags)),
            v.note,
            format_html('<div class="small"><strong>Entered in error:</strong> {}</div>', error.reason)
            if error else "",
            mark)

    return format_html_join("", VITAL_ROW, (row(v) for v in vitals))


# The staff home page's panels (sessions/home.py) print each location's times of the day and its chairs: with
# ten locations, some hundred lines that cost about half the page's render time in the template language.

def home_times(times: Iterable[tuple]) -> SafeString:
    """Today's arrivals of one location by time: ``(local time, to arrive, arrived)``, the ``<li>`` lines. The
    time is on the location's clock already (sessions/home.py): shown as it is, not in the server's zone."""
    return format_html_join("", '<li><span class="fw-semibold">{}</span> {}</li>', (
        (at.strftime("%H:%M"), _arrivals_at(to_arrive, arrived)) for at, to_arrive, arrived in times))


def _arrivals_at(to_arrive: int, arrived: int) -> str:
    waiting = f"{to_arrive} not checked in" if to_arrive else ""
    come = f"{arrived} checked in" if arrived else ""
    return ", ".join(part for part in (waiting, come) if part)


def home_chairs(chairs: Iterable[tuple], board_url: str) -> SafeString:
    """Today's patients of one location by chair: ``(chair name, {status label: n})``, the ``<li>`` lines, each
    chair linking to the location's day board."""
    return format_html_join("", '<li><a href="{}"><span class="fw-semibold">{}</span></a>: {}</li>', (
        (board_url, chair, ", ".join(f"{n} {str(label).lower()}" for label, n in statuses.items()))
        for chair, statuses in chairs))

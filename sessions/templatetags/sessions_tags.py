import functools
import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from clinic.links import reversed_once
from sessions import html
from sessions.courses import to_local
from sessions.models import Appointment
from sessions.selectors.actions import Actions
from sessions.selectors.actions import appointment_actions as selectors_appointment_actions

register = template.Library()


@register.simple_tag
def appointment_actions(appointment: Appointment, user, now=None) -> Actions:
    """What ``user`` may do with ``appointment`` now: the status buttons, reschedule and cancel. Asks
    ``appointment_moves``' rules, as the view and the service do, so a page offers only what would work. For one
    appointment; a page of many shapes them in its selector (``PageActions``)."""
    return selectors_appointment_actions(appointment, user, now)


def _csrf_input(context) -> SafeString:
    """The page's ``{% csrf_token %}`` field, rendered once for all its forms (the token is the same)."""
    return CsrfTokenNode().render(context)


@register.simple_tag(takes_context=True)
def action_buttons(context, actions: Actions, next_url: str) -> SafeString:
    """The move buttons, reschedule and cancel of one appointment (``html.action_buttons``)."""
    return html.action_buttons(actions, next_url, _csrf_input(context))


@register.simple_tag(takes_context=True)
def board_cards(context, cards, next_url: str) -> SafeString:
    """The day board's cards with their buttons (``html.board_card``)."""
    return html.board_cards(cards, next_url, _csrf_input(context))


@register.simple_tag
def board_time_rows(board) -> SafeString:
    """The day board's time labels (``html.board_time_rows_at``)."""
    return html.board_time_rows_at(board.clock_times)


@register.simple_tag
def board_chair_heads(chairs) -> SafeString:
    """The day board's column headers (``html.board_chair_heads``)."""
    return html.board_chair_heads(chairs)


@register.simple_tag
def board_status_legend() -> SafeString:
    """The day board's status colours (``html.board_status_legend``), every status but rescheduled (a
    rescheduled appointment is not on the board)."""
    return html.board_status_legend(BOARD_STATUSES)


BOARD_STATUSES = tuple((status.value, str(status.label)) for status in Appointment.Status
                       if status != Appointment.Status.RESCHEDULED)


@register.simple_tag
def date_label(day, fmt: str) -> str:
    """``{{ day|date:fmt }}``, made once per process for each day and format (``html.date_label``)."""
    return html.date_label(day, fmt)


@register.simple_tag
def off_grid_cards(cards, with_chair=False) -> SafeString:
    """The day board's lists under the grid (``html.off_grid_cards``)."""
    return html.off_grid_cards(cards, with_chair=with_chair)


@register.simple_tag
def location_options(locations, chosen) -> SafeString:
    """The board's and week's location switcher (``html.location_options``)."""
    return html.location_options(locations, chosen)


@register.simple_tag
def week_days(days, location) -> SafeString:
    """The week view's days with their appointments (``html.week_days``)."""
    return html.week_days(days, reversed_once("schedule:board"), location.public_id)


@register.filter
def local_time(appointment: Appointment, fmt: str = "D j M Y, H:i") -> str:
    """An appointment's start in its location's wall time (stored UTC; DESIGN.md §5)."""
    return date_format(to_local(appointment.start, appointment.location.time_zone), fmt)


@register.filter
def tel_href(phone: str) -> str:
    """A phone number for a ``tel:`` link: digits and a leading +, no spaces (some phones dial "tel:555 010"
    only up to the first space)."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    return ("+" + digits) if phone.startswith("+") else digits


@register.filter
def weekday_names(days) -> str:
    """[0, 1, 2] → "Monday, Tuesday, Wednesday" (Location.open_weekdays counts from Monday = 0)."""
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return ", ".join(names[day] for day in sorted(days or []) if 0 <= day < 7)


@register.filter
def record_form(form) -> SafeString:
    """crispy's HTML of a session record's form. An empty form that declares ``same_html_when_empty`` (no
    initial values, no choices: the sign and addendum forms) is the same HTML on every record, so it is rendered
    once per process: crispy's templates cost ~1.5 ms a form, a tenth of the record page (issue 13)."""
    if form.is_bound or not getattr(form, "same_html_when_empty", False):
        return as_crispy_form(form)
    return _empty_form_html(type(form))


@functools.cache
def _empty_form_html(form_class) -> SafeString:
    return as_crispy_form(form_class())


@register.simple_tag(takes_context=True)
def vitals_rows(context, vitals) -> SafeString:
    """The record's vitals table rows (``html.vitals_rows``). The print view passes no ``user_can``: no marks."""
    user_can = context.get("user_can") or {}
    may_mark = bool(user_can.get("nurse") or user_can.get("sign"))
    return html.vitals_rows(vitals, may_mark=may_mark, error_mark_url=context.get("error_mark_url", ""),
                            csrf_input=_csrf_input(context) if may_mark else SafeString(""))

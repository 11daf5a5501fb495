import re
from dataclasses import dataclass, field

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sessions.courses import to_local
from sessions.models import Appointment

register = template.Library()

S = Appointment.Status
# (url action, button label, Bootstrap style) for each status an appointment can move to from the board.
_BUTTONS = {
    S.CONFIRMED: ("confirm", "Confirm", "outline-success"),
    S.CHECKED_IN: ("check-in", "Check in", "success"),
    S.IN_SESSION: ("start", "Start session", "primary"),
    S.RECOVERING: ("recovering", "Recovering", "primary"),
    S.COMPLETED: ("complete", "Complete", "primary"),
    S.NO_SHOW: ("no-show", "No-show", "outline-secondary"),
}
# The same rules as sessions.services and sessions.views.appointment_action: a button is shown only when
# pressing it would work, so nobody meets a 403 or a refusal from a button the page offered.
_CLINICAL = frozenset({S.IN_SESSION, S.RECOVERING, S.COMPLETED})
_CHANGE_PERMISSION = "clinic_sessions.change_appointment"
_CLINICAL_PERMISSION = "clinic_sessions.attend_appointment"


@dataclass
class Actions:
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    can_reschedule: bool = False
    can_cancel: bool = False


@register.simple_tag
def appointment_actions(appointment: Appointment, user, now=None) -> Actions:
    """What ``user`` may do with ``appointment`` now: the status buttons, reschedule and cancel."""
    if user is None or not user.has_perm(_CHANGE_PERMISSION):
        return Actions()
    now = now or timezone.now()
    zone = appointment.location.time_zone
    started = now >= appointment.start
    on_the_day = to_local(now, zone).date() == to_local(appointment.start, zone).date()
    clinician = user.has_perm(_CLINICAL_PERMISSION)
    buttons = []
    for status, button in _BUTTONS.items():
        if not appointment.can_move_to(status):
            continue
        if status in _CLINICAL and not clinician:
            continue
        if status == S.NO_SHOW and not started:
            continue
        if status == S.CHECKED_IN and not on_the_day:
            continue
        buttons.append(button)
    movable = appointment.status in (S.BOOKED, S.CONFIRMED)
    return Actions(buttons=buttons, can_reschedule=movable, can_cancel=movable and not started)


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

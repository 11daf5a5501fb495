from django import template
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


@register.filter
def available_actions(appointment: Appointment) -> list[tuple[str, str, str]]:
    allowed = Appointment.ALLOWED_TRANSITIONS[appointment.status]
    return [button for status, button in _BUTTONS.items() if status in allowed]


@register.filter
def local_time(appointment: Appointment, fmt: str = "D j M Y, H:i") -> str:
    """An appointment's start in its location's wall time (stored UTC; DESIGN.md §5)."""
    return date_format(to_local(appointment.start, appointment.location.time_zone), fmt)

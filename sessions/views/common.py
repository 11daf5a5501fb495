"""What every schedule page shares: who may see it, the location and day asked for, local-time rendering."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from clinic.models import Location
from patients.models import Patient
from sessions import forms, selectors
from sessions.models import Appointment


def staff_view(permission: str):
    """Signed-in staff with ``permission``: anonymous visitors go to the login page, others get the 403 page."""

    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


def _render(request, template: str, context: dict, *, time_zone: str, status: int = 200):
    """Render with the location's zone active, so every time on the page is its wall time (DESIGN.md §5)."""
    with timezone.override(time_zone):
        return render(request, template, context, status=status)


def _locations_and_chosen(request) -> tuple[list[Location], Location | None]:
    """The active locations (a page's location switcher lists them) and the one ?location= asks for, else the
    one the person works at, else the first by name: one query, prepared once (a clinic has a handful of
    locations; issue 13)."""
    locations = selectors.active_locations()
    wanted = request.GET.get("location", "")
    wanted_id = uuid.UUID(wanted) if _is_uuid(wanted) else None
    chosen = next((place for place in locations if place.public_id == wanted_id), None)
    works_at = selectors.location_worked_at(locations, getattr(request.user, "works_at_id", None))
    return locations, chosen or works_at or (locations[0] if locations else None)


def _location(request) -> Location | None:
    return _locations_and_chosen(request)[1]


def _chosen_slot(request, *, with_protocol: bool = False) -> dict:
    """The date, time, chair and nurse (and protocol) a "use this time" link carries, as form initial values."""
    from django.contrib.auth import get_user_model

    from sessions.models import Chair, Protocol

    initial = {key: request.GET[key] for key in ("date", "time") if key in request.GET}
    models = [("chair", Chair), ("nurse", get_user_model())] + ([("protocol", Protocol)] if with_protocol else [])
    for key, model in models:
        if _is_uuid(request.GET.get(key, "")):
            found = model.objects.filter(public_id=request.GET[key]).first()
            if found is not None:
                initial[key] = found
    return initial


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _day(request, location: Location) -> date:
    """The ?day= asked for, or today at the location (also for nonsense or dates more than two years away)."""
    today = forms.local_today(location)
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return day if abs((day - today).days) <= forms.BOOKING_HORIZON.days else today


def _emailed(request, patient: Patient, appointment: Appointment | None, kind: str) -> str:
    """The end of the success message, from the recorded outcome of the e-mail (``AppointmentEmail``, written
    once the booking committed and the mail server answered). A failed e-mail gets its own warning, since the
    booking itself is saved: the front desk phones the patient."""
    if not patient.email:
        return "no e-mail address on file: give the patient the time and instructions by phone."
    sent = selectors.email_outcome(appointment=appointment, kind=kind) if appointment is not None else None
    if sent is False:
        messages.warning(request, "The e-mail to the patient could not be sent: give them the time and "
                                  "instructions by phone.")
        return "the e-mail could not be sent."
    if sent is None:
        return "the patient will be e-mailed the time, place and instructions."
    return "the patient has been e-mailed the time, place and instructions."


def _warn_if_fasting_started(request, appointment: Appointment) -> None:
    """A session booked to start inside its protocol's fasting window: the patient should already be
    fasting, and nobody will tell them unless the front desk does now. A warning, not a refusal: a
    same-day booking is sometimes right (a cancellation filled), and the nurse checks fasting at check-in."""
    protocol = appointment.protocol
    window = timedelta(hours=protocol.fasting_food_hours) or timedelta(minutes=protocol.fasting_liquids_minutes)
    if window and appointment.start - timezone.now() < window:
        if protocol.fasting_food_hours:
            what = f"Less than {protocol.fasting_food_hours} h before the start: make sure the patient knows to " \
                   "stop eating now."
        else:
            what = f"Less than {protocol.fasting_liquids_minutes} min before the start: make sure the patient " \
                   "knows to stop drinking now."
        messages.warning(request, what)


def _appointment(public_id) -> Appointment:
    return get_object_or_404(Appointment.objects.select_related(
        "patient", "protocol", "location", "chair", "nurse", "course", "booked_by", "rescheduled_from",
        "status_changed_by"), public_id=public_id)


def _next_url(request, appointment) -> str:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return appointment.get_absolute_url()
    if target.split("?")[0] == reverse("schedule:board"):
        # Back to the card just acted on, not the top of a long board.
        target = target.split("#")[0] + f"#appt-{appointment.public_id}"
    return target

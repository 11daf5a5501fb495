"""The patient's appointment link: date-of-birth check, instructions, preparation, calendar file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record
from sessions import forms, services
from sessions.calendar import appointment_ics
from sessions.courses import to_local
from sessions.models import Appointment

from .appointments import _intake_escort
from .common import _render


def _verified_key(link) -> str:
    return f"appointment-link-{link.pk}"


def appointment_link(request, token):
    """The patient's page for one appointment: date-of-birth check, then time, place, instructions, the
    escort and fasting confirmation, and the calendar file. Nothing shows before the check."""
    link = services.appointment_link_find(token=token)
    if link is None:
        return _link_dead(request, token)
    appointment = link.appointment
    verified = request.session.get(_verified_key(link)) is True
    if not verified:
        form = forms.BirthDateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if services.appointment_link_check_birth_date(link=link, date_of_birth=form.cleaned_data["date_of_birth"]):
                request.session[_verified_key(link)] = True
                return redirect("appointment_link", token=token)
            link.refresh_from_db(fields=["failed_checks"])
            left = max(0, settings.SESSIONS_LINK_MAX_DOB_FAILURES - link.failed_checks)
            # As the intake link does: say how many tries remain before the link locks, so a patient who
            # mistyped knows to slow down, and one who is locked out knows to call.
            form.add_error("date_of_birth", "That date of birth does not match our records. " + (
                f"{left} more tr{'y' if left == 1 else 'ies'} before this link locks." if left else
                "This link is now locked to protect your information: please call the clinic."))
        return render(request, "sessions/link_check.html", {"form": form})
    escort = {"escort_name": appointment.escort_name, "escort_phone": appointment.escort_phone}
    if not appointment.escort_name and not appointment.escort_phone:
        escort = _intake_escort(appointment.patient) or escort
    form = forms.PrepareForm(request.POST or None, initial=escort)
    can_prepare = appointment.status in (Appointment.Status.BOOKED, Appointment.Status.CONFIRMED)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_prepare(appointment=appointment, **form.cleaned_data)
        except services.BookingRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, "Thank you: we have your escort's details and your confirmation.")
            return redirect("appointment_link", token=token)
    access_event_record(request=request, patient_id=appointment.patient.public_id,
                        object_type="appointment (patient link)", object_id=str(appointment.public_id))
    return _render(request, "sessions/link_appointment.html", {
        "appointment": appointment, "form": form, "token": token, "can_prepare": can_prepare,
        "local_start": to_local(appointment.start, appointment.location.time_zone),
        "fasting": appointment.protocol.fasting_instructions}, time_zone=appointment.location.time_zone)


def _link_dead(request, token: str):
    """The patient's page for a link that is unknown, expired, revoked or locked: the clinic's page with its
    phone number, not a bare error (a 404 all the same, so nothing tells a guesser which tokens exist)."""
    location = services.appointment_link_location(token=token)
    return render(request, "sessions/link_dead.html", {"clinic_phone": location.phone if location else ""},
                  status=404)


def appointment_link_ics(request, token):
    link = services.appointment_link_find(token=token)
    if link is None or request.session.get(_verified_key(link)) is not True:
        return _link_dead(request, token)
    access_event_record(request=request, patient_id=link.appointment.patient.public_id,
                        object_type="calendar file (patient link)", object_id=str(link.appointment.public_id),
                        action=AccessEvent.Action.EXPORT)
    url = request.build_absolute_uri(reverse("appointment_link", kwargs={"token": token}))
    response = HttpResponse(appointment_ics(link.appointment, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response

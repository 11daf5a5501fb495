"""The patient's appointment link: date-of-birth check, instructions, preparation, calendar file."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record
from patients import link_gate
from patients.services import LinkUnusable, link_url
from sessions import forms, services
from sessions.calendar import appointment_ics
from sessions.courses import to_local
from sessions.models import Appointment

from .appointments import _intake_escort
from .common import _render


def appointment_link(request, token):
    """The patient's page for one appointment: date-of-birth check, then time, place, instructions, the
    escort and fasting confirmation, and the calendar file. Nothing shows before the check."""
    try:
        link = services.appointment_link_open(token=token)
    except LinkUnusable as error:
        return link_gate.dead_link(request, error.link)
    gate = link_gate.dob_gate(request, link, intro="To keep your details private, please enter your date of "
                              "birth to see your appointment.",
                              on_proof=lambda: redirect("appointment_link", token=token))
    if gate is not None:
        return gate
    appointment = link.appointment
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


def appointment_link_ics(request, token):
    try:
        link = services.appointment_link_open(token=token)
    except LinkUnusable as error:
        return link_gate.dead_link(request, error.link)
    if link_gate.proof_state(request, link) != "proven":
        return link_gate.dead_link(request, link)
    access_event_record(request=request, patient_id=link.appointment.patient.public_id,
                        object_type="calendar file (patient link)", object_id=str(link.appointment.public_id),
                        action=AccessEvent.Action.EXPORT)
    url = link_url(urlname="appointment_link", token=token)
    response = HttpResponse(appointment_ics(link.appointment, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response

"""One appointment: its page, status moves, escort, cancel, reschedule; a patient's list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.audit.services import access_event_record
from clinic.paging import FirstPageCounted
from patients.models import Patient
from patients.selectors import (
    booking_blockers,
    consent_is_current,
    front_desk_summary,
    patient_with_location,
)
from sessions import forms, selectors, services
from sessions.courses import to_local
from sessions.models import Appointment
from sessions.selectors.moves import ACTIONS, user_may_move

from .common import _appointment, _chosen_slot, _emailed, _next_url, _render, staff_view


@staff_view("clinic_sessions.view_appointment")
def appointment_detail(request, public_id):
    appointment = _appointment(public_id)
    access_event_record(request=request, patient_id=appointment.patient.public_id, object_type="appointment",
                        object_id=str(appointment.public_id))
    course = appointment.course
    start_blockers, needs_consent = [], False
    if appointment.status in selectors.NOT_STARTED:
        # The same check as check-in and start (services.appointment_transition), shown before anyone presses.
        start_blockers = booking_blockers(patient=appointment.patient, route=appointment.protocol.route)
        needs_consent = not consent_is_current(patient=appointment.patient)
    escort = {"escort_name": appointment.escort_name, "escort_phone": appointment.escort_phone}
    if not appointment.escort_name and not appointment.escort_phone:
        escort = _intake_escort(appointment.patient) or escort
    return _render(request, "sessions/appointment_detail.html", {
        "start_blockers": start_blockers, "needs_consent": needs_consent,
        "appointment": appointment, "local_start": to_local(appointment.start, appointment.location.time_zone),
        "local_end": to_local(appointment.end, appointment.location.time_zone),
        "progress": selectors.course_progress(course) if course else None,
        "rescheduled_to": Appointment.objects.filter(rescheduled_from=appointment).first(),
        "escort_form": forms.EscortForm(
            initial=escort, action=reverse("schedule:escort", kwargs={"public_id": appointment.public_id})),
    }, time_zone=appointment.location.time_zone)


def _intake_escort(patient: Patient) -> dict | None:
    """The escort the patient named in their intake, to pre-fill an appointment's escort form (typing it again
    at every session invites mistakes). Read through the patients app's front-desk summary: contact and
    escort only, no clinical answers. Pre-filled, never confirmed: someone still presses Confirm."""
    summary = front_desk_summary(patient=patient)
    if summary is None or not (summary.escort_name or summary.escort_phone):
        return None
    return {"escort_name": summary.escort_name, "escort_phone": summary.escort_phone}


@staff_view("clinic_sessions.change_appointment")
@require_POST
def appointment_action(request, public_id, action):
    appointment = _appointment(public_id)
    move = ACTIONS.get(action)
    if move is None:
        raise Http404("Unknown action.")
    if not user_may_move(request.user, move):  # who may: here, by permission; what is allowed: the service
        raise PermissionDenied("Starting, recovering and completing a session are recorded by the nurse.")
    try:
        services.appointment_transition(appointment=appointment, to_status=move.status, by=request.user)
    except services.BookingRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, f"{appointment.patient.full_name}: {move.done}.")
    return redirect(_next_url(request, appointment))


@staff_view("clinic_sessions.change_appointment")
@require_POST
def appointment_escort(request, public_id):
    appointment = _appointment(public_id)
    form = forms.EscortForm(request.POST)
    try:
        if not form.is_valid():
            # Say which field is wrong: "Give the escort's name and phone number." does not help when both
            # were given and the phone was "zzz".
            raise services.BookingRefused(
                ["Give the escort's name and phone number."] if any(
                    not request.POST.get(name, "").strip() for name in form.fields)
                else [str(error) for errors in form.errors.values() for error in errors])
        services.appointment_escort_record(appointment=appointment, by=request.user, **form.cleaned_data)
    except services.BookingRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, "Escort confirmed.")
    return redirect(appointment)


@staff_view("clinic_sessions.change_appointment")
def appointment_cancel(request, public_id):
    appointment = _appointment(public_id)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"],
                                                    by=request.user)
        except services.BookingRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            told = selectors.email_outcome(appointment=cancelled, kind="appointment_cancelled")
            note = " The patient has been told by e-mail." if told else ""
            _emailed(request, cancelled.patient, cancelled, "appointment_cancelled")  # its warning, if it failed
            messages.success(request, "Appointment cancelled" + (" (late cancel)." if cancelled.late_cancel else ".")
                             + note)
            return redirect(appointment)
    access_event_record(request=request, patient_id=appointment.patient.public_id, object_type="cancel page",
                        object_id=str(appointment.public_id))
    return _render(request, "sessions/appointment_cancel.html", {
        "appointment": appointment, "form": form,
        "local_start": to_local(appointment.start, appointment.location.time_zone)},
        time_zone=appointment.location.time_zone)


@staff_view("clinic_sessions.change_appointment")
def appointment_reschedule(request, public_id):
    appointment = _appointment(public_id)
    # "Use this time" under a refused move comes back here with the alternative in the query string.
    initial = {**forms.local_initial(appointment), **_chosen_slot(request)}
    form = forms.RescheduleForm(request.POST or None, location=appointment.location, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.appointment_reschedule(appointment=appointment, start=data["start"], chair=data["chair"],
                                                  nurse=data["nurse"], by=request.user)
        except services.BookingRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        except services.BookingConflict as exc:
            conflict = exc  # shown with the next free times above the form
        else:
            messages.success(request, "Appointment moved; " + _emailed(request, appointment.patient, new,
                                                                         "appointment_moved"))
            return redirect(new)
    access_event_record(request=request, patient_id=appointment.patient.public_id, object_type="reschedule page",
                        object_id=str(appointment.public_id))
    return _render(request, "sessions/appointment_reschedule.html", {
        "appointment": appointment, "form": form, "conflict": conflict, "move": appointment,
        "local_start": to_local(appointment.start, appointment.location.time_zone)},
        time_zone=appointment.location.time_zone)


PER_PAGE = selectors.APPOINTMENTS_PAGE


@staff_view("clinic_sessions.view_appointment")
def patient_appointments(request, public_id):
    patient = patient_with_location(public_id=public_id)
    if patient is None:
        raise Http404("No such patient.")
    access_event_record(request=request, patient_id=patient.public_id, object_type="appointment list")
    # The first page with the number of them all (no COUNT); a later page reads its own rows.
    appointments = FirstPageCounted(lambda: selectors.patient_appointments(patient=patient), PER_PAGE,
                                    first_page=selectors.patient_appointments_first_page(patient=patient))
    page = Paginator(appointments, PER_PAGE).get_page(request.GET.get("page"))
    for appointment in page:
        appointment.local_start = to_local(appointment.start, appointment.location.time_zone)
    courses = selectors.patient_courses(patient=patient)
    return _render(request, "sessions/patient_appointments.html", {
        "patient": patient, "page": page,
        "courses": [(course, selectors.course_progress(course)) for course in courses]},
        time_zone=patient.location.time_zone)

"""Finding a free time, booking one session, planning and booking a course."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record, access_event_record_list
from clinic.models import Location
from patients.models import Patient
from patients.search import SEARCH_PAGE, patients_search
from patients.search_session import recalled_search, remember_search
from patients.selectors import booking_blockers, current_treatment_plan
from sessions import forms, selectors, services
from sessions.models import Chair

from .common import _chosen_slot, _emailed, _is_uuid, _location, _render, _warn_if_fasting_started, staff_view


@staff_view("clinic_sessions.view_appointment")
def find_slot(request):
    patient = None
    if _is_uuid(request.GET.get("patient", "")):
        patient = Patient.objects.select_related("location").filter(public_id=request.GET["patient"]).first()
    wanted = request.GET.get("location", "")
    location = (Location.objects.filter(is_active=True, public_id=wanted).first() if _is_uuid(wanted) else None)
    location = location or (patient.location if patient else None) or _location(request)
    today = forms.local_today(location)  # the clinic's date, not the server's (UTC)
    initial = {"first_day": today, "last_day": today + timedelta(days=7), "location": location,
               "patient": patient.public_id if patient else None}
    if patient is not None:
        initial["protocol"] = selectors.plan_protocol(current_treatment_plan(patient=patient))
    # Links from the booking page and the board carry ?patient= and ?location= only: that is a request to
    # open the search, not a submitted search, so the form is bound only when its own fields are present.
    submitted = any(name in request.GET for name in forms.FindSlotForm.SEARCH_FIELDS)
    form = forms.FindSlotForm(request.GET if submitted else None, initial=initial)
    slots = None
    zone = location.time_zone if location else "UTC"
    if form.is_valid():
        search = {key: value for key, value in form.cleaned_data.items() if key != "patient"}
        slots = selectors.free_slots(patient=patient, **search, limit=40)
        zone = form.cleaned_data["location"].time_zone
    if patient is not None:
        access_event_record(request=request, patient_id=patient.public_id, object_type="free-time search")
    return _render(request, "sessions/find_slot.html", {"form": form, "slots": slots, "patient": patient},
                   time_zone=zone)


@staff_view("clinic_sessions.add_appointment")
def book_start(request):
    """Pick the patient to book for. The name typed is posted and kept in the session, never put in the
    URL (DESIGN.md §6): the page is then shown at ``?s=<opaque key>``."""
    if request.method == "POST":
        key = remember_search(request, request.POST.get("q", ""))
        return redirect(f"{reverse('schedule:book_start')}?s={key}" if key else reverse("schedule:book_start"))
    query = recalled_search(request, request.GET.get("s"))
    patients = list(patients_search(query=query)[:SEARCH_PAGE]) if query else []
    if query:
        access_event_record_list(request=request, patients=patients, object_type="booking search",
                                 action=AccessEvent.Action.SEARCH)
    return render(request, "sessions/book_start.html", {"query": query, "patients": patients})


def _patient_context(patient: Patient, route: str | None = None) -> dict:
    plan = current_treatment_plan(patient=patient)
    route = route or (plan.route if plan else "iv")
    return {"patient": patient, "plan": plan, "blockers": booking_blockers(patient=patient, route=route)}


@staff_view("clinic_sessions.add_appointment")
def book(request, public_id):
    patient = get_object_or_404(Patient.objects.select_related("location"), public_id=public_id)
    plan = current_treatment_plan(patient=patient)
    initial = _chosen_slot(request, with_protocol=True)
    if initial.get("protocol") is None:
        initial["protocol"] = selectors.plan_protocol(plan)  # as the course form does
    initial.setdefault("nurse", selectors.nurses().first())
    form = forms.BookingForm(request.POST or None, initial=initial, route=plan.route if plan else None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                patient=patient, protocol=data["protocol"], chair=data["chair"], nurse=data["nurse"],
                start=data["start"], booked_by=request.user)
        except services.BookingRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        except services.BookingConflict as exc:
            conflict = exc  # shown with the next free times above the form
        else:
            messages.success(request, "Appointment booked; " + _emailed(request, patient, appointment,
                                                                           "appointment_booked"))
            _warn_if_fasting_started(request, appointment)
            return redirect(appointment)
    access_event_record(request=request, patient_id=patient.public_id, object_type="booking page")
    return _render(request, "sessions/book.html", {"form": form, "conflict": conflict, **_patient_context(patient)},
                   time_zone=patient.location.time_zone)


@staff_view("clinic_sessions.add_course")
def course_plan(request, public_id):
    """Step 1: the plan (protocol, days, time) → step 2: the proposed dates with conflicts → book."""
    patient = get_object_or_404(Patient.objects.select_related("location"), public_id=public_id)
    plan = current_treatment_plan(patient=patient)
    initial = {"location": patient.location, "count": plan.number_of_sessions if plan else 6,
               "first_day": forms.local_today(patient.location) + timedelta(days=1), "time": "09:00"}
    if plan:
        initial["protocol"] = selectors.plan_protocol(plan)
    form = forms.CoursePlanForm(request.POST or None, initial=initial, route=plan.route if plan else None)
    proposals, error_reasons, conflict = None, [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "book" in request.POST:
            try:
                course = services.course_book(
                    patient=patient, protocol=data["protocol"], location=data["location"], kind=data["kind"],
                    slots=_chosen_slots(request.POST, data["location"]), booked_by=request.user,
                    planned_sessions=data["count"] if data["kind"] == "booster" else None)
            except services.BookingRefused as refused:
                error_reasons = refused.reasons
            except services.BookingConflict as exc:
                conflict = exc
            else:
                first = course.appointments.order_by("start").first()
                messages.success(request, f"{course.appointments.count()} sessions booked; "
                                 + _emailed(request, patient, first, "course_booked"))
                if first is not None:
                    _warn_if_fasting_started(request, first)
                return redirect("schedule:patient_appointments", public_id=patient.public_id)
        proposals = selectors.course_proposal(
            patient=patient, protocol=data["protocol"], location=data["location"], first_day=data["first_day"],
            local_time=data["time"], count=data["count"], weekdays=tuple(data["weekdays"] or (0, 2, 4)))
    access_event_record(request=request, patient_id=patient.public_id, object_type="course planning page")
    return _render(request, "sessions/course_plan.html", {
        "form": form, "proposals": proposals, "error_reasons": error_reasons, "conflict": conflict,
        **_patient_context(patient, form.cleaned_data["protocol"].route if proposals is not None else None),
    }, time_zone=form.cleaned_data["location"].time_zone if proposals is not None else patient.location.time_zone)


def _chosen_slots(post, location: Location) -> list[services.CourseSlotChoice]:
    """Each proposal row posts ``slot-N`` = "ISO start|chair uuid|nurse uuid", or "skip"."""
    chosen = []
    for key, value in post.items():
        if not key.startswith("slot-") or value == "skip":
            continue
        try:
            start_iso, chair_id, nurse_id = value.split("|")
            start = datetime.fromisoformat(start_iso)
            if start.tzinfo is None or start.utcoffset() is None:
                # The page only ever posts UTC times; a naive one was typed or tampered with.
                raise ValueError("naive start")
            chair = Chair.objects.select_related("location").get(public_id=chair_id, location=location)
            nurse = get_user_model().objects.get(public_id=nurse_id)
        except (ValueError, Chair.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise services.BookingRefused(["One of the chosen times is no longer valid: propose again."]) from exc
        chosen.append(services.CourseSlotChoice(start=start, chair=chair, nurse=nurse))
    return chosen

"""Schedule pages: thin views; every write is one service call (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView

from clinic.audit.services import access_event_record
from clinic.models import Location
from patients.models import Patient
from patients.search_session import recalled_search, remember_search
from patients.selectors import (
    booking_blockers,
    consent_is_current,
    current_treatment_plan,
    front_desk_summary,
    patients_search,
)
from sessions import forms, selectors, services
from sessions.calendar import appointment_ics
from sessions.courses import to_local
from sessions.models import Appointment, Chair, Protocol


def staff_view(permission: str):
    """Signed-in staff with ``permission``: anonymous visitors go to the login page, others get the 403 page."""

    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


ACTIONS = {  # the board's one-click moves: url action -> (status, past-tense message)
    "confirm": (Appointment.Status.CONFIRMED, "confirmed"),
    "check-in": (Appointment.Status.CHECKED_IN, "checked in"),
    "start": (Appointment.Status.IN_SESSION, "in session"),
    "recovering": (Appointment.Status.RECOVERING, "recovering"),
    "complete": (Appointment.Status.COMPLETED, "completed"),
    "no-show": (Appointment.Status.NO_SHOW, "marked as a no-show"),
}


def _render(request, template: str, context: dict, *, time_zone: str, status: int = 200):
    """Render with the location's zone active, so every time on the page is its wall time (DESIGN.md §5)."""
    with timezone.override(time_zone):
        return render(request, template, context, status=status)


def _location(request) -> Location | None:
    locations = Location.objects.filter(is_active=True)
    wanted = request.GET.get("location")
    location = locations.filter(public_id=wanted).first() if wanted and _is_uuid(wanted) else None
    return location or locations.first()


def _is_uuid(value: str) -> bool:
    import uuid

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


# --- Boards --------------------------------------------------------------------------------------------------


@staff_view("clinic_sessions.view_appointment")
def day_board(request):
    location = _location(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    board = selectors.day_board(location=location, day=day)
    return _render(request, "sessions/day_board.html", {
        "board": board, "locations": Location.objects.filter(is_active=True),
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "statuses": [(s.value, s.label) for s in Appointment.Status if s != Appointment.Status.RESCHEDULED],
        "today": forms.local_today(location),
    }, time_zone=location.time_zone)


@staff_view("clinic_sessions.view_appointment")
def week_board(request):
    location = _location(request)
    if location is None:
        return render(request, "sessions/no_location.html")
    day = _day(request, location)
    week_start = day - timedelta(days=day.weekday())
    return _render(request, "sessions/week_board.html", {
        "location": location, "locations": Location.objects.filter(is_active=True),
        "days": selectors.week_board(location=location, week_start=week_start), "week_start": week_start,
        "previous_week": week_start - timedelta(days=7), "next_week": week_start + timedelta(days=7),
    }, time_zone=location.time_zone)


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


# --- Booking -----------------------------------------------------------------------------------------------


@staff_view("clinic_sessions.add_appointment")
def book_start(request):
    """Pick the patient to book for. The name typed is posted and kept in the session, never put in the
    URL (DESIGN.md §6): the page is then shown at ``?s=<opaque key>``."""
    if request.method == "POST":
        key = remember_search(request, request.POST.get("q", ""))
        return redirect(f"{reverse('schedule:book_start')}?s={key}" if key else reverse("schedule:book_start"))
    query = recalled_search(request, request.GET.get("s"))
    patients = patients_search(query=query)[:25] if query else []
    return render(request, "sessions/book_start.html", {"query": query, "patients": patients})


def _patient_context(patient: Patient, route: str | None = None) -> dict:
    plan = current_treatment_plan(patient=patient)
    route = route or (plan.route if plan else "iv")
    return {"patient": patient, "plan": plan, "blockers": booking_blockers(patient=patient, route=route)}


@staff_view("clinic_sessions.add_appointment")
def book(request, public_id):
    patient = get_object_or_404(Patient.objects.select_related("location"), public_id=public_id)
    plan = current_treatment_plan(patient=patient)
    initial = {key: request.GET[key] for key in ("date", "time") if key in request.GET}
    for key, model in (("protocol", Protocol), ("chair", Chair), ("nurse", get_user_model())):
        if _is_uuid(request.GET.get(key, "")):
            initial[key] = model.objects.filter(public_id=request.GET[key]).first()
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
            messages.success(request, "Appointment booked; " + _emailed(request, patient, appointment))
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
                messages.success(request, f"{course.appointments.count()} sessions booked; "
                                 + _emailed(request, patient, course))
                first = course.appointments.order_by("start").first()
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


def _emailed(request, patient: Patient, sent_for=None) -> str:
    """The end of the success message; a failed e-mail (``email_sent`` False, set by the service after the
    commit) gets its own warning, since the booking itself is saved."""
    if not patient.email:
        return "no e-mail address on file: give the patient the time and instructions by phone."
    if getattr(sent_for, "email_sent", None) is False:
        messages.warning(request, "The e-mail to the patient could not be sent: give them the time and "
                                  "instructions by phone.")
        return "the e-mail could not be sent."
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


# --- One appointment ----------------------------------------------------------------------------------------


def _appointment(public_id) -> Appointment:
    return get_object_or_404(Appointment.objects.select_related(
        "patient", "protocol", "location", "chair", "nurse", "course", "booked_by", "rescheduled_from",
        "status_changed_by"), public_id=public_id)


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
    if action not in ACTIONS:
        raise Http404("Unknown action.")
    status, done = ACTIONS[action]
    if status in services.CLINICAL_STATUSES and not request.user.has_perm(services.CLINICAL_PERMISSION):
        raise PermissionDenied("Starting, recovering and completing a session are recorded by the nurse.")
    try:
        services.appointment_transition(appointment=appointment, to_status=status, by=request.user)
    except services.BookingRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, f"{appointment.patient.full_name}: {done}.")
    return redirect(_next_url(request, appointment))


def _next_url(request, appointment) -> str:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return appointment.get_absolute_url()
    if target.split("?")[0] == reverse("schedule:board"):
        # Back to the card just acted on, not the top of a long board.
        target = target.split("#")[0] + f"#appt-{appointment.public_id}"
    return target


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
            note = (" The patient has been told by e-mail." if getattr(cancelled, "email_sent", None) else "")
            _emailed(request, cancelled.patient, cancelled)  # only its warning, if the e-mail failed
            messages.success(request, "Appointment cancelled" + (" (late cancel)." if cancelled.late_cancel else ".")
                             + note)
            return redirect(appointment)
    return _render(request, "sessions/appointment_cancel.html", {
        "appointment": appointment, "form": form,
        "local_start": to_local(appointment.start, appointment.location.time_zone)},
        time_zone=appointment.location.time_zone)


@staff_view("clinic_sessions.change_appointment")
def appointment_reschedule(request, public_id):
    appointment = _appointment(public_id)
    form = forms.RescheduleForm(request.POST or None, location=appointment.location,
                                initial=forms.local_initial(appointment))
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
            messages.success(request, "Appointment moved; " + _emailed(request, appointment.patient, new))
            return redirect(new)
    return _render(request, "sessions/appointment_reschedule.html", {
        "appointment": appointment, "form": form, "conflict": conflict,
        "local_start": to_local(appointment.start, appointment.location.time_zone)},
        time_zone=appointment.location.time_zone)


@staff_view("clinic_sessions.view_appointment")
def patient_appointments(request, public_id):
    patient = get_object_or_404(Patient, public_id=public_id)
    access_event_record(request=request, patient_id=patient.public_id, object_type="appointment list")
    appointments = list(selectors.patient_appointments(patient=patient))
    for appointment in appointments:
        appointment.local_start = to_local(appointment.start, appointment.location.time_zone)
    courses = selectors.patient_courses(patient=patient)
    return _render(request, "sessions/patient_appointments.html", {
        "patient": patient, "appointments": appointments,
        "courses": [(course, selectors.course_progress(course)) for course in courses]},
        time_zone=patient.location.time_zone)


# --- Configuration (managers) ---------------------------------------------------------------------------------


@staff_view("clinic_sessions.change_protocol")
def settings_index(request):
    return render(request, "sessions/settings.html", {
        "locations": selectors.locations_with_chairs(), "protocols": Protocol.objects.all()})


class _SettingsMixin(LoginRequiredMixin, PermissionRequiredMixin):
    template_name = "sessions/settings_form.html"
    success_url = reverse_lazy("schedule:settings")
    slug_field = slug_url_kwarg = "public_id"

    def get_context_data(self, **kwargs):
        name = self.model._meta.verbose_name
        heading = f"{name.capitalize()}: {self.object}" if getattr(self, "object", None) else f"New {name}"
        return super().get_context_data(heading=heading, **kwargs)

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance} saved.")
        return super().form_valid(form)


class ChairCreateView(_SettingsMixin, CreateView):
    permission_required = "clinic_sessions.add_chair"
    model, form_class = Chair, forms.ChairForm


class ChairUpdateView(_SettingsMixin, UpdateView):
    permission_required = "clinic_sessions.change_chair"
    model, form_class = Chair, forms.ChairForm


class ProtocolCreateView(_SettingsMixin, CreateView):
    permission_required = "clinic_sessions.add_protocol"
    model, form_class = Protocol, forms.ProtocolForm


class ProtocolUpdateView(_SettingsMixin, UpdateView):
    permission_required = "clinic_sessions.change_protocol"
    model, form_class = Protocol, forms.ProtocolForm


class LocationScheduleView(_SettingsMixin, UpdateView):
    permission_required = "clinic.change_location"
    model, form_class = Location, forms.LocationScheduleForm


# --- The patient's link (public) ---------------------------------------------------------------------------


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
    url = request.build_absolute_uri(reverse("appointment_link", kwargs={"token": token}))
    response = HttpResponse(appointment_ics(link.appointment, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response

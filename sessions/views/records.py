"""The session record's pages: the record at the chair, its actions, the print view, the signature queue.

Every view of a record writes an access event (DESIGN.md §6); every write is one service call."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit.services import access_event_record, access_event_record_list
from clinic.links import url_for_public_id
from clinic.templatetags.local_time import local
from sessions import record_forms as rf
from sessions.models import Appointment, SessionRecord
from sessions.selectors import records as selectors
from sessions.selectors.ledger import session_controlled_substance_balance
from sessions.services import records as services

from .common import _render, staff_view

VIEW = "clinic_sessions.view_sessionrecord"
NURSE, PRESCRIBER = "clinic_sessions.record_session", "clinic_sessions.release_hold"

# step in the URL -> (permission, form, service). One table instead of a dozen look-alike views.
STEPS = {
    "checks": (NURSE, rf.ChecksForm, services.predose_check_record),
    "release": (PRESCRIBER, rf.ReleaseForm, services.hold_release),
    "order": (NURSE, rf.OrderForm, services.dose_order_prepare),
    "order-override": ("clinic_sessions.override_dose_cap", rf.OrderForm, services.dose_order_prepare),
    "administration": (NURSE, rf.AdministrationForm, services.administration_start),
    "change": (NURSE, rf.ChangeForm, services.administration_change),
    "device": (NURSE, rf.DeviceForm, services.esketamine_device_give),
    "vital": (NURSE, rf.VitalForm, services.vital_sign_record),
    "event": (NURSE, rf.EventForm, services.adverse_event_record),
    "discharge": (NURSE, rf.DischargeForm, services.record_discharge),
    "sign-administration": (NURSE, rf.EmptyForm, services.administration_sign),
    "sign": ("clinic_sessions.sign_record", rf.SignForm, services.record_sign),
    "addendum": ("clinic_sessions.write_addendum", rf.AddendumForm, services.addendum_add),
    # A write: who records (nurse) or writes addenda (prescriber); managers only read (issue 10).
    "error": ((NURSE, "clinic_sessions.write_addendum"), rf.ErrorMarkForm, services.entered_in_error_mark),
}


def _record(public_id, *, with_nurse: bool = False) -> SessionRecord:
    try:
        return selectors.record_get(public_id=public_id, with_nurse=with_nurse)
    except SessionRecord.DoesNotExist:
        raise Http404("No such record.") from None


def _log(request, record, action="view"):
    access_event_record(request=request, patient_id=record.appointment.patient.public_id,
                        object_type="session record", object_id=str(record.public_id), action=action)


def _context(request, record, forms=None):
    page = selectors.record_page(record=record, now=timezone.now())
    tz = record.appointment.location.time_zone
    forms = forms or {}
    context = {"page": page, "record": record, "appointment": record.appointment, "patient": record.appointment.patient,
               "chart": selectors.chart_data(page), "user_can": {
                   "nurse": request.user.has_perm(NURSE), "release": request.user.has_perm(PRESCRIBER),
                   "sign": request.user.has_perm("clinic_sessions.sign_record"),
                   "addendum": request.user.has_perm("clinic_sessions.write_addendum"),
                   "override": request.user.has_perm("clinic_sessions.override_dose_cap")},
               "rescue_drugs": services.RESCUE_DRUGS,
               # Every reading and event offers "entered in error?" to the same step: one reverse, not one a row.
               "error_mark_url": reverse("schedule:record_step", kwargs={"public_id": record.public_id,
                                                                         "step": "error"}),
               "ledger_balance": session_controlled_substance_balance(appointment=record.appointment)}
    for step, (_, form_class, _) in STEPS.items():
        context[f"{step.replace('-', '_')}_form"] = forms.get(step) or _form_when_shown(step, form_class, page, tz)
    return context


def _form_when_shown(step, form_class, page, tz):
    """The step's empty form, built the first time the template shows it (a template calls what it is given).
    A record shows a few of its fourteen forms at a time: building all of them, with their initial values and
    the ledger's lots, cost more than reading the record (issue 13)."""

    @functools.cache
    def form():
        return form_class(time_zone=tz, initial=_initial(step, page),
                          **(_form_kwargs(step, page.record) if _may_still(page, step) else {}))

    return form


def _form_kwargs(step, record) -> dict:
    """The administration form offers the ledger's lots for this location and drug (issue 11)."""
    if step != "administration":
        return {}
    from sessions.selectors.ledger import lots_available

    appointment = record.appointment
    drug = "esketamine" if appointment.protocol.route == "intranasal" else "ketamine"
    return {"lots": lots_available(location=appointment.location, drug=drug,
                                   on=timezone.localdate(timezone=_tz_of(appointment)))}


def _tz_of(appointment):
    import zoneinfo

    return zoneinfo.ZoneInfo(appointment.location.time_zone)


def _initial(step, page):
    now_local = timezone.localtime(page.now, timezone=_tz(page)).strftime("%H:%M")
    if step == "checks":
        a = page.record.appointment
        return {"escort_name": a.escort_name, "escort_phone": a.escort_phone, "last_food": None}
    if step == "order":
        from patients.selectors import current_treatment_plan

        # The plan's dose only while the order can still be written: a page of a signed record skips the read.
        plan = current_treatment_plan(patient=page.record.appointment.patient) if _may_still(page, "order") else None
        protocol = page.record.appointment.protocol
        return {"mg_per_kg": plan.target_dose_mg_per_kg if plan else protocol.default_dose_mg_per_kg,
                "esketamine_mg": protocol.default_dose_mg, "infusion_minutes": protocol.dosing_minutes}
    if step == "administration" and page.order is not None:
        return {"concentration": page.order.concentration_mg_per_ml, "volume_ml": page.order.volume_ml,
                "started": now_local}
    return {"taken": now_local, "given": now_local, "occurred": now_local, "at": now_local, "discharged": now_local}


def _may_still(page, step: str) -> bool:
    """Whether the page can still show the dose order's or the administration's form (the record open, not
    stopped, the step not taken): their extra reads (the plan's dose, the ledger's lots) are skipped
    otherwise. Other steps: always."""
    if step not in ("order", "administration"):
        return True
    if page.record.is_signed or page.stopped:
        return False
    return page.order is None if step == "order" else page.order is not None and page.administration is None


def _tz(page):
    import zoneinfo

    return zoneinfo.ZoneInfo(page.record.appointment.location.time_zone)


@staff_view(VIEW)
def record_detail(request, public_id):
    record = _record(public_id)
    _log(request, record)
    return _render(request, "sessions/records/record.html", _context(request, record),
                   time_zone=record.appointment.location.time_zone)


@staff_view(VIEW)
def record_for_appointment(request, public_id):
    appointment = get_object_or_404(Appointment, public_id=public_id)
    record = SessionRecord.objects.filter(appointment=appointment).first()
    if record is None:
        raise Http404("No record yet: it opens at check-in.")
    return redirect(record)


@staff_view(VIEW)
@require_POST
def record_step(request, public_id, step):
    if step not in STEPS:
        raise Http404("Unknown step.")
    permission, form_class, service = STEPS[step]
    if not any(request.user.has_perm(p) for p in ((permission,) if isinstance(permission, str) else permission)):
        raise PermissionDenied("Your role cannot record this.")
    record = _record(public_id)
    tz = record.appointment.location.time_zone
    with timezone.override(tz):
        form = form_class(request.POST, time_zone=tz, **_form_kwargs(step, record))
        if form.is_valid():
            try:
                kwargs = form.service_kwargs()
                if step == "checks":
                    from patients.selectors import consent_is_current

                    kwargs["consent_current"] = consent_is_current(patient=record.appointment.patient)
                service(record=record, by=request.user, **kwargs)
            except services.RecordRefused as refused:
                for reason in refused.reasons:
                    form.add_error(None, reason)
    if form.is_valid():
        if not request.htmx:
            messages.success(request, "Saved.")
        record = _record(public_id)
    if request.htmx:
        _log(request, record)
        context = _context(request, record, forms={} if form.is_valid() else {step: form})
        # 200 either way: htmx swaps only successful responses, and the form's errors must show.
        return _render(request, "sessions/records/includes/_live.html", context, time_zone=tz)
    if form.is_valid():
        return redirect(f"{record.get_absolute_url()}#{step}")
    _log(request, record)
    messages.error(request, "Not saved: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _render(request, "sessions/records/record.html", _context(request, record, forms={step: form}),
                   time_zone=tz, status=422)


@staff_view(VIEW)
def record_print(request, public_id):
    record = _record(public_id, with_nurse=True)
    _log(request, record, action="print")
    return _render(request, "sessions/records/print.html", _context(request, record),
                   time_zone=record.appointment.location.time_zone)


QUEUE_PER_PAGE = selectors.RECORDS_TO_SIGN_PAGE


@staff_view("clinic_sessions.sign_record")
def record_queue(request):
    now = timezone.now()
    overdue_after = selectors.signature_overdue_after()
    page = Paginator(selectors.records_to_sign(), QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(r, int((now - r.opened_at).total_seconds() // 3600), now - r.opened_at > overdue_after) for r in page]
    _queue_links_and_times(page.object_list)
    access_event_record_list(request=request, patients=[record.appointment for record, _, _ in rows],
                             object_type="session records to sign")
    return _render(request, "sessions/records/queue.html", {
        "rows": rows, "page": page, "overdue_hours": settings.SESSION_SIGNATURE_OVERDUE_HOURS}, time_zone="UTC")


def _queue_links_and_times(records) -> None:
    """Each record's link and its session's local start, worked out here rather than by a ``{% url %}`` and a
    filter a row: the links come from one ``reverse``, as they differ only by the record's public id."""
    link = url_for_public_id("schedule:record")
    for record in records:
        record.link = link(record.public_id)
        record.session_start = local(record.appointment.start, record.appointment.location)

"""Controlled-substance ledger pages (issue 11): stock per location, receipts and returns, a session's draw /
give / waste, counts, and the printable and CSV logs (21 CFR 1304.22(c)). Thin: each write is one service."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record
from clinic.models import Location
from sessions import ledger_forms as forms
from sessions.models import CountLine, InventoryCount, Lot
from sessions.selectors import ledger as selectors
from sessions.services import ledger as services
from sessions.services.ledger import LedgerRefused

from .common import _appointment, _location, _render, staff_view

PER_PAGE = 50
SESSION_DRUG = {"intranasal": "esketamine"}  # every other route gives racemic ketamine


def access_events_record(request, patient_ids, *, object_type: str, object_id: str, action: str) -> None:
    """One access event for a ledger page, print or export, naming every patient it shows (DESIGN.md §6)."""
    ids = sorted({pid for pid in patient_ids if pid is not None})
    access_event_record(request=request, patient_id=ids[0] if len(ids) == 1 else None, patient_ids=ids,
                        object_type=object_type, object_id=str(object_id), action=action)


def _patients_of(entries) -> list:
    return [entry.appointment.patient.public_id for entry in entries if entry.appointment_id]


@staff_view("clinic_sessions.view_ledger")
def ledger_index(request):
    location = _location(request)
    if location is None:
        return _render(request, "sessions/no_location.html", {}, time_zone="UTC")
    today = forms_today(location)
    lots = selectors.lots_with_balance(location=location).order_by("drug", "expires_on", "pk")
    page = Paginator(lots, PER_PAGE).get_page(request.GET.get("page"))  # every lot ever received: a page of them
    for lot in page:
        lot.expired = lot.expires_on < today
        lot.expires_soon = selectors.lot_expires_soon(lot, on=today)
    return _render(request, "sessions/ledger/index.html", {
        "location": location, "locations": Location.objects.filter(is_active=True), "page": page,
        "warning_days": selectors.expiry_warning_days(), "today": today,
        "discrepancies": list(selectors.open_discrepancies(location=location)[:20]),
        "counts": list(selectors.inventory_counts(location=location)[:10]),
    }, time_zone=location.time_zone)


def forms_today(location):
    from sessions.forms import local_today

    return local_today(location)


@staff_view("clinic_sessions.receive_stock")
def lot_receive(request):
    location = _location(request)
    form = forms.LotReceiveForm(request.POST or None, initial={"location": location,
                                                                "received_on": forms_today(location)})
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.lot_receive(received_by=request.user, **form.cleaned_data)
        except LedgerRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"Received {lot.quantity_mg} mg of {lot.get_drug_display()}, lot "
                                      f"{lot.lot_number}.")
            return redirect("schedule:ledger_lot", public_id=lot.public_id)
    return _render(request, "sessions/ledger/receive.html", {"form": form}, time_zone="UTC",
                   status=400 if form.errors else 200)


def _lot(public_id) -> Lot:
    return get_object_or_404(selectors.lots_with_balance(), public_id=public_id)


@staff_view("clinic_sessions.view_ledger")
def lot_detail(request, public_id, return_form=None):
    lot = _lot(public_id)
    entries = selectors.ledger_log(lot=lot, time_zone=lot.location.time_zone)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    access_events_record(request, _patients_of(page), object_type="controlled-substance log", object_id=lot.public_id,
                         action=AccessEvent.Action.VIEW)
    today = forms_today(lot.location)
    return _render(request, "sessions/ledger/lot_detail.html", {
        "lot": lot, "page": page, "expired": lot.expires_on < today,
        "expires_soon": selectors.lot_expires_soon(lot, on=today),
        "return_form": return_form or forms.ReturnForm(),
        "can_return": request.user.has_perm("clinic_sessions.receive_stock"),
    }, time_zone=lot.location.time_zone, status=400 if return_form else 200)


@staff_view("clinic_sessions.receive_stock")
@require_POST
def lot_return(request, public_id):
    lot = _lot(public_id)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.stock_return(lot=lot, actor=request.user, **form.cleaned_data)
        except LedgerRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"Return of {form.cleaned_data['quantity_mg']} mg recorded.")
            return redirect("schedule:ledger_lot", public_id=lot.public_id)
    return lot_detail(request, public_id, return_form=form)


@staff_view("clinic_sessions.view_ledger")
def ledger_log(request):
    """The log per lot or location and period: on screen (paginated), printable, or CSV."""
    location = _location(request)
    lot = None
    if request.GET.get("lot"):
        lot = Lot.objects.select_related("location").filter(public_id=_uuid(request.GET["lot"])).first()
        location = lot.location if lot else location
    if location is None:
        return _render(request, "sessions/no_location.html", {}, time_zone="UTC")
    period = forms.LogFilterForm(request.GET or None)
    dates = period.cleaned_data if period.is_valid() else {}
    entries = selectors.ledger_log(location=location, lot=lot, start=dates.get("start"), end=dates.get("end"),
                                   time_zone=location.time_zone)
    shown = request.GET.get("format", "")
    if shown in ("csv", "print"):
        entries = list(entries)
        action = AccessEvent.Action.EXPORT if shown == "csv" else AccessEvent.Action.PRINT
        access_events_record(request, _patients_of(entries), object_type="controlled-substance log",
                             object_id=lot.public_id if lot else location.public_id, action=action)
        if shown == "csv":
            return _csv(entries, location)
        return _render(request, "sessions/ledger/log_print.html", {
            "entries": entries, "location": location, "lot": lot, "dates": dates, "printed_at": timezone.now(),
        }, time_zone=location.time_zone)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    access_events_record(request, _patients_of(page), object_type="controlled-substance log",
                         object_id=lot.public_id if lot else location.public_id, action=AccessEvent.Action.VIEW)
    return _render(request, "sessions/ledger/log.html", {
        "page": page, "location": location, "lot": lot, "period": period, "query": request.GET.urlencode(),
        "locations": Location.objects.filter(is_active=True),
    }, time_zone=location.time_zone)


def _uuid(value: str):
    from .common import _is_uuid

    return value if _is_uuid(value) else None


CSV_COLUMNS = ["date_time_local", "location", "drug", "ndc", "lot_number", "expires_on", "kind", "quantity_mg",
               "balance_after_mg", "patient", "patient_date_of_birth", "session_start_local", "supplier",
               "reference", "by", "witness", "manner", "reason"]


def _csv(entries, location) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="controlled-substance-log.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    zone = timezone.override(location.time_zone)
    with zone:
        for entry in entries:
            lot, appt = entry.lot, entry.appointment
            patient = appt.patient if appt else None
            writer.writerow([
                f"{timezone.localtime(entry.occurred_at):%Y-%m-%d %H:%M}", lot.location.name, lot.get_drug_display(),
                lot.ndc, lot.lot_number, f"{lot.expires_on:%Y-%m-%d}", entry.get_kind_display(), entry.quantity_mg,
                entry.balance_after_mg, patient.full_name if patient else "",
                f"{patient.date_of_birth:%Y-%m-%d}" if patient else "",
                f"{timezone.localtime(appt.start):%Y-%m-%d %H:%M}" if appt else "",
                lot.supplier if entry.kind == "receipt" else "", entry.reference or "", str(entry.actor),
                str(entry.witness or ""), entry.manner, entry.reason])
    return response


# --- A session's draw, give and waste (the nurse at the chair) ---------------------------------------------


def _session_context(request, appointment, **bound):
    location = appointment.location
    drug = SESSION_DRUG.get(appointment.protocol.route, "ketamine")
    available = selectors.lots_available(location=location, drug=drug, on=forms_today(location))
    balance = selectors.session_controlled_substance_balance(appointment=appointment)
    drawn = selectors.lots_with_balance(location=location).filter(pk__in=list(balance.by_lot))
    return {
        "appointment": appointment, "balance": balance, "drug": drug,
        "entries": list(selectors.session_entries(appointment=appointment)),
        "draw_form": bound.get("draw") or forms.DrawForm(lots=available),
        "give_form": bound.get("give") or forms.GiveForm(lots=drawn),
        "waste_form": bound.get("waste") or forms.WasteForm(lots=drawn, actor=request.user),
        "available": available, "drawn_lots": drawn,
    }


@staff_view("clinic_sessions.withdraw_stock")
def session_ledger(request, public_id, status=200, **bound):
    appointment = _appointment(public_id)
    context = _session_context(request, appointment, **bound)
    if status == 200:
        access_events_record(request, [appointment.patient.public_id], object_type="controlled substances given",
                             object_id=appointment.public_id, action=AccessEvent.Action.VIEW)
    return _render(request, "sessions/ledger/session.html", context, time_zone=appointment.location.time_zone,
                   status=status)


def _session_write(request, public_id, *, which: str, form_class, write, done: str):
    appointment = _appointment(public_id)
    context = _session_context(request, appointment)
    lots = context["available"] if which == "draw" else context["drawn_lots"]
    extra = {"actor": request.user} if which == "waste" else {}
    form = form_class(request.POST, lots=lots, **extra)
    if form.is_valid():
        try:
            write(appointment=appointment, actor=request.user, **form.cleaned_data)
        except LedgerRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done.format(**form.cleaned_data))
            return redirect("schedule:ledger_session", public_id=appointment.public_id)
    return session_ledger(request, public_id, status=400, **{which: form})


@staff_view("clinic_sessions.withdraw_stock")
@require_POST
def session_draw(request, public_id):
    return _session_write(request, public_id, which="draw", form_class=forms.DrawForm, write=services.stock_withdraw,
                          done="Drew {quantity_mg} mg from lot {lot.lot_number}.")


@staff_view("clinic_sessions.administer_stock")
@require_POST
def session_give(request, public_id):
    return _session_write(request, public_id, which="give", form_class=forms.GiveForm,
                          write=services.stock_administer, done="Recorded {quantity_mg} mg given.")


@staff_view("clinic_sessions.waste_stock")
@require_POST
def session_waste(request, public_id):
    return _session_write(request, public_id, which="waste", form_class=forms.WasteForm, write=services.stock_waste,
                          done="Recorded {quantity_mg} mg wasted, witnessed by {witness}.")


# --- Counts ------------------------------------------------------------------------------------------------


@staff_view("clinic_sessions.count_stock")
def count_new(request):
    location = _location(request)
    if location is None:
        return _render(request, "sessions/no_location.html", {}, time_zone="UTC")
    lots = selectors.lots_with_balance(location=location).filter(balance_mg__gt=0).order_by("drug", "expires_on")
    form = forms.CountForm(request.POST or None, lots=lots, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.inventory_count_record(
                location=location, counted_by=request.user, witness=form.cleaned_data["witness"],
                witness_password=form.cleaned_data["witness_password"], counted=form.counted(),
                reasons=form.reasons(), kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except LedgerRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"{count.get_kind_display()} recorded.")
            return redirect("schedule:ledger_count", public_id=count.public_id)
    return _render(request, "sessions/ledger/count_form.html", {"form": form, "location": location},
                   time_zone=location.time_zone, status=400 if form.errors else 200)


@staff_view("clinic_sessions.view_ledger")
def count_detail(request, public_id):
    count = get_object_or_404(InventoryCount.objects.select_related("location", "counted_by", "witness"),
                              public_id=public_id)
    return _render(request, "sessions/ledger/count_detail.html", {
        "count": count, "lines": list(selectors.inventory_count_detail(count=count)),
        "review_form": forms.ReviewForm(), "printed_at": timezone.now(),
    }, time_zone=count.location.time_zone)


@staff_view("clinic_sessions.adjust_stock")
@require_POST
def discrepancy_review(request, pk):
    line = get_object_or_404(CountLine.objects.select_related("count"), pk=pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was found or done before marking the difference reviewed.")
    else:
        try:
            services.discrepancy_review(line=line, reviewed_by=request.user, note=form.cleaned_data["note"])
        except LedgerRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Difference marked reviewed.")
    return redirect("schedule:ledger_count", public_id=line.count.public_id)

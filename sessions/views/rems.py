"""The Spravato REMS Patient Monitoring Form queue: due (days left of the 7), overdue, submitted; one
printable form per session; marking it submitted with the REMS portal's confirmation number."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record
from sessions import ledger_forms as forms
from sessions import rems
from sessions.selectors.rems import esketamine_sessions_given, queue_rows, rems_queue
from sessions.services.ledger import LedgerRefused
from sessions.services.rems import rems_form_submit

from .common import _appointment, _render, staff_view
from .ledger import PER_PAGE, access_events_record

STATES = {"due": "Due", "overdue": "Overdue", "submitted": "Submitted"}


@staff_view("clinic_sessions.view_rems_form")
def rems_form_queue(request):
    state = request.GET.get("state") if request.GET.get("state") in STATES else "due"
    now = timezone.now()
    page = Paginator(rems_queue(state=state, now=now), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queue_rows(page.object_list, now=now)
    access_events_record(request, [row.appointment.patient.public_id for row in page],
                         object_type="REMS monitoring form queue", object_id=state, action=AccessEvent.Action.VIEW)
    return render(request, "sessions/rems/queue.html", {"page": page, "state": state, "states": STATES,
                                                        "due_days": rems.DUE_DAYS})


@staff_view("clinic_sessions.view_rems_form")
def rems_form_detail(request, public_id, submit_form=None):
    appointment = _appointment(public_id)
    if not esketamine_sessions_given().filter(pk=appointment.pk).exists():
        messages.error(request, "Only an esketamine session where the drug was given has a REMS monitoring form.")
        return redirect("schedule:rems_queue")
    from sessions.selectors.record_rems import rems_record_values

    form = rems.monitoring_form(appointment=appointment, record_values=rems_record_values(appointment=appointment))
    printing = request.GET.get("print") == "1"
    access_event_record(request=request, patient_id=appointment.patient.public_id,
                        object_type="REMS monitoring form", object_id=str(appointment.public_id),
                        action=AccessEvent.Action.PRINT if printing else AccessEvent.Action.VIEW)
    return _render(request, "sessions/rems/form.html", {
        "appointment": appointment, "form": form, "printing": printing,
        "submission": getattr(appointment, "rems_submission", None),
        "submit_form": submit_form or forms.RemsSubmitForm(),
    }, time_zone=appointment.location.time_zone, status=400 if submit_form else 200)


@staff_view("clinic_sessions.submit_rems_form")
@require_POST
def rems_form_mark_submitted(request, public_id):
    appointment = _appointment(public_id)
    form = forms.RemsSubmitForm(request.POST)
    if form.is_valid():
        try:
            rems_form_submit(appointment=appointment, submitted_by=request.user,
                             confirmation_number=form.cleaned_data["confirmation_number"])
        except LedgerRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "REMS monitoring form marked submitted.")
            return redirect("schedule:rems_form", public_id=appointment.public_id)
    return rems_form_detail(request, public_id, submit_form=form)

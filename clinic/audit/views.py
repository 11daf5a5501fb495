from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string

from clinic.audit.forms import AccessLogFilterForm
from clinic.audit.html import day_head_rows, table_rows
from clinic.audit.models import AccessEvent
from clinic.audit.selectors import (
    access_events_list,
    access_events_page,
    access_log_day_heads,
    access_log_newest_page,
)
from clinic.audit.services import access_event_record
from clinic.html import format_html
from clinic.templatetags.local_time import clinic_time_zone, local_seconds


@login_required
@permission_required("audit.view_accessevent", raise_exception=True)
def access_log(request):
    """Managers: who viewed which patient's data. Filter by patient or staff member."""
    form = AccessLogFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and not form.is_valid():
        events = AccessEvent.objects.none()  # a filter we cannot read must not fall back to "everything"
    else:
        filters = form.cleaned_data if form.is_bound else {}
        events = access_events_list(actor=filters.get("actor"))
    page = (access_events_page(events, params=request.GET.dict(), patient_id=filters.get("patient"))
            if request.GET else access_log_newest_page())
    _label_patients(page.object_list)
    # The log names patients, so reading it is itself an access event (issue 8, item 6).
    access_event_record(request=request, patient_id=None,
                        patient_ids=_patients_shown(page.object_list, filters.get("patient")), object_type="access log")
    zone = clinic_time_zone()
    return render(request, "audit/access_log.html", {"form": form, "filter_fields": form.fields_html(),
                                                     "page": page, "clinic_zone": zone,
                                                     "rows": access_log_rows(page.object_list, zone),
                                                     "day_heads": day_head_rows(access_log_day_heads())})


def _label_patients(events) -> None:
    """Give each event of the page its patient's name, through the patients app (one query a page), and the
    link to their page (one ``reverse`` a patient, not one a row)."""
    ids = {event.patient_id for event in events if event.patient_id}
    labels = import_string(settings.ACCESS_LOG_PATIENT_LABELS)(ids) if ids else {}
    urls = {patient_id: reverse("patients:detail", args=[patient_id]) for patient_id in ids}
    for event in events:
        event.patient_label = labels.get(event.patient_id, "")
        event.patient_url = urls.get(event.patient_id, "")


def _patients_shown(events, filtered_patient=None) -> list:
    """The patients this page of the log shows: the one each row names and, filtered to a patient, that patient
    (the rows are then theirs). Not the patients a listed event (a search, an earlier reading of the log) named:
    the log does not show them, and naming them made each reading's event name every patient named lately, which
    the next reading read back (issue 13)."""
    shown = {event.patient_id for event in events if event.patient_id}
    if filtered_patient:
        shown.add(filtered_patient)
    return sorted(shown, key=str)


ACTIONS = dict(AccessEvent.Action.choices)


def access_log_rows(events, zone: str) -> str:
    """The table's rows (``table_rows``): when, who, did, what, the patient's link and filter, from where."""
    return table_rows(
        (local_seconds(event.occurred_at, zone), event.actor_label, ACTIONS.get(event.action, event.action),
         event.object_type, _patient_cell(event), event.ip_address or "") for event in events)


def _patient_cell(event) -> str:
    if not event.patient_id:
        return ""
    return format_html('<a href="{}">{}</a>\n      <a class="small ms-1" href="?patient={}" '
                       'aria-label="Only this patient\'s events">filter</a>',
                       event.patient_url, event.patient_label or "(unknown patient)", event.patient_id)

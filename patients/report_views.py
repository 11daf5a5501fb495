"""Managers: the access report of one patient (issue 8, item 10), as a page and as a CSV file."""

import csv

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from clinic.audit.html import table_rows
from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record
from clinic.forms import FilterForm, staff_choices
from clinic.paging import KeysetPage
from clinic.templatetags.local_time import local
from patients.access_report import KINDS, access_timeline_page, patient_access_timeline
from patients.models import Patient


class AccessReportFilterForm(FilterForm):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.ModelChoiceField(queryset=get_user_model().objects.order_by("full_name"), required=False,
                                   label="Staff member", empty_label="Anyone")
    kind = forms.ChoiceField(choices=[("", "Everything"), *KINDS], required=False, label="Kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = staff_choices("Anyone")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The first day comes after the last: swap them.")
        return data


@login_required
@permission_required("audit.view_accessevent", raise_exception=True)
def access_report(request, public_id):
    patient = get_object_or_404(Patient.objects.select_related("location"), public_id=public_id)
    form = AccessReportFilterForm(request.GET or None)
    timeline = None  # a filter we cannot read must not fall back to "everything"
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        timeline = patient_access_timeline(patient=patient, start=filters.get("start"), end=filters.get("end"),
                                           actor=filters.get("actor"), kind=filters.get("kind") or "")
    # The rows are read before this opening is logged: the report does not list itself.
    if request.GET.get("export") == "csv":  # every row, not a page
        rows = list(timeline) if timeline is not None else []
        _logged(request, patient, AccessEvent.Action.EXPORT)
        return _csv(patient, rows)
    # A page by keyset, newest first, Older and Newer: never counted (issue 13).
    page = KeysetPage([], None, None)
    if timeline is not None:
        page = access_timeline_page(timeline, params=request.GET.dict())
    _logged(request, patient, AccessEvent.Action.VIEW)
    export_query = request.GET.copy()
    for cursor in ("before", "after"):
        export_query.pop(cursor, None)
    export_query["export"] = "csv"
    return render(request, "patients/access_report.html", {
        "patient": patient, "form": form, "filter_fields": form.fields_html(), "page": page,
        "rows": _rows(page.object_list),
        "export_query": export_query.urlencode()})


def _rows(entries) -> str:
    """The table's rows (``table_rows``), times in UTC to the second."""
    return table_rows((local(entry.when, "UTC", "Y-m-d H:i:s"), entry.who, entry.kind_label, entry.what,
                       entry.detail, entry.where) for entry in entries)


def _logged(request, patient, action) -> None:
    access_event_record(request=request, patient_id=patient.public_id, object_type="access report", action=action)


def _csv(patient, entries) -> HttpResponse:
    # The file name says which report it is by the patient's public id, never their name (DESIGN.md §6).
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-report-{patient.public_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["when (UTC)", "who", "did", "what", "fields changed", "from"])
    for entry in entries:
        writer.writerow([entry.when.isoformat(), _cell(entry.who), entry.kind_label, _cell(entry.what),
                         _cell(entry.detail), entry.where])
    return response


def _cell(value: str) -> str:
    """No spreadsheet formulas from a name someone typed (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

"""Issue 8, item 10: the access report of one patient, views and changes on one timeline, for managers."""

import csv
import io

import pytest
from django.urls import reverse

from clinic.audit.models import AccessEvent

pytestmark = pytest.mark.django_db


def _url(patient, **params):
    from urllib.parse import urlencode

    url = reverse("patients:access_report", kwargs={"public_id": patient.public_id})
    return f"{url}?{urlencode(params)}" if params else url


def test_managers_see_who_viewed_and_who_changed_a_patient_on_one_timeline(
        manager_client, nurse_client, front_desk_client, front_desk, patient):
    nurse_client.get(patient.get_absolute_url(), REMOTE_ADDR="10.0.0.7")
    front_desk_client.get(reverse("patients:list"))
    # A change by front desk (as clinic.middleware.HistoryContextMiddleware records a request's context):
    # the history trigger keeps it with its author and address.
    import pghistory

    with pghistory.context(user=front_desk.pk, url="/test/", ip="10.0.0.9"):
        patient.email = "new@example.com"
        patient.save()
    response = manager_client.get(_url(patient))
    assert response.status_code == 200
    rows = [(e.who, e.kind, e.what, e.where, e.detail) for e in response.context["page"].object_list]
    assert ("Nia Nurse, RN", "view", "patient chart", "10.0.0.7", "") in [r[:5] for r in rows]
    assert any(who == "Frankie Front" and kind == "view" and "list of patients" in what
               for who, kind, what, *_ in rows)
    assert ("Frankie Front", "change", "registry entry", "10.0.0.9", "email") in rows
    # Opening the report is itself an access event.
    assert AccessEvent.objects.filter(object_type="access report", patient_id=patient.public_id,
                                      action="view").count() == 1


def test_the_report_filters_by_kind_staff_member_and_dates(manager_client, nurse_client, nurse, patient,
                                                           front_desk_client):
    nurse_client.get(patient.get_absolute_url())
    front_desk_client.get(patient.get_absolute_url())
    only_nurse = manager_client.get(_url(patient, actor=nurse.pk)).context["page"].object_list
    assert {entry.who for entry in only_nurse} == {"Nia Nurse, RN"}
    changes = manager_client.get(_url(patient, kind="change")).context["page"].object_list
    assert changes and {entry.kind for entry in changes} == {"change"}  # the registration itself
    future = manager_client.get(_url(patient, start="2999-01-01")).context["page"].object_list
    assert list(future) == []
    swapped = manager_client.get(_url(patient, start="2026-02-01", end="2026-01-01"))
    assert swapped.status_code == 200 and "swap them" in swapped.content.decode()


def test_the_csv_export_has_every_row_and_is_itself_an_access_event(manager_client, nurse_client, patient):
    patient.legal_last_name = "=HYPERLINK(1)"
    patient.save()
    nurse_client.get(patient.get_absolute_url())
    response = manager_client.get(_url(patient, export="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert str(patient.public_id) in response["Content-Disposition"] and "HYPERLINK" not in response[
        "Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "when (UTC)" and any(row[1] == "Nia Nurse, RN" for row in rows[1:])
    assert AccessEvent.objects.filter(object_type="access report", patient_id=patient.public_id,
                                      action="export").exists()


@pytest.mark.parametrize("role", ["front_desk_client", "nurse_client", "prescriber_client", "stranger_client"])
def test_only_managers_open_the_report(request, role, patient):
    assert request.getfixturevalue(role).get(_url(patient)).status_code == 403


def test_the_patient_page_links_managers_to_the_report_by_public_id(manager_client, nurse_client, patient):
    assert _url(patient) in manager_client.get(patient.get_absolute_url()).content.decode()
    assert _url(patient) not in nurse_client.get(patient.get_absolute_url()).content.decode()


def test_a_change_made_through_the_app_is_reported_with_its_author_and_address(
        client, front_desk_client, manager_client, location):
    from patients.models import IntakeRequest, Patient

    client.post(reverse("intake:start"), {"first_name": "Kim", "last_name": "Vale", "email": "kim@example.com",
                                          "date_of_birth": "1985-06-15"})
    front_desk_client.post(reverse("patients:intake_request_accept", args=[IntakeRequest.objects.get().public_id]),
                           REMOTE_ADDR="10.0.0.5")
    entries = manager_client.get(_url(Patient.objects.get())).context["page"].object_list
    assert ("Frankie Front", "Created", "registry entry", "10.0.0.5") in [
        (e.who, e.kind_label, e.what, e.where) for e in entries]


# The report's queries whatever the patient's history: session, user, the user's and groups' permissions, the
# patient, the COUNT of their views, the newest views down to the page's last row, the changes from the three
# history tables (registry entry, intakes, self-referrals; each with its request's context), their authors, this
# opening's access event, the staff menu of the filter.
ACCESS_REPORT_QUERIES = 13


def _viewed_and_changed(patient, staff, count):
    """``count`` views of the patient's chart and ``count`` changes to their registry entry."""
    import pghistory
    from django.test import RequestFactory

    from clinic.audit.services import access_event_record

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")
    for n in range(count):
        request.user = staff[n % len(staff)]
        access_event_record(request=request, patient_id=patient.public_id, object_type="patient chart")
        with pghistory.context(user=request.user.pk, url="/test/", ip="10.0.0.9"):
            patient.phone = f"+1 555 01{n:02d}"
            patient.save()


def _report_queries(client, patient, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(_url(patient, **params))  # the session's first-request work is not the page's
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(patient, **params))
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def test_the_report_query_count_is_the_same_for_1_and_50_views_and_changes_and_reads_one_page_of_views(
        manager_client, manager, nurse, front_desk, patient):
    _viewed_and_changed(patient, [nurse], 1)
    response, one = _report_queries(manager_client, patient)
    assert len(one) == ACCESS_REPORT_QUERIES, one
    shown = [(entry.who, entry.what) for entry in response.context["page"].object_list]
    assert ("Nia Nurse, RN", "patient chart") in shown and ("Nia Nurse, RN", "registry entry") in shown
    _viewed_and_changed(patient, [nurse, front_desk], 49)
    response, fifty = _report_queries(manager_client, patient)
    assert len(fifty) == ACCESS_REPORT_QUERIES, fifty
    assert len(response.context["page"].object_list) == 50 and "Page 1 of 3" in response.content.decode()
    views = [sql for sql in fifty if 'FROM "audit_accessevent"' in sql and "ORDER BY" in sql]
    assert views and all(sql.endswith("LIMIT 50") for sql in views)  # not every view of the patient ever


def test_the_report_pages_views_and_changes_on_one_timeline_newest_first(manager_client, nurse, front_desk, patient):
    from django.core.paginator import Paginator

    from patients.access_report import patient_access_timeline

    _viewed_and_changed(patient, [nurse, front_desk], 40)
    timeline = patient_access_timeline(patient=patient)
    everything = list(timeline)  # as the CSV export reads it
    assert len(everything) == 40 + 40 + 1  # the views, the changes and the registration
    assert [entry.when for entry in everything] == sorted((entry.when for entry in everything), reverse=True)
    paginator = Paginator(timeline, 50)
    assert paginator.count == 81
    assert [entry for number in paginator.page_range for entry in paginator.page(number).object_list] == everything
    only_views = list(patient_access_timeline(patient=patient, kind="view"))
    assert len(only_views) == 40 and {entry.what for entry in only_views} == {"patient chart"}
    assert "Page 2 of 2" in manager_client.get(_url(patient, page=2)).content.decode()


def test_the_report_rows_show_markup_as_text_and_times_in_utc_to_the_second(manager_client, patient):
    """The rows are written by format_html (issue 13): what a label holds is escaped, times stay UTC."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 11, 30, 0, 42, 7, tzinfo=datetime.UTC), tick=False):
        AccessEvent.objects.create(actor_label="<b>Eve</b> & co", object_type="chart <i>", action="print",
                                   patient_id=patient.public_id, ip_address="10.0.0.7")
    page = manager_client.get(_url(patient)).content.decode()
    assert ("<td>2026-11-30 00:42:07</td>\n    <td>&lt;b&gt;Eve&lt;/b&gt; &amp; co</td>\n    <td>Printed</td>\n"
            "    <td>chart &lt;i&gt;</td>\n    <td></td>\n    <td>10.0.0.7</td>") in page

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


# The report's queries whatever the patient's history: session, user, their permissions (one read), the
# patient, one page of views (the patient's own, then the list events naming them, each limited), the changes
# from the three history tables (registry entry, intakes, self-referrals; each with its request's context), their
# authors, this opening's access event, the staff menu of the filter. No COUNT.
ACCESS_REPORT_QUERIES = 12


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


def test_the_report_counts_nothing_and_its_query_count_is_the_same_for_1_and_50_views_and_changes(
        manager_client, manager, nurse, front_desk, patient):
    _viewed_and_changed(patient, [nurse], 1)
    response, one = _report_queries(manager_client, patient)
    assert len(one) == ACCESS_REPORT_QUERIES, one
    shown = [(entry.who, entry.what) for entry in response.context["page"].object_list]
    assert ("Nia Nurse, RN", "patient chart") in shown and ("Nia Nurse, RN", "registry entry") in shown
    _viewed_and_changed(patient, [nurse, front_desk], 49)
    response, fifty = _report_queries(manager_client, patient)
    assert len(fifty) == ACCESS_REPORT_QUERIES, fifty
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.newer is None and page.older
    assert "Older" in response.content.decode() and "Page 1 of" not in response.content.decode()
    assert not [sql for sql in fifty if "COUNT(" in sql.upper() and "audit_accessevent" in sql]
    # Two statements read the page's views, each ordered and limited to a page and one row, so that PostgreSQL
    # walks the patient's index and stops (not every view of the patient ever); their own fill the page here, so
    # the lists naming them are read only as far back as it reaches (clinic.audit.selectors events_naming).
    views = [sql for sql in fifty if 'FROM "audit_accessevent"' in sql and "ORDER BY" in sql]
    assert len(views) == 2 and all(sql.count("LIMIT 51") == 1 for sql in views), views
    assert '"audit_accessevent"."occurred_at" >=' in views[1], views


def _now_in_the_database():
    """The time PostgreSQL's history triggers write (NOW(): the test's transaction's start)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def _views_and_changes_sharing_one_instant(patient, nurse, front_desk):
    """55 changes and 61 views at one instant (the registration too), and 20 views each a second earlier: 137
    rows, half of them tied on time, views on the patient's own index and in lists naming them."""
    import datetime

    import pghistory
    import time_machine
    from django.test import RequestFactory

    from clinic.audit.services import access_event_record
    from tests.factories import PatientFactory

    instant, other = _now_in_the_database(), PatientFactory()
    for n in range(55):
        with pghistory.context(user=nurse.pk, url="/test/", ip="10.0.0.9"):
            patient.phone = f"+1 555 02{n:02d}"
            patient.save()
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")
    with time_machine.travel(instant, tick=False):
        for n in range(40):
            request.user = (nurse, front_desk)[n % 2]
            access_event_record(request=request, patient_id=patient.public_id, object_type="patient chart")
            if n < 20:
                access_event_record(request=request, patient_id=None, patient_ids=[other.public_id,
                                                                                   patient.public_id],
                                    object_type="day board")
            access_event_record(request=request, patient_id=other.public_id, object_type="patient chart")
        # On both arms (its own patient and a list naming them): one row, not two.
        access_event_record(request=request, patient_id=patient.public_id, patient_ids=[patient.public_id],
                            object_type="search")
    for n in range(1, 21):
        with time_machine.travel(instant - datetime.timedelta(seconds=n), tick=False):
            access_event_record(request=request, patient_id=patient.public_id if n % 2 else None,
                                patient_ids=[] if n % 2 else [patient.public_id], object_type="patient chart")
    return instant


def _pages(client, patient, url, direction):
    """The pages from ``url`` on, following the ``direction`` ("older" or "newer") links to the end."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append(page)
        link = getattr(page, direction)
        url = _url(patient) + link if link else None
    return pages


def _key(entry):
    return entry.when, entry.source, entry.row_id


def test_the_report_pages_views_and_changes_newest_first_each_row_once_even_on_equal_times(
        manager_client, nurse, front_desk, patient):
    import datetime

    import time_machine

    from patients.access_report import patient_access_timeline

    instant = _views_and_changes_sharing_one_instant(patient, nurse, front_desk)
    everything = list(patient_access_timeline(patient=patient))  # as the CSV export reads it
    assert len(everything) == 55 + 1 + 61 + 20  # the changes, the registration, the views at one instant, before
    assert sum(entry.when == instant for entry in everything) == 55 + 1 + 61
    keys = [_key(entry) for entry in everything]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    # Paged later (each opening of the report is then a view, newer than all of the above).
    with time_machine.travel(instant + datetime.timedelta(minutes=1), tick=False):
        older = _pages(manager_client, patient, _url(patient), "older")
        assert [len(page.object_list) for page in older] == [50, 50, 37]
        assert older[0].object_list[-1].kind == "change" and older[1].object_list[-1].kind == "view"  # cursors
        assert [entry for page in older for entry in page.object_list] == everything
        assert older[0].newer is None and older[-1].older is None
        newer = _pages(manager_client, patient, _url(patient) + older[-1].newer, "newer")
    assert [page.object_list for page in newer[:2]] == [older[1].object_list, older[0].object_list]
    # Then the report's own openings while paging (3 pages Older, 2 Newer, each logged once read), nothing else.
    assert [(entry.what, entry.who) for entry in newer[2].object_list] == [("access report", "Max Manager")] * 5
    assert len(newer) == 3 and newer[-1].newer is None


def test_the_report_pages_keep_the_filters_in_their_links(manager_client, nurse, front_desk, patient):
    from urllib.parse import parse_qs

    _viewed_and_changed(patient, [nurse, front_desk], 60)
    filters = {"actor": nurse.pk, "kind": "view", "start": "2000-01-01", "end": "2999-12-31"}
    first = manager_client.get(_url(patient, **filters))
    page = first.context["page"]
    assert len(page.object_list) == 30 and page.older is None  # the nurse viewed 30 times
    _viewed_and_changed(patient, [nurse], 60)
    page = manager_client.get(_url(patient, **filters)).context["page"]
    assert page.older and {k: v[0] for k, v in parse_qs(page.older[1:]).items() if k != "before"} == {
        key: str(value) for key, value in filters.items()}
    second = manager_client.get(_url(patient) + page.older)
    assert {(entry.who, entry.kind) for entry in second.context["page"].object_list} == {("Nia Nurse, RN", "view")}
    newer = second.context["page"].newer
    assert newer and "actor=" in newer and "kind=view" in newer and "start=2000-01-01" in newer
    assert "before=" not in second.context["export_query"] and "export=csv" in second.context["export_query"]
    assert f'href="{page.older.replace("&", "&amp;")}"' in manager_client.get(_url(patient, **filters)).content.decode()


@pytest.mark.parametrize("cursor", [
    {"before": "not-a-cursor"}, {"after": "not-a-cursor"}, {"before": "2026-01-01T00:00:00_0_1"},  # no zone
    {"after": "2026-01-01T00:00:00+00:00_9_1"}, {"before": "2026-01-01T00:00:00+00:00_0_x"}, {"before": ""},
    {"after": "2026-01-01T00:00:00+00:00_-1_1"}, {"before": "9999-99-99T00:00:00+00:00_0_1"},
])
def test_a_malformed_cursor_opens_the_newest_page(manager_client, nurse, patient, cursor):
    _viewed_and_changed(patient, [nurse], 3)
    response = manager_client.get(_url(patient, **cursor))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.newer is None and len([entry for entry in page.object_list if entry.who == "Nia Nurse, RN"]) == 6


def test_the_report_does_not_list_its_own_opening(manager_client, patient):
    def openings():
        entries = manager_client.get(_url(patient)).context["page"].object_list
        return [entry for entry in entries if entry.what == "access report"]

    assert openings() == []
    assert [(entry.who, entry.kind) for entry in openings()] == [("Max Manager", "view")]  # the first, not itself
    only_views = manager_client.get(_url(patient, kind="view")).context["page"].object_list
    assert len(only_views) == 2 and {entry.what for entry in only_views} == {"access report"}


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

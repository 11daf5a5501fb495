import datetime

import pytest
from django.urls import reverse

from clinic.audit.models import AccessEvent
from tests.db_rules import execute, raises_db_rule

pytestmark = pytest.mark.django_db


def _an_event(patient, nurse_client):
    nurse_client.get(patient.get_absolute_url(), HTTP_USER_AGENT="TabletAtChair/1.0", REMOTE_ADDR="10.0.0.7")
    return AccessEvent.objects.get()


def test_viewing_a_patient_writes_who_which_patient_what_when_and_from_where(nurse_client, nurse, patient):
    event = _an_event(patient, nurse_client)
    assert event.actor == nurse
    assert event.patient_id == patient.public_id
    assert event.object_type == "patient chart"
    assert event.action == "view"
    assert event.ip_address == "10.0.0.7"
    assert event.user_agent == "TabletAtChair/1.0"
    assert event.occurred_at is not None


def test_each_page_view_s_event_takes_a_time_ordered_public_id_at_the_end_of_its_index(nurse_client, patient):
    """Every staff page writes an event: a random id (version 4) lands on a random page of the unique index's
    million entries, read in and written whole to the WAL after each checkpoint (issue 13: the insert 0.05 ms at
    1,000 events, 0.18 ms at 1,000,000); a time-ordered id (RFC 9562 version 7) lands beside the last one."""
    for _ in range(3):
        nurse_client.get(patient.get_absolute_url())
    ids = list(AccessEvent.objects.order_by("chain_seq").values_list("public_id", flat=True))
    assert [public_id.version for public_id in ids] == [7, 7, 7]
    assert ids == sorted(ids), "each new event's id comes after the last one's"


def test_a_refused_view_writes_no_access_event(stranger_client, patient):
    assert stranger_client.get(patient.get_absolute_url()).status_code == 403
    assert not AccessEvent.objects.exists()


def test_raw_sql_update_of_the_access_log_is_refused_by_postgresql(nurse_client, patient):
    event = _an_event(patient, nurse_client)
    with raises_db_rule("access_event_append_only"):
        execute("UPDATE audit_accessevent SET actor_label = 'someone else' WHERE id = %s", [event.id])
    event.refresh_from_db()
    assert event.actor_label != "someone else"


def test_raw_sql_delete_of_the_access_log_is_refused_by_postgresql(nurse_client, patient):
    event = _an_event(patient, nurse_client)
    with raises_db_rule("access_event_append_only"):
        execute("DELETE FROM audit_accessevent WHERE id = %s", [event.id])
    assert AccessEvent.objects.filter(id=event.id).exists()


def test_bulk_orm_update_and_delete_are_refused_too(nurse_client, patient):
    _an_event(patient, nurse_client)
    with raises_db_rule("access_event_append_only"):
        AccessEvent.objects.update(object_type="nothing")
    with raises_db_rule("access_event_append_only"):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.count() == 1


def test_manager_sees_the_log_filtered_to_one_patient(manager_client, nurse_client, patient, location):
    from tests.factories import PatientFactory

    other = PatientFactory(location=location)
    nurse_client.get(patient.get_absolute_url())
    nurse_client.get(other.get_absolute_url())
    response = manager_client.get(reverse("audit:access_log"), {"patient": str(patient.public_id)})
    assert response.status_code == 200
    assert [e.patient_id for e in response.context["page"].object_list] == [patient.public_id]


def test_access_log_filter_with_a_malformed_patient_id_says_so_and_does_not_fail(manager_client):
    response = manager_client.get(reverse("audit:access_log"), {"patient": "not-a-uuid'; DROP TABLE"})
    assert response.status_code == 200
    assert response.context["form"].errors["patient"]


def test_access_log_is_empty_state_friendly(manager_client):
    response = manager_client.get(reverse("audit:access_log"))
    assert "No access events" in response.content.decode()


def test_front_desk_cannot_read_the_access_log(front_desk_client):
    assert front_desk_client.get(reverse("audit:access_log")).status_code == 403


@pytest.mark.parametrize(
    "proxies,forwarded,remote,expected",
    [
        (0, "203.0.113.9", "10.0.0.7", "10.0.0.7"),  # no proxy: a client-written header is ignored
        (1, "198.51.100.1, 203.0.113.9", "10.0.0.1", "203.0.113.9"),  # our proxy appended the real client
        (1, "", "10.0.0.1", "10.0.0.1"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1", None),
    ],
    ids=["no-proxy", "one-proxy", "one-proxy-no-header", "two-proxies", "garbage"],
)
def test_client_address_believes_only_our_own_proxies(rf, settings, proxies, forwarded, remote, expected):
    from clinic.audit.services import client_ip

    settings.CLINIC_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_access_log_names_each_patient_in_one_query_per_page(manager_client, nurse_client, location,
                                                              django_assert_max_num_queries):
    from tests.factories import PatientFactory

    for number in range(5):
        nurse_client.get(PatientFactory(location=location, legal_last_name=f"Viewed{number}").get_absolute_url())
    with django_assert_max_num_queries(14):  # session, user, permissions, count, events, names, staff list, day heads,
        # the clinic's time zone (issue 12 #3, once per page) and the access event that reading the log writes
        response = manager_client.get(reverse("audit:access_log"))
    page = response.content.decode()
    assert all(f"Viewed{number}," in page for number in range(5))


def test_a_malformed_filter_shows_no_events_rather_than_all_of_them(manager_client, nurse_client, patient):
    nurse_client.get(patient.get_absolute_url())
    response = manager_client.get(reverse("audit:access_log"), {"patient": "Rivera"})
    assert list(response.context["page"].object_list) == []


def _access_log_events(manager, count, *, patient_id=None):
    from django.test import RequestFactory

    from clinic.audit.services import access_event_record

    request = RequestFactory().get("/")
    request.user = manager
    for _ in range(count):
        access_event_record(request=request, patient_id=patient_id, object_type="bench")


def test_access_log_pages_by_keyset_older_and_newer_keeping_the_filter(manager_client, manager):
    """Issue 13: the log pages "older / newer" from the last row seen, with no count of all events; a filter
    stays on through the pages."""
    import uuid

    patient_id = uuid.uuid4()
    _access_log_events(manager, 60, patient_id=patient_id)
    url = reverse("audit:access_log")
    first = manager_client.get(url, {"patient": str(patient_id)})
    rows = list(first.context["page"].object_list)
    assert len(rows) == 50 and first.context["page"].newer is None
    older = first.context["page"].older
    assert older and f"patient={patient_id}" in older
    second = manager_client.get(url + older)
    rest = list(second.context["page"].object_list)
    assert len(rest) == 10 and {event.pk for event in rest}.isdisjoint({event.pk for event in rows})
    assert all(event.patient_id == patient_id for event in rest)
    assert max(event.occurred_at for event in rest) <= min(event.occurred_at for event in rows)
    assert second.context["page"].older is None
    back = manager_client.get(url + second.context["page"].newer)
    assert [event.pk for event in back.context["page"].object_list] == [event.pk for event in rows]


def test_access_log_counts_nothing_and_its_query_count_does_not_grow_with_rows(manager_client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(reverse("audit:access_log")).status_code == 200
        return [query["sql"] for query in ctx.captured_queries]

    _access_log_events(manager, 1)
    one = queries()
    _access_log_events(manager, 50)
    fifty = queries()
    assert len(fifty) == len(one)
    assert not [sql for sql in fifty if "COUNT(" in sql.upper() and "audit_accessevent" in sql]


def test_a_malformed_page_cursor_opens_the_newest_page(manager_client, manager):
    _access_log_events(manager, 3)
    response = manager_client.get(reverse("audit:access_log"), {"before": "not-a-cursor"})
    assert response.status_code == 200 and len(response.context["page"].object_list) >= 3


def test_the_day_heads_name_the_last_chained_event_of_each_of_the_latest_days(manager):
    import datetime

    import time_machine

    from clinic.audit.selectors import access_log_day_heads

    for day in (1, 2, 2, 4, 4, 4):
        with time_machine.travel(datetime.datetime(2026, 3, day, 23, 30, tzinfo=datetime.UTC), tick=False):
            _access_log_events(manager, 1)
    last = {}
    for event in AccessEvent.objects.order_by("chain_seq"):
        last[event.occurred_at.date()] = event
    heads = access_log_day_heads(days=2)
    assert [(head["day"], head["chain_seq"], head["hash"]) for head in heads] == [
        (day, last[day].chain_seq, last[day].hash) for day in sorted(last, reverse=True)[:2]]
    assert len(access_log_day_heads()) == 3


def test_the_access_log_prints_each_days_chain_head_with_its_day_number_and_hash(manager_client, manager):
    _access_log_events(manager, 2)
    page = manager_client.get(reverse("audit:access_log")).content.decode()
    head = AccessEvent.objects.filter(chain_seq__isnull=False).latest("chain_seq")
    day = head.occurred_at.astimezone(datetime.UTC).date()
    assert (f'<tr><td>{day.isoformat()}</td><td>{head.chain_seq}</td>'
            f'<td><code class="user-select-all">{head.hash}</code></td></tr>') in page


def test_the_day_heads_probe_the_time_index_instead_of_reading_each_days_events(manager):
    """Every page view writes an event: finding a day's last one must not read all of that day's (issue 13:
    ~40 ms a view of the log); a backward probe of the (occurred_at, id) index finds it."""
    from django.db import connection

    from clinic.audit.selectors import DAY_HEADS_SQL

    with connection.cursor() as cursor:
        # A test table is tiny, and its statistics depend on when autovacuum last looked: only index scans that
        # give the events in time order are left to the planner, so the plan shows which index serves the query.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + DAY_HEADS_SQL, [14])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using access_event_keyset_idx" in plan, plan


def test_each_page_view_writes_no_index_that_a_keyset_index_already_serves():
    """Every page with patient data writes an event (issue 13): occurred_at, actor and patient_id each lead a
    (…, occurred_at, id) index, so no single-column index of theirs is written too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'audit_accessevent'")
        columns = {row[0].split(" USING ")[1] for row in cursor.fetchall()}
    assert "btree (occurred_at, id)" in columns and "btree (actor_id, occurred_at, id)" in columns
    assert "btree (patient_id, occurred_at DESC, id DESC)" in columns
    assert not columns & {"btree (occurred_at)", "btree (actor_id)", "btree (patient_id)"}, columns


def test_the_access_log_rows_escape_what_they_show_and_link_each_patient(manager_client):
    """The rows are written by format_html (issue 13): a label with markup is shown as text, a patient not in the
    registry is "(unknown patient)", still with its link and filter."""
    import uuid

    patient_id = uuid.uuid4()
    AccessEvent.objects.create(actor_label="<script>alert(1)</script>", object_type='chart & "notes"',
                               patient_id=patient_id, action=AccessEvent.Action.PRINT, ip_address="10.0.0.7")
    page = manager_client.get(reverse("audit:access_log")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<td>chart &amp; &quot;notes&quot;</td>" in page and "<td>Printed</td>" in page
    assert f'<a href="{reverse("patients:detail", args=[patient_id])}">(unknown patient)</a>' in page
    assert f'href="?patient={patient_id}" aria-label="Only this patient\'s events">filter</a>' in page
    assert "<td>10.0.0.7</td>" in page


def test_reading_the_log_names_the_patients_it_shows_not_every_patient_a_listed_page_named(manager_client, location):
    """The log shows one patient's name a row; a list event (a search, an earlier reading of the log) names its
    patients without the log showing them. Recording those too grew each reading's event towards every patient
    shown lately, and each reading then read them all back (issue 13)."""
    from tests.factories import PatientFactory

    shown, listed = PatientFactory(location=location), PatientFactory(location=location)
    AccessEvent.objects.create(actor_label="Front desk", object_type="patient search", action=AccessEvent.Action.SEARCH,
                               patient_ids=[listed.public_id, shown.public_id])
    AccessEvent.objects.create(actor_label="Nurse", object_type="patient chart", patient_id=shown.public_id)

    manager_client.get(reverse("audit:access_log"))
    manager_client.get(reverse("audit:access_log"))  # the first reading's event is now on the page too

    readings = AccessEvent.objects.filter(object_type="access log").order_by("id")
    assert [event.patient_ids for event in readings] == [[shown.public_id], [shown.public_id]]


def test_reading_the_log_filtered_to_a_patient_names_that_patient(manager_client, location):
    from tests.factories import PatientFactory

    listed = PatientFactory(location=location)
    AccessEvent.objects.create(actor_label="Front desk", object_type="patient search", action=AccessEvent.Action.SEARCH,
                               patient_ids=[listed.public_id])

    page = manager_client.get(reverse("audit:access_log"), {"patient": str(listed.public_id)})

    assert "patient search" in page.content.decode()
    assert AccessEvent.objects.get(object_type="access log").patient_ids == [listed.public_id]


def test_the_access_log_says_its_times_are_the_clinics_local_times(manager_client, location):
    AccessEvent.objects.create(actor_label="Nurse", object_type="patient chart")
    page = manager_client.get(reverse("audit:access_log")).content.decode()
    assert "When (UTC)" not in page and "times in UTC" not in page
    assert f"times in the clinic's time zone ({location.time_zone})" in page


@pytest.mark.parametrize("direction", ["before", "after"])
def test_a_page_far_back_starts_its_index_walk_at_the_cursor(manager, direction):
    """The cursor's condition bounds occurred_at on its own too, so the (occurred_at, id) index is entered at the
    cursor: with the OR alone, a page far back read every newer event before its own (issue 13)."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clinic.audit.selectors import access_events_list, access_events_page

    cursor_value = f"{datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).isoformat()}_5"
    with CaptureQueriesContext(connection) as queries:
        access_events_page(access_events_list(), params={direction: cursor_value})
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: only index scans are left
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "access_event_keyset_idx" in plan and "Index Cond: (occurred_at" in plan, plan


def test_the_log_filtered_to_a_patient_pages_their_own_and_their_list_events_each_once_even_on_equal_times(
        manager_client, manager):
    """Older pages to the end, then newer pages back: every event naming the patient (their own, lists naming
    them, one naming them both ways), once each, newest first, with half of them at one instant."""
    import datetime
    import uuid

    import time_machine
    from django.db.models import Q
    from django.test import RequestFactory

    from clinic.audit.services import access_event_record

    patient, other = uuid.uuid4(), uuid.uuid4()
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")
    request.user = manager
    instant = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    for n in range(60):
        with time_machine.travel(instant - datetime.timedelta(seconds=n % 2 * n), tick=False):
            access_event_record(request=request, patient_id=patient if n % 3 == 0 else None,
                                patient_ids=[] if n % 3 == 0 else [other, patient], object_type="chart or list")
            access_event_record(request=request, patient_id=other, object_type="chart")  # not theirs
    with time_machine.travel(instant, tick=False):
        access_event_record(request=request, patient_id=patient, patient_ids=[patient], object_type="search")
    naming = AccessEvent.objects.filter(Q(patient_id=patient) | Q(patient_ids__contains=[patient]))
    expected = list(naming.order_by("-occurred_at", "-id").values_list("pk", flat=True))
    assert len(expected) == 61

    with time_machine.travel(instant + datetime.timedelta(minutes=1), tick=False):  # each reading is newer
        pages = _log_pages(manager_client, f"?patient={patient}", "older")
        assert [event.pk for page in pages for event in page.object_list] == expected
        back = manager_client.get(reverse("audit:access_log") + pages[-1].newer).context["page"]
    assert [event.pk for event in back.object_list] == expected[:50]


def _log_pages(client, link: str, direction: str) -> list:
    """The access log's pages from ``link`` on, following ``direction`` ("older" or "newer") to the end."""
    url, pages = reverse("audit:access_log"), []
    while link:
        pages.append(client.get(url + link).context["page"])
        link = getattr(pages[-1], direction)
    return pages


def _events_at(manager, start):
    """A writer of access events at ``start`` plus so many seconds (a function), as a nurse's pages would."""
    import datetime

    import time_machine
    from django.test import RequestFactory

    from clinic.audit.services import access_event_record

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")
    request.user = manager

    def at(seconds, **event):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds), tick=False):
            access_event_record(request=request, object_type="chart or list", **{"patient_id": None, **event})
        return AccessEvent.objects.latest("id").pk

    return at


@pytest.mark.parametrize("order_name", ["NEWEST_FIRST", "OLDEST_FIRST"])
def test_a_page_full_of_the_patients_own_events_reads_only_the_list_events_within_its_span(manager, order_name):
    """A patient often opened (their chart, their report) fills a page with their own events, read from their own
    index. The list events naming them are then read only as far as that page reaches (its last event's time):
    a patient on every day board is named by thousands of board views, and the GIN index on patient_ids hands
    PostgreSQL every one of them to sort (issue 13). The page is the same as without the bound: a list event at
    the page's last instant that sorts before their own event there is on it (taking that one's place); one a
    second beyond it is not."""
    import datetime
    import uuid

    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from clinic.audit import selectors

    order = getattr(selectors, order_name)
    newest_first = order is selectors.NEWEST_FIRST
    patient = uuid.uuid4()
    start = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    at = _events_at(manager, start)
    far = range(100) if newest_first else range(200, 300)  # lists naming them, beyond the page either way
    for second in far:
        at(second, patient_ids=[uuid.uuid4(), patient])
    # Sixty of their own, 100 to 159 s: their 51 newest reach back to 109, their 51 oldest to 150. At that
    # instant a list naming them sorts first: written after their own newest first (a later id), before it
    # oldest first (an earlier id).
    edge, beyond = (109, 108) if newest_first else (150, 151)
    at_edge = None
    for second in range(100, 160):
        if second == edge and not newest_first:
            at_edge = at(edge, patient_ids=[patient])
        at(second, patient_id=patient)
        if second == edge and newest_first:
            at_edge = at(edge, patient_ids=[patient])
    past_edge = at(beyond, patient_ids=[patient])

    naming = AccessEvent.objects.filter(Q(patient_id=patient) | Q(patient_ids__contains=[patient]))
    expected = list(naming.order_by(*order).values_list("pk", flat=True)[:51])
    with CaptureQueriesContext(connection) as queries:
        page = list(selectors.events_naming(selectors.access_events_list(), patient, order=order, limit=51))

    assert [event.pk for event in page] == expected
    assert at_edge == expected[-1] and past_edge not in expected
    listed = queries.captured_queries[-1]["sql"]
    bound = ">=" if newest_first else "<="
    page_edge = (start + datetime.timedelta(seconds=edge)).isoformat()
    assert f'"audit_accessevent"."occurred_at" {bound} \'{page_edge}\'' in listed, listed


def test_events_naming_a_patient_are_paged_newest_or_oldest_first_only(manager):
    """The page's bound and its merge read the order as one of the two (by time then id, either way)."""
    import uuid

    from clinic.audit.selectors import access_events_list, events_naming

    with pytest.raises(ValueError, match="newest or oldest first"):
        events_naming(access_events_list(), uuid.uuid4(), order=("-occurred_at", "-pk"), limit=51)


def test_the_log_filtered_to_a_patient_often_opened_pages_every_event_once_both_ways(manager_client, manager):
    """Older to the end, then Newer back, with their own events filling each page (the list events read only
    within its span, ``events_naming``): every event naming the patient once, newest first, ties on time
    included."""
    import datetime
    import uuid

    import time_machine
    from django.db.models import Q

    patient = uuid.uuid4()
    start = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    at = _events_at(manager, start)
    for n in range(160):  # two own to one list, three events a second
        at(n // 3, **({"patient_ids": [uuid.uuid4(), patient]} if n % 3 == 2 else {"patient_id": patient}))
        at(n // 3, patient_id=uuid.uuid4())  # another patient's
    expected = list(AccessEvent.objects.filter(Q(patient_id=patient) | Q(patient_ids__contains=[patient]))
                    .order_by("-occurred_at", "-id").values_list("pk", flat=True))
    assert len(expected) == 160

    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):  # each reading is newer
        pages = _log_pages(manager_client, f"?patient={patient}", "older")
        assert [event.pk for page in pages for event in page.object_list] == expected
        back = _log_pages(manager_client, pages[-1].newer, "newer")
    # Back from the oldest page: every newer event once, newest first, and the log's own readings, which name
    # the patient too (each a list event newer than all of them).
    walked_back = [event.pk for page in reversed(back) for event in page.object_list]
    assert [pk for pk in walked_back if pk in expected] == expected[:-len(pages[-1].object_list)]
    assert len(walked_back) == len(set(walked_back))

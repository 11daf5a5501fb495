"""ListedPatient: one row per patient a list or search event named, written by PostgreSQL's trigger
``access_event_listed_patients`` as the event is (issue 13), append-only as the log is. Tried with raw SQL."""

import uuid

import pytest
from django.db import connection

from clinic.audit.models import AccessEvent, ListedPatient
from tests.db_rules import execute, raises_db_rule

pytestmark = pytest.mark.django_db


def _event(patient_id=None, patient_ids=()) -> AccessEvent:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_accessevent (public_id, occurred_at, actor_label, patient_id, patient_ids, object_type,"
            " object_id, action, user_agent, hash, prev_hash) VALUES (gen_random_uuid(), now(), 'Script', %s,"
            " %s::uuid[], 'day board', '', 'view', '', '', '') RETURNING id",
            [patient_id, [str(named) for named in patient_ids]])
        return AccessEvent.objects.get(pk=cursor.fetchone()[0])


def test_trigger_access_event_listed_patients_writes_each_patient_a_list_named_once_with_its_events_time():
    first, second = uuid.uuid4(), uuid.uuid4()
    event = _event(patient_ids=[first, second, first])
    rows = set(ListedPatient.objects.values_list("patient_id", "occurred_at", "event_id"))
    assert rows == {(first, event.occurred_at, event.pk), (second, event.occurred_at, event.pk)}


def test_trigger_access_event_listed_patients_writes_nothing_for_an_event_about_one_patient():
    _event(patient_id=uuid.uuid4())
    assert not ListedPatient.objects.exists()


def test_the_listed_patients_are_append_only_as_the_log_is(truncate_granted):
    _event(patient_ids=[uuid.uuid4()])
    with raises_db_rule("listed_patient_append_only"):
        execute("UPDATE audit_listedpatient SET patient_id = gen_random_uuid()")
    with raises_db_rule("listed_patient_append_only"):
        execute("DELETE FROM audit_listedpatient")
    with raises_db_rule("sql_audit_listedpatient_no_truncate"):  # had the app been granted TRUNCATE by mistake
        execute("TRUNCATE audit_listedpatient")
    assert ListedPatient.objects.count() == 1


def test_the_listed_patients_stay_append_only_with_pgtriggers_switched_off():
    _event(patient_ids=[uuid.uuid4()])
    for statement in ("UPDATE audit_listedpatient SET patient_id = gen_random_uuid()",
                      "DELETE FROM audit_listedpatient"):
        with raises_db_rule("sql_audit_listedpatient_append_only"):
            execute("SELECT set_config('pgtrigger.ignore', array_agg(tgname)::text, true) FROM pg_trigger"
                    " WHERE tgname LIKE 'pgtrigger_%%'")
            execute(statement)
    assert ListedPatient.objects.count() == 1


def test_a_patients_list_events_are_read_newest_first_down_the_listed_patients_key():
    """The access report's and the filtered log's page of a patient's list events walks ListedPatient's key
    (patient, time, event) backward and stops at the page's end: through an index of the events' arrays it read
    every list event naming the patient, then sorted them (at 1 M events, 4.7 of the report's 5.7 ms)."""
    from django.test.utils import CaptureQueriesContext

    from clinic.audit.selectors import access_events_list, events_naming

    with CaptureQueriesContext(connection) as queries:
        list(events_naming(access_events_list(), uuid.uuid4(), limit=51))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: show what an index can serve
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    listed_arm = plan.split("Append")[1].split("access_event_patient_idx")[-1]
    assert "Scan Backward using audit_listedpatient_pkey" in listed_arm, plan
    assert "Sort Key: audit_listedpatient" not in listed_arm, plan  # read in the key's order, to the limit


def test_the_log_filtered_to_a_patient_pages_their_own_and_their_list_events_each_once_even_on_equal_times(
        manager_client, manager):
    """Older pages to the end, then newer pages back: every event naming the patient (their own, lists naming
    them, one naming them both ways), once each, newest first, with half of them at one instant."""
    import datetime

    import time_machine
    from django.db.models import Q
    from django.test import RequestFactory
    from django.urls import reverse

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

    url, pages = reverse("audit:access_log"), []
    with time_machine.travel(instant + datetime.timedelta(minutes=1), tick=False):  # each reading is newer
        link = f"?patient={patient}"
        while link:
            pages.append(manager_client.get(url + link).context["page"])
            link = pages[-1].older
        assert [event.pk for page in pages for event in page.object_list] == expected
        back = manager_client.get(url + pages[-1].newer).context["page"]
    assert [event.pk for event in back.object_list] == expected[:50]

"""clinic.prepared: a queryset built and compiled once, run with new values (issue 13). It must give exactly the
rows the queryset would, for every set of values, and refuse what it cannot do rather than run the wrong SQL."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.db.models import Avg, Count, F, Min, QuerySet
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from clinic.audit.models import AccessEvent
from clinic.prepared import PreparedAggregate, PreparedQuery
from patients.models import Patient
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _patients_born(*, location_id: int, born_after: datetime.date, last_name: str) -> QuerySet[Patient]:
    return (Patient.objects.select_related("location")
            .filter(location_id=location_id, date_of_birth__gt=born_after)
            .exclude(legal_last_name=last_name)
            .annotate(clinic=F("location__name")).order_by("date_of_birth", "id"))


PATIENTS_BORN = PreparedQuery(_patients_born, location_id=int, born_after=datetime.date, last_name=str)


def test_each_call_reads_the_rows_the_queryset_reads_with_its_own_values():
    north, south = LocationFactory(name="North"), LocationFactory(name="South")
    for n, (place, year) in enumerate([(north, 1960), (north, 1980), (north, 1990), (south, 1985), (south, 1999)]):
        PatientFactory(location=place, date_of_birth=datetime.date(year, 1, 1), legal_last_name=f"Name{n}")
    for values in ({"location_id": north.pk, "born_after": datetime.date(1970, 1, 1), "last_name": "Name2"},
                   {"location_id": north.pk, "born_after": datetime.date(1950, 1, 1), "last_name": "Nobody"},
                   {"location_id": south.pk, "born_after": datetime.date(1980, 6, 1), "last_name": "Name4"},
                   {"location_id": south.pk, "born_after": datetime.date(2001, 1, 1), "last_name": "Name3"}):
        expected = list(_patients_born(**values))
        with CaptureQueriesContext(connection) as queries:
            rows = PATIENTS_BORN(**values)
        assert [row.pk for row in rows] == [row.pk for row in expected]
        assert [(row.location.name, row.clinic) for row in rows] == [(row.location.name, row.clinic)
                                                                    for row in expected]
        assert len(queries) == 1  # the location came with its patient (select_related), as it would


def test_values_list_rows_and_uuid_and_aware_datetime_values():
    patient_id = uuid.uuid4()
    events = [AccessEvent.objects.create(actor_label="x", object_type="page", patient_id=patient_id)
              for _ in range(3)]
    AccessEvent.objects.create(actor_label="x", object_type="page", patient_id=uuid.uuid4())
    newest = PreparedQuery(
        lambda *, patient_id, before: AccessEvent.objects.filter(patient_id=patient_id, occurred_at__lte=before)
        .order_by("-occurred_at", "-id").values_list("pk", flat=True),
        patient_id=uuid.UUID, before=datetime.datetime)
    later = events[-1].occurred_at + datetime.timedelta(seconds=1)
    assert newest(patient_id=patient_id, before=later) == [event.pk for event in reversed(events)]
    assert newest(patient_id=uuid.uuid4(), before=later) == []


def test_values_list_rows_django_would_not_convert_are_read_from_the_cursor_and_the_others_through_django(
        monkeypatch):
    """A ``values_list`` whose columns need no converter is read straight from the cursor (clinic.prepared
    ``_read_directly``: Django's reading cost more than the driver's for the week's 200 rows); one with a column Django
    converts after reading (JSON), or a distinct list ordered by what it does not show (a column selected for the order
only), is read through the queryset. Either way,
    the rows the queryset gives."""
    from django.db.models.query import FlatValuesListIterable, ValuesListIterable

    from patients.models import Intake
    from tests.factories import make_submitted_intake

    patient_id = uuid.uuid4()
    for n in range(3):
        AccessEvent.objects.create(actor_label=f"x{n}", object_type="page", patient_id=patient_id,
                                   ip_address="10.0.0.1")
    intake = make_submitted_intake()
    plain = PreparedQuery(lambda *, patient_id: AccessEvent.objects.filter(patient_id=patient_id)
                          .order_by("id").values_list("actor_label", "occurred_at", "ip_address", "patient_ids"),
                          patient_id=uuid.UUID)
    flat = PreparedQuery(lambda *, patient_id: AccessEvent.objects.filter(patient_id=patient_id)
                         .order_by("-id").values_list("actor_label", flat=True), patient_id=uuid.UUID)
    converted = PreparedQuery(lambda *, pk: Intake.objects.filter(pk=pk).values_list("pk", "answers"), pk=int)
    ordered_unseen = PreparedQuery(lambda *, patient_id: AccessEvent.objects.filter(patient_id=patient_id)
                                   .distinct().order_by("-chain_seq").values_list("actor_label"),
                                   patient_id=uuid.UUID)
    expected = {
        plain: list(plain.build(patient_id=patient_id)), flat: list(flat.build(patient_id=patient_id)),
        ordered_unseen: list(ordered_unseen.build(patient_id=patient_id)),
        converted: list(converted.build(pk=intake.pk))}
    values = {plain: {"patient_id": patient_id}, flat: {"patient_id": patient_id},
              ordered_unseen: {"patient_id": patient_id}, converted: {"pk": intake.pk}}

    def refused(self):
        raise AssertionError("read through the queryset")

    for query, direct in ((plain, True), (flat, True), (converted, False), (ordered_unseen, False)):
        with monkeypatch.context() as patched:
            if direct:
                patched.setattr(ValuesListIterable, "__iter__", refused)
                patched.setattr(FlatValuesListIterable, "__iter__", refused)
            assert query(**values[query]) == expected[query]
    assert expected[plain][0][2] == "10.0.0.1" and expected[flat] == ["x2", "x1", "x0"]
    assert expected[ordered_unseen] == [("x2",), ("x1",), ("x0",)]
    assert isinstance(expected[converted][0][1], dict) and expected[converted][0][1]  # JSON, read as Django reads it


def test_a_value_of_the_wrong_kind_or_a_naive_time_or_a_missing_name_is_refused():
    with pytest.raises(TypeError):
        PATIENTS_BORN(location_id="1", born_after=datetime.date(1970, 1, 1), last_name="x")
    with pytest.raises(TypeError):  # a datetime is not a date here: it would compare differently
        PATIENTS_BORN(location_id=1, born_after=datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), last_name="x")
    with pytest.raises(TypeError):
        PATIENTS_BORN(location_id=1, born_after=datetime.date(1970, 1, 1))
    events = PreparedQuery(lambda *, since: AccessEvent.objects.filter(occurred_at__gte=since),
                           since=datetime.datetime)
    with pytest.raises(TypeError):
        events(since=datetime.datetime(2026, 1, 1))


def test_a_value_a_lookup_rewrites_cannot_be_prepared():
    """``__contains`` sends ``%value%``: the stand-in never reaches the SQL as itself, so preparing refuses
    instead of running a query that ignores the value."""
    containing = PreparedQuery(lambda *, part: Patient.objects.filter(legal_last_name__contains=part), part=str)
    with pytest.raises(ValueError, match="does not reach the SQL"):
        containing(part="iver")


def test_a_build_function_that_reads_the_database_is_refused():
    """What it read would be kept in the SQL for the life of the process (a stale id, a stale version)."""
    LocationFactory()

    def with_first_location(*, born_after):
        first = LocationFactory._meta.model.objects.first()  # read while building
        return Patient.objects.filter(location=first, date_of_birth__gt=born_after)

    with pytest.raises(RuntimeError, match="read the database"):
        PreparedQuery(with_first_location, born_after=datetime.date)(born_after=datetime.date(1970, 1, 1))


def test_the_rows_come_back_as_a_list_and_the_pinned_query_cannot_be_changed():
    from clinic.prepared import _PinnedQuery

    rows = PATIENTS_BORN(location_id=LocationFactory().pk, born_after=datetime.date(1970, 1, 1), last_name="x")
    assert rows == []
    pinned = _PinnedQuery.pinned(Patient.objects.all().query, None, lambda connection: ("SELECT 1", ()))
    with pytest.raises(TypeError):
        pinned.clone()
    with pytest.raises(TypeError):
        pinned.chain()


def test_each_thread_runs_the_prepared_sql_on_its_own_connection():
    """The development server answers in threads: a compiler prepared in one must not use another's
    connection (Django refuses a connection shared across threads)."""
    from clinic.prepared import _PinnedQuery

    PATIENTS_BORN(location_id=LocationFactory().pk, born_after=datetime.date(1970, 1, 1), last_name="x")
    prepared = PATIENTS_BORN._prepared["default"]
    seen = {}

    def in_another_thread():
        pinned = _PinnedQuery.pinned(prepared.queryset.query, prepared.compiler,
                                     lambda connection: (prepared.statement.sql, prepared.statement.params))
        seen["compiler"] = pinned.get_compiler(using="default").connection
        seen["thread's"] = connections["default"]

    worker = threading.Thread(target=in_another_thread)
    worker.start()
    worker.join()
    assert seen["compiler"] is seen["thread's"] and seen["compiler"] is not connection


def test_a_prepared_insert_writes_the_row_djangos_create_writes():
    """clinic.prepared_insert.PreparedInsert (the access log's): the same columns as ``objects.create`` (defaults,
    ``auto_now_add``, an array of UUIDs, an address), the chain's columns filled in by PostgreSQL's trigger."""
    import time_machine

    from clinic.prepared_insert import PreparedInsert
    from tests.factories import UserFactory

    actor = UserFactory(full_name="Nora Nurse")
    values = {"actor": actor, "actor_label": str(actor), "patient_id": None, "object_type": "day board",
              "patient_ids": [uuid.uuid4(), uuid.uuid4()], "ip_address": "10.0.0.7", "user_agent": "Firefox",
              "object_id": "", "action": "view"}
    moment = datetime.datetime(2026, 11, 30, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        created = AccessEvent.objects.create(**values)
        PreparedInsert(AccessEvent)(**values)
    prepared = AccessEvent.objects.exclude(pk=created.pk).get()
    created.refresh_from_db()
    columns = [field.attname for field in AccessEvent._meta.concrete_fields
               if field.attname not in ("id", "public_id", "chain_seq", "prev_hash", "hash")]
    assert [getattr(prepared, name) for name in columns] == [getattr(created, name) for name in columns]
    assert prepared.occurred_at == moment and prepared.public_id != created.public_id
    assert prepared.chain_seq == created.chain_seq + 1 and prepared.prev_hash == created.hash and prepared.hash


def test_a_prepared_insert_writes_an_array_of_uuids_as_django_would_and_refuses_what_is_no_uuid():
    """The patients a list showed go as one array literal (clinic.prepared_insert._uuid_array): the same row, whether
    the ids are UUIDs or their text, none or many; a value that is no UUID is refused before it is sent."""
    from django.core.exceptions import ValidationError

    from clinic.prepared_insert import PreparedInsert

    insert = PreparedInsert(AccessEvent)
    ids = [uuid.uuid4() for _ in range(200)]
    # UUIDs, their text as PostgreSQL writes it (the boards read them so; checked in one match), their text in
    # capitals, text and UUIDs mixed, none.
    for patient_ids in (ids, [str(i) for i in ids], [str(i).upper() for i in ids[:3]], [str(ids[0]), ids[1]], []):
        insert(actor=None, actor_label="x", object_type="week", patient_ids=patient_ids, user_agent="", object_id="",
               action="view", ip_address=None, patient_id=None)
        event = AccessEvent.objects.latest("chain_seq")
        assert event.patient_ids == [uuid.UUID(str(i)) for i in patient_ids]
    assert AccessEvent.objects.filter(patient_ids__contains=[ids[150]]).count() == 2
    for not_a_uuid in ("{1}", f"{ids[0]},{ids[1]}", "z" * 36, f"{ids[0]}x", ""):
        # Alone, or among UUIDs' text: two ids in one value are refused, not read as two patients.
        for patient_ids in ([not_a_uuid], [str(ids[2]), not_a_uuid], [not_a_uuid, str(ids[2])]):
            with pytest.raises((ValueError, ValidationError)):
                insert(actor=None, actor_label="x", object_type="week", patient_ids=patient_ids, user_agent="",
                       object_id="", action="view", ip_address=None, patient_id=None)


def test_the_access_logs_insert_is_kept_by_postgresql_and_sent_without_a_history_context(settings):
    """Written on nearly every page: PREPARE once per connection, then EXECUTE with the row's values, as the
    prepared queries are. The access log keeps no history of its own (it is append-only, no pghistory trigger),
    so the request's history context (two set_config calls and the metadata as JSON) is not sent with it."""
    import pghistory

    from clinic.prepared_insert import PreparedInsert

    insert = PreparedInsert(AccessEvent)
    row = {"actor": None, "actor_label": "x", "object_type": "week", "patient_ids": [uuid.uuid4()], "user_agent": "",
           "object_id": "", "action": "view", "ip_address": "10.0.0.7", "patient_id": uuid.uuid4()}
    with pghistory.context(user=None, url="/schedule/week/"), CaptureQueriesContext(connection) as queries:
        insert(**row)
        insert(**{**row, "object_type": "day board"})
    assert [query["sql"].split("(")[0] for query in queries] == [f"EXECUTE {insert.statement.name}"] * 2
    assert not [query for query in queries if "set_config" in query["sql"]]
    statement, _ = _statement(insert.statement.name)
    assert ' AS INSERT INTO "audit_accessevent" ' in statement and "$13" in statement
    assert list(AccessEvent.objects.order_by("id").values_list("object_type", "ip_address", "patient_id")) == [
        ("week", "10.0.0.7", row["patient_id"]), ("day board", "10.0.0.7", row["patient_id"])]
    settings.PREPARED_STATEMENTS_ON_SERVER = False
    with CaptureQueriesContext(connection) as queries:
        insert(**row)
    assert queries[0]["sql"].startswith("INSERT INTO") and AccessEvent.objects.count() == 3
    with pytest.raises(TypeError, match="keeps a history"):  # its triggers would miss the request's context
        PreparedInsert(Patient)


def test_a_query_whose_shape_or_constants_depend_on_the_value_is_refused():
    """Preparing builds twice with other stand-ins: a value that decides the query's shape, or a constant that
    happens to equal a stand-in, would otherwise run the wrong SQL for every other value."""
    def shaped(*, word):
        patients = Patient.objects.all()
        return patients.filter(legal_last_name=word) if word.endswith("-0\x1f") else patients.filter(email=word)

    with pytest.raises(ValueError, match="same place whatever its value"):
        PreparedQuery(shaped, word=str)(word="x")
    same_as_a_stand_in = PreparedQuery(
        lambda *, born: Patient.objects.filter(date_of_birth__gt=born, created_at__date__gt=datetime.date(1901, 1, 1)),
        born=datetime.date)
    with pytest.raises(ValueError):
        same_as_a_stand_in(born=datetime.date(1970, 1, 1))


def test_a_value_derived_from_a_parameter_or_a_flag_for_an_id_is_refused():
    """A value worked out from a parameter in ``build`` (the day before, say) is a constant of each draft, and
    would be kept for good: the two drafts' constants differ, so preparing refuses. ``True`` is not an id."""
    def day_before(*, born):
        return Patient.objects.filter(date_of_birth__gt=born - datetime.timedelta(days=1),
                                      date_of_birth__lte=born)

    with pytest.raises(ValueError, match="same place whatever its value"):
        PreparedQuery(day_before, born=datetime.date)(born=datetime.date(1970, 1, 1))
    with pytest.raises(TypeError):
        PATIENTS_BORN(location_id=True, born_after=datetime.date(1970, 1, 1), last_name="x")


def test_a_prepared_query_runs_on_the_database_it_was_asked_for(monkeypatch):
    """``using``: the rows come from that alias's connection, whatever a router would choose."""
    location = LocationFactory()
    PatientFactory(location=location, date_of_birth=datetime.date(1990, 1, 1))
    with CaptureQueriesContext(connections["default"]) as queries:
        rows = PATIENTS_BORN(using="default", location_id=location.pk, born_after=datetime.date(1970, 1, 1),
                             last_name="x")
    assert len(rows) == 1 and len(queries) == 1
    assert PATIENTS_BORN._prepared["default"].compiler.connection is None  # the preparing thread's not kept


# PostgreSQL keeps each prepared query as a statement (PREPARE once per connection, then EXECUTE): parsing and
# planning, most of the day board's SQL time, are skipped (settings.PREPARED_STATEMENTS_ON_SERVER).

def _patients_named_like_n(*, location_id: int) -> QuerySet[Patient]:
    """A constant (a name), a value, and a percent sign in the SQL (``%%`` to psycopg2, ``%`` to SQL)."""
    return (Patient.objects.filter(location_id=location_id).exclude(legal_last_name="Nobody")
            .filter(pk__in=RawSQL("SELECT id FROM patients_patient WHERE legal_last_name LIKE 'N%%'", []))
            .order_by("id"))


NAMED_LIKE_N = PreparedQuery(_patients_named_like_n, location_id=int)


def _statement(name: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, prepare_time FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()


def test_postgresql_keeps_the_statement_and_each_call_only_executes_it():
    location = LocationFactory()
    wanted = [PatientFactory(location=location, legal_last_name=name) for name in ("Nash", "Park", "Novak")]
    with CaptureQueriesContext(connection) as queries:
        rows = NAMED_LIKE_N(location_id=location.pk)
    assert [row.pk for row in rows] == [wanted[0].pk, wanted[2].pk] == [row.pk for row in
                                                                          _patients_named_like_n(location_id=location.pk)]
    name = NAMED_LIKE_N._prepared["default"].statement.name
    assert len(queries) == 1 and queries[0]["sql"].startswith(f"EXECUTE {name}(")
    statement, prepared_at = _statement(name)
    # The constant written in, the value a parameter, the percent sign as SQL reads it.
    assert "$1" in statement and "'Nobody'" in statement and "LIKE 'N%'" in statement
    assert NAMED_LIKE_N(location_id=LocationFactory().pk) == []
    assert _statement(name)[1] == prepared_at  # executed again, not prepared again


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    """After a reconnect (``CONN_MAX_AGE``, a failed health check) the server has forgotten the statement."""
    location = LocationFactory()
    patient = PatientFactory(location=location, legal_last_name="Nash")
    assert [row.pk for row in NAMED_LIKE_N(location_id=location.pk)] == [patient.pk]
    connection.close()
    assert [row.pk for row in NAMED_LIKE_N(location_id=location.pk)] == [patient.pk]


def test_without_statements_on_the_server_the_sql_itself_is_sent(settings):
    settings.PREPARED_STATEMENTS_ON_SERVER = False
    location = LocationFactory()
    PatientFactory(location=location, legal_last_name="Nash")
    with CaptureQueriesContext(connection) as queries:
        assert len(NAMED_LIKE_N(location_id=location.pk)) == 1
    assert queries[0]["sql"].startswith("SELECT ") and "EXECUTE" not in queries[0]["sql"]


def test_every_prepared_query_of_the_app_prepares_and_runs_on_the_server():
    """Each value's type is PostgreSQL's reading of where it stands in the statement: a value it cannot place
    would fail at PREPARE. Every page's prepared query, run with stand-in values (nothing matches them)."""
    get_resolver().url_patterns  # noqa: B018 (imports every view, and with them every prepared query)
    queries = list(PreparedQuery.every)
    assert len(queries) >= 20
    for query in queries:
        query(**query.stand_ins())
        assert _statement(query._prepared["default"].statement.name) is not None, query.build.__qualname__


def test_a_prepared_read_goes_without_the_history_context_and_a_write_after_it_still_has_it():
    """pghistory prefixes each statement but a SELECT with the page's history context (two set_config calls):
    an EXECUTE is a read, and is sent alone; the changes after it are still recorded with their context."""
    import pghistory

    location = LocationFactory()
    with pghistory.context(url="/board/"), CaptureQueriesContext(connection) as queries:
        NAMED_LIKE_N(location_id=location.pk)
        location.name = "Renamed"
        location.save()
    read, write = queries[0]["sql"], queries[-1]["sql"]
    assert read.startswith("EXECUTE ") and "set_config" not in read
    assert write.startswith("SELECT set_config('pghistory.context_id'") and 'UPDATE "clinic_location"' in write


# --- PreparedAggregate: a count or an aggregate, prepared as the rows are -----------------------------------------

def _patients_of(*, location_id: int, born_after: datetime.date) -> QuerySet[Patient]:
    return Patient.objects.filter(location_id=location_id, date_of_birth__gt=born_after)


PATIENTS_COUNTED = PreparedAggregate(_patients_of, PreparedAggregate.COUNT, location_id=int, born_after=datetime.date)
PATIENTS_SUMMED = PreparedAggregate(_patients_of, {"n": Count("id"), "oldest": Min("date_of_birth")},
                                    location_id=int, born_after=datetime.date)


NAMES_COUNTED = PreparedAggregate(lambda **values: _patients_of(**values).values_list("legal_last_name"),
                                  PreparedAggregate.COUNT, location_id=int, born_after=datetime.date)


def test_a_prepared_count_and_aggregate_give_what_the_queryset_gives_for_every_value():
    north, south = LocationFactory(name="North"), LocationFactory(name="South")
    for place, year in [(north, 1960), (north, 1980), (north, 1990), (south, 1985)]:
        PatientFactory(location=place, date_of_birth=datetime.date(year, 1, 1))
    for values in ({"location_id": north.pk, "born_after": datetime.date(1970, 1, 1)},
                   {"location_id": north.pk, "born_after": datetime.date(1950, 1, 1)},
                   {"location_id": south.pk, "born_after": datetime.date(1980, 1, 1)},
                   {"location_id": south.pk, "born_after": datetime.date(2001, 1, 1)}):
        with CaptureQueriesContext(connection) as queries:
            counted = PATIENTS_COUNTED.count(**values)
        assert counted == _patients_of(**values).count()
        assert len(queries) == 1
        assert PATIENTS_SUMMED(**values) == _patients_of(**values).aggregate(n=Count("id"),
                                                                             oldest=Min("date_of_birth"))
        # A count of the rows a list reads as values (not read row by row: its one row is the count).
        assert NAMES_COUNTED.count(**values) == _patients_of(**values).values_list("legal_last_name").count()


def test_a_prepared_count_of_a_sliced_queryset_counts_what_django_counts():
    """Django counts a sliced queryset through a subquery: the prepared count is the SQL Django sends."""
    place = LocationFactory()
    for year in (1960, 1970, 1980):
        PatientFactory(location=place, date_of_birth=datetime.date(year, 1, 1))
    first_two = PreparedAggregate(lambda *, location_id: Patient.objects.filter(location_id=location_id)
                                  .order_by("date_of_birth")[:2], PreparedAggregate.COUNT, location_id=int)
    with CaptureQueriesContext(connection) as queries:  # its first call: prepared, then run
        assert first_two.count(location_id=place.pk) == 2
    assert len(queries) == 1  # the statement caught while preparing never ran, so it is not in the log
    assert "subquery" in queries[0]["sql"].lower()


def test_postgresql_keeps_the_aggregate_statement():
    place = LocationFactory()
    PatientFactory(location=place, date_of_birth=datetime.date(1990, 1, 1))
    values = {"location_id": place.pk, "born_after": datetime.date(1980, 1, 1)}
    PATIENTS_COUNTED.count(**values)
    with CaptureQueriesContext(connection) as queries:
        assert PATIENTS_COUNTED.count(**values) == 1
    name = PATIENTS_COUNTED._prepared["default"].statement.name
    assert queries[0]["sql"].startswith(f"EXECUTE {name}(")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        [(statement,)] = cursor.fetchall()
    assert "COUNT(*)" in statement and "$1" in statement and "$2" in statement, statement


def test_a_prepared_aggregate_whose_build_reads_the_database_is_refused():
    def reads(*, location_id):
        LocationFactory._meta.model.objects.count()
        return Patient.objects.filter(location_id=location_id)

    with pytest.raises(RuntimeError, match="read the database"):
        PreparedAggregate(reads, PreparedAggregate.COUNT, location_id=int).count(location_id=1)


def test_an_aggregate_django_converts_after_reading_or_an_always_empty_queryset_is_refused():
    """Its values come back as psycopg2 reads them: an average (Django makes it a float) is refused, as is a
    queryset Django answers without any SQL (nothing to prepare)."""
    average = PreparedAggregate(lambda *, location_id: Patient.objects.filter(location_id=location_id),
                                {"mean": Avg("id")}, location_id=int)
    with pytest.raises(ValueError, match="converts its value"):
        average(location_id=1)
    nothing = PreparedAggregate(lambda: Patient.objects.filter(pk__in=[]), PreparedAggregate.COUNT)
    with pytest.raises(ValueError, match="not one SELECT"):
        nothing.count()
    with pytest.raises(TypeError):
        PATIENTS_COUNTED.first(location_id=1, born_after=datetime.date(1980, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_a_prepared_aggregate_first_asked_on_a_new_connection_catches_its_own_statement():
    """A new connection reads its types first (django.contrib.postgres): that statement is not the aggregate."""
    place = LocationFactory()
    PatientFactory(location=place, date_of_birth=datetime.date(1990, 1, 1))
    from django.contrib.postgres.signals import get_citext_oids, get_hstore_oids

    counted = PreparedAggregate(lambda: Patient.objects.all(), PreparedAggregate.COUNT)
    connection.close()
    get_hstore_oids.cache_clear()  # as in a new process: the connection reads them again
    get_citext_oids.cache_clear()
    assert counted.count() == 1


@pytest.mark.parametrize("on_server", [True, False], ids=["kept by PostgreSQL", "sent whole"])
def test_a_statement_written_in_sql_runs_with_its_named_values_kept_by_postgresql_or_sent_whole(on_server, settings):
    """``Statement.of_values`` and ``statement_rows``: SQL no queryset says (the home page's counts, the access
    log's day heads), each ``%s`` a value named in order; kept by PostgreSQL as the prepared queries are."""
    from clinic.statements import Statement, statement_rows

    settings.PREPARED_STATEMENTS_ON_SERVER = on_server
    statement = Statement.of_values("SELECT %s::int + 1, %s::text || '!' WHERE %s::int > 0", "n", "word", "n")
    assert statement_rows(statement, n=2, word="hi") == [(3, "hi!")]
    assert statement_rows(statement, n=-1, word="hi") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [statement.name])
        assert cursor.fetchone()[0] == (1 if on_server else 0)


def _plans_used(query: PreparedQuery) -> tuple[int, int]:
    """(generic, custom): how many times PostgreSQL ran the statement with each kind of plan on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
                       [query._prepared["default"].statement.name])
        return cursor.fetchone()


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_generic_plan_statement_is_planned_once_for_any_values_and_the_setting_ends_with_it():
    """Issue 13: the board's and week's range of times kept PostgreSQL planning them anew on every EXECUTE, which
    took longer than running them. ``generic_plan`` asks for one plan for any values, in the EXECUTE's own message:
    the setting ends with it (the next statement is planned as before), and inside a transaction, where it would
    outlast the statement, it is not sent at all."""
    from django.db import transaction

    from clinic.statements import GENERIC_PLAN

    place = LocationFactory(name="North")
    for year in (1960, 1980, 1990):
        PatientFactory(location=place, date_of_birth=datetime.date(year, 1, 1))
    build = lambda *, location_id, born_after: Patient.objects.filter(  # noqa: E731
        location_id=location_id, date_of_birth__gt=born_after).order_by("id").values_list("date_of_birth", flat=True)
    generic = PreparedQuery(build, generic_plan=True, location_id=int, born_after=datetime.date)
    planned_each_time = PreparedQuery(build, location_id=int, born_after=datetime.date)
    for query in (generic, planned_each_time):
        for year in (1950, 1970, 1985):
            expected = list(build(location_id=place.pk, born_after=datetime.date(year, 1, 1)))
            with CaptureQueriesContext(connection) as sent:
                assert query(location_id=place.pk, born_after=datetime.date(year, 1, 1)) == expected
            assert sent[-1]["sql"].startswith(GENERIC_PLAN) == (query is generic)
            assert _plan_cache_mode() == "auto"  # nothing outlasts the statement
    assert _plans_used(generic) == (3, 0)
    assert _plans_used(planned_each_time) == (0, 3)  # PostgreSQL's own choice for its first five runs
    with transaction.atomic():
        with CaptureQueriesContext(connection) as sent:
            generic(location_id=place.pk, born_after=datetime.date(1950, 1, 1))
        assert not sent[-1]["sql"].startswith(GENERIC_PLAN)
        assert _plan_cache_mode() == "auto"

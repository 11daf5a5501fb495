"""PatientNameKey, the names on file once for the misspelt search (issue 13), kept by PostgreSQL's trigger
``patient_name_keys`` on ``patients_patient``: tried here with raw SQL, as a script or a bulk load writes."""

import threading
import time

import pytest
from django.db import connection

from patients.models import PatientNameKey
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _keys(part: str) -> set[str]:
    return set(PatientNameKey.objects.filter(part=part).values_list("key", flat=True))


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _installed(trigger: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s"
                       " AND tgrelid = 'patients_patient'::regclass", [f"pgtrigger_{trigger}_%"])
        return cursor.fetchone()[0] == 1


def test_trigger_patient_name_keys_adds_each_name_once_in_the_searchs_form_on_insert():
    assert _installed("patient_name_keys")
    location = LocationFactory()
    for first, last in (("Zoë", "Ñúñez"), ("Zoe", "Nunez"), ("Ana", "Nunez")):
        _sql("INSERT INTO patients_patient (public_id, legal_first_name, legal_last_name, preferred_name,"
             " date_of_birth, email, phone, location_id, created_at, updated_at) VALUES (gen_random_uuid(), %s, %s,"
             " '', '1980-01-01', '', '', %s, now(), now())", [first, last, location.pk])
    assert _keys("first") == {"ZOE", "ANA"} and _keys("last") == {"NUNEZ"}
    assert PatientNameKey.objects.count() == 3  # "Zoë" and "Zoe" are one name to the search


def test_trigger_patient_name_keys_drops_a_name_no_patient_has_any_more_and_keeps_a_shared_one():
    location = LocationFactory()
    alone = PatientFactory(location=location, legal_first_name="Una", legal_last_name="Solo")
    shared = PatientFactory(location=location, legal_first_name="Al", legal_last_name="Rivera")
    PatientFactory(location=location, legal_first_name="Bo", legal_last_name="Rivera")
    _sql("UPDATE patients_patient SET legal_last_name = 'Married' WHERE id = %s", [alone.pk])
    _sql("UPDATE patients_patient SET legal_last_name = 'Rivers' WHERE id = %s", [shared.pk])
    assert _keys("last") == {"MARRIED", "RIVERA", "RIVERS"}  # SOLO gone; RIVERA still Bo's
    assert _keys("first") == {"UNA", "AL", "BO"}  # a first name untouched by a change of last name
    _sql("UPDATE patients_patient SET preferred_name = 'U' WHERE id = %s", [alone.pk])  # no name changed
    assert _keys("last") == {"MARRIED", "RIVERA", "RIVERS"}


def test_the_names_already_on_file_are_the_tables_after_many_writes():
    """Whatever the writes, the table is exactly the distinct names of the patients on file."""
    location = LocationFactory()
    patients = [PatientFactory(location=location, legal_first_name=first, legal_last_name=last)
                for first, last in (("A", "X"), ("B", "X"), ("A", "Y"), ("C", "Z"))]
    _sql("UPDATE patients_patient SET legal_first_name = 'B', legal_last_name = 'Y' WHERE id = ANY(%s)",
         [[p.pk for p in patients[:2]]])
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT first_name_key FROM patients_patient")
        firsts = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT last_name_key FROM patients_patient")
        lasts = {row[0] for row in cursor.fetchall()}
    assert _keys("first") == firsts and _keys("last") == lasts


def _register_ned_shared(cursor, location) -> None:
    """A patient named Shared registered on ``cursor``'s connection, as a script would (not committed here)."""
    cursor.execute(
        "INSERT INTO patients_patient (public_id, legal_first_name, legal_last_name, preferred_name,"
        " date_of_birth, email, phone, location_id, created_at, updated_at) VALUES (gen_random_uuid(),"
        " 'Ned', 'Shared', '', '1980-01-01', '', '', %s, now(), now())", [location.pk])


@pytest.mark.django_db(transaction=True)
def test_trigger_patient_name_keys_never_drops_a_name_another_transaction_is_registering():
    """A rename away from the last patient's name waits for a registration of that name still under way (its
    lock), then finds the new patient and keeps the name: without the lock the rename would drop it, and the new
    patient would never be found by a misspelt search."""
    import psycopg2.errors

    location = LocationFactory()
    leaving = PatientFactory(location=location, legal_first_name="Una", legal_last_name="Shared")
    registering, renaming = (connection.get_new_connection(connection.get_connection_params()) for _ in range(2))
    try:
        with registering.cursor() as cursor:  # not committed yet
            _register_ned_shared(cursor, location)
        rename = "UPDATE patients_patient SET legal_last_name = 'Moved' WHERE id = %s"
        with renaming.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg2.errors.LockNotAvailable):
                cursor.execute(rename, [leaving.pk])
        renaming.rollback()
        registering.commit()
        with renaming.cursor() as cursor:
            cursor.execute(rename, [leaving.pk])
        renaming.commit()
    finally:
        registering.close()
        renaming.close()
    assert {"SHARED", "MOVED"} <= _keys("last")


class _Waiting(threading.Thread):
    """``work(connection)`` run and committed on its own connection in a thread, which the test expects to wait
    for a lock the test's connection holds; ``failed`` keeps what it raised, for the test to report."""

    def __init__(self, work):
        super().__init__()
        self.work, self.failed = work, []
        self.connection = connection.get_new_connection(connection.get_connection_params())

    def run(self):
        try:
            with self.connection.cursor() as cursor:
                self.work(cursor)
            self.connection.commit()
        except Exception as error:  # noqa: BLE001 (reported by the test)
            self.failed.append(error)

    def started_and_waiting_for(self, cursor, what: str) -> None:
        """Start, then return once PostgreSQL says it waits for ``cursor``'s connection (at most 10 s)."""
        self.start()
        cursor.execute("SELECT pg_backend_pid()")
        holder = cursor.fetchone()[0]
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [holder])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
        pytest.fail(f"{what} never waited")

    def finished(self) -> list:
        if self.ident is not None:  # started
            self.join(timeout=10)
        self.connection.close()
        return self.failed


@pytest.mark.django_db(transaction=True)
def test_trigger_patient_name_keys_looks_for_the_name_again_after_waiting_for_a_registration():
    """A rename that has to wait for a registration of its old name looks for that name again once the
    registration commits, and keeps it: had it looked before waiting (no lock taken first), it would drop a
    name that the new patient has."""
    location = LocationFactory()
    leaving = PatientFactory(location=location, legal_first_name="Una", legal_last_name="Shared")
    renamer = _Waiting(lambda cursor: cursor.execute(
        "UPDATE patients_patient SET legal_last_name = 'Moved' WHERE id = %s", [leaving.pk]))
    registering = connection.get_new_connection(connection.get_connection_params())
    try:
        with registering.cursor() as cursor:  # not committed yet
            _register_ned_shared(cursor, location)
            renamer.started_and_waiting_for(cursor, "the rename")
        registering.commit()
    finally:
        registering.close()
        failed = renamer.finished()
    assert not failed, failed
    assert {"SHARED", "MOVED"} <= _keys("last")


@pytest.mark.django_db(transaction=True)
def test_trigger_patient_name_keys_adds_a_name_again_when_a_rename_dropped_it_during_the_registration():
    """A registration finds its name on file (nothing to add) while a rename holds that name's row to drop it: it
    waits, and when the drop commits it adds the name again. Had it only taken its lock, the name would be gone
    and the new patient never found by a misspelt search. The rename's drop is played by hand here, so the
    registration is caught between its INSERT and its lock every time."""
    location = LocationFactory()
    PatientFactory(location=location, legal_first_name="Una", legal_last_name="Shared")
    registrar = _Waiting(lambda cursor: _register_ned_shared(cursor, location))
    dropping = connection.get_new_connection(connection.get_connection_params())
    try:
        with dropping.cursor() as cursor:  # as a rename's drop does: the name's row held alone, then deleted
            cursor.execute("SELECT 1 FROM patients_patientnamekey WHERE part = 'last' AND key = 'SHARED' FOR UPDATE")
            registrar.started_and_waiting_for(cursor, "the registration")
            cursor.execute("DELETE FROM patients_patientnamekey WHERE part = 'last' AND key = 'SHARED'")
        dropping.commit()
    finally:
        dropping.close()
        failed = registrar.finished()
    assert not failed, failed
    assert "SHARED" in _keys("last")


def test_the_name_keys_trigram_indexes_are_partial_by_part():
    """The misspelt search ranks each part's names from its own trigram index (patients/search.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'patients_patientnamekey'")
        indexes = dict(cursor.fetchall())
    for part in ("first", "last"):
        definition = indexes[f"patient_name_key_{part}_trgm"]
        assert "USING gin (key gin_trgm_ops)" in definition and f"'{part}'" in definition, definition


def test_trigger_patient_name_keys_registers_more_names_in_one_transaction_than_postgresqls_lock_table_holds():
    """An import of a clinic's patients is one transaction: the trigger holds no lock per name in PostgreSQL's
    shared lock table (``max_locks_per_transaction``), which a few thousand names would fill ("out of shared
    memory"); it holds its names' rows instead."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_locks_per_transaction')::int"
                       " * (current_setting('max_connections')::int"
                       " + current_setting('max_prepared_transactions')::int)")
        lock_table = cursor.fetchone()[0]
    # Three times as many distinct first names (and as many last names) as the table has slots: PostgreSQL
    # lends the table spare shared memory beyond its nominal size.
    names = 3 * lock_table
    location = LocationFactory()
    _sql("INSERT INTO patients_patient (public_id, legal_first_name, legal_last_name, preferred_name,"
         " date_of_birth, email, phone, location_id, created_at, updated_at) SELECT gen_random_uuid(),"
         " 'First' || n, 'Last' || n, '', '1980-01-01', '', '', %s, now(), now() FROM generate_series(1, %s) n",
         [location.pk, names])
    assert PatientNameKey.objects.filter(part="first").count() == names
    assert PatientNameKey.objects.filter(part="last").count() == names

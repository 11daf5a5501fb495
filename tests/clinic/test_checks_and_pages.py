import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from clinic.checks import check_time_zone_is_utc
from clinic.database import _explain_start_failure, database_settings


def test_utc_time_zone_passes_the_check():
    assert check_time_zone_is_utc(None) == []


@override_settings(TIME_ZONE="America/New_York")
def test_a_server_time_zone_other_than_utc_is_refused():
    errors = check_time_zone_is_utc(None)
    assert [e.id for e in errors] == ["clinic.E001"]


@override_settings(USE_TZ=False)
def test_naive_datetimes_are_refused():
    assert [e.id for e in check_time_zone_is_utc(None)] == ["clinic.E002"]


def test_database_url_wins_over_the_embedded_server(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic:secret@db.internal:5433/clinicdb")
    config = database_settings(base_dir=tmp_path, embedded=True)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "clinicdb")
    assert not (tmp_path / "var").exists()


def test_embedded_server_failure_explains_why_and_what_to_do(tmp_path):
    (tmp_path / "log").write_text("FATAL:  could not create lock file: Permission denied\n")
    message = _explain_start_failure(tmp_path, PermissionError("no"))
    assert "Permission denied" in message
    assert "DATABASE_URL" in message
    assert "What to do" in message


def test_embedded_server_that_cannot_start_raises_a_clear_error(monkeypatch, tmp_path):
    from clinic import database

    def broken(pgdata):
        raise OSError("disk full")

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(database, "_start_embedded_server", broken)
    with pytest.raises(ImproperlyConfigured, match="disk full"):
        database.database_settings(base_dir=tmp_path, embedded=True)


@pytest.mark.django_db
def test_unknown_page_gets_the_clinic_404(nurse_client):
    response = nurse_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_is_in_the_clinic_look_and_blames_no_one(client):
    from django.views.defaults import server_error

    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert "Nothing you typed was your fault" in response.content.decode()


@pytest.mark.django_db
def test_pages_forbid_inline_script_by_content_security_policy(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    from django.contrib.auth import get_user_model

    from patients.models import Patient

    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "manager@demo.clinic" in out
    assert get_user_model().objects.filter(email__endswith="@demo.clinic").count() == 5
    assert Patient.objects.count() == 7  # one per intake state (issue 3), a booked course, two session records
    from sessions.models import Appointment

    assert Appointment.objects.filter(patient__legal_last_name="Chen").count() == 6
    assert get_user_model().objects.get(email="nurse@demo.clinic").groups.filter(name="nurse").exists()


@pytest.mark.django_db
@override_settings(DEMO_DATA_ALLOWED=False)
def test_seed_demo_refuses_where_demo_data_is_switched_off():
    with pytest.raises(CommandError, match="switched off"):
        call_command("seed_demo")


def _production_settings_with(env_overrides: dict, shown: str = "settings.CLINIC_REQUIRE_2FA"
                              ) -> subprocess.CompletedProcess:
    unset = ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "CLINIC_ONCALL_EMAIL",
             "DB_PARALLEL_WORKERS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"DJANGO_SETTINGS_MODULE": "clinic.settings.production", **env_overrides})
    code = f"import django; django.setup(); from django.conf import settings; print({shown})"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_its_database_url_and_says_which_variable():
    result = _production_settings_with({})
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr


def test_production_refuses_to_start_without_the_site_url_for_patient_links():
    result = _production_settings_with({
        "DATABASE_URL": "postgres://u:p@db.invalid:5432/x", "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
    })
    assert result.returncode != 0
    assert "Set the SITE_URL environment variable" in result.stderr


def test_production_refuses_to_start_without_the_oncall_address_for_urgent_intakes():
    result = _production_settings_with({
        "DATABASE_URL": "postgres://u:p@db.invalid:5432/x", "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org", "SITE_URL": "https://clinic.example.org",
    })
    assert result.returncode != 0
    assert "Set the CLINIC_ONCALL_EMAIL environment variable" in result.stderr


def test_production_requires_two_step_sign_in_by_default():
    result = _production_settings_with({
        "DATABASE_URL": "postgres://u:p@db.invalid:5432/x", "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org", "SITE_URL": "https://clinic.example.org",
        "CLINIC_ONCALL_EMAIL": "oncall@clinic.example.org",
    })
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(("switch", "options"), [({}, "-c max_parallel_workers_per_gather=0"),
                                                 ({"DB_PARALLEL_WORKERS": "true"}, "")])
def test_production_plans_no_parallel_workers_unless_told_to_leave_it_to_postgresql(switch, options):
    result = _production_settings_with({
        "DATABASE_URL": "postgres://u:p@db.invalid:5432/x", "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org", "SITE_URL": "https://clinic.example.org",
        "CLINIC_ONCALL_EMAIL": "oncall@clinic.example.org", **switch,
    }, shown="settings.DATABASES['default'].get('OPTIONS', {}).get('options', '')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == options


@pytest.mark.django_db
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="only the embedded server is shared this way")
def test_a_second_process_shares_the_running_embedded_server():
    from django.db import connection

    query = "SELECT pg_postmaster_start_time()::text, current_setting('port')"
    with connection.cursor() as cursor:
        cursor.execute(query)
        ours = cursor.fetchone()
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        f"c.execute({query!r}); print('|'.join(c.fetchone()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings.dev"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "|".join(ours)


@pytest.mark.django_db
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="only the embedded server is shared this way")
def test_a_process_stopped_with_sigterm_lets_go_of_the_embedded_server():
    import json
    import signal
    import time
    from pathlib import Path

    from django.conf import settings

    handles = Path(settings.BASE_DIR) / "var" / "pgdata" / ".handle_pids.json"
    code = "import django, time; django.setup(); print('ready', flush=True); time.sleep(60)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings.dev"}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert child.pid in json.loads(handles.read_text())
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
    finally:
        child.kill()
    time.sleep(0.2)
    assert child.pid not in json.loads(handles.read_text())


def test_production_keeps_database_connections_open_and_checks_them_before_reuse():
    env = {"DATABASE_URL": "postgres://u:p@db.invalid:5432/x", "DJANGO_SECRET_KEY": "k" * 50,
           "DJANGO_ALLOWED_HOSTS": "clinic.example.org", "SITE_URL": "https://clinic.example.org",
           "CLINIC_ONCALL_EMAIL": "oncall@clinic.example.org", "DJANGO_SETTINGS_MODULE": "clinic.settings.production"}
    code = ("import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
            " print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["600", "True"], result.stderr


@pytest.mark.django_db
def test_the_apps_connection_plans_no_parallel_workers_even_where_postgresql_would_find_them_cheaper():
    """A page's query waits for no parallel worker to start (clinic.database NO_PARALLEL_WORKERS): at the bench's
    1,000,000 appointments the records-to-sign count took 0.9 ms alone and 2.6-3 ms with a worker (issue 13).
    With the workers' costs set to nothing PostgreSQL would plan one for any count; the app's connection does not."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        for setting in ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size"):
            cursor.execute(f"SET LOCAL {setting} = 0")
        cursor.execute("EXPLAIN SELECT count(*) FROM audit_accessevent")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Gather" not in plan, plan
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")  # what PostgreSQL does by default
        cursor.execute("EXPLAIN SELECT count(*) FROM audit_accessevent")
        assert "Gather" in "\n".join(row[0] for row in cursor.fetchall())


def test_a_database_url_keeps_its_own_connection_options_beside_the_apps(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic:secret@db.internal:5433/clinicdb"
                                       "?options=-c%20statement_timeout%3D5000&sslmode=require")
    options = database_settings(base_dir=tmp_path, embedded=True)["OPTIONS"]
    assert options["sslmode"] == "require"
    assert options["options"].split() == ["-c", "statement_timeout=5000", "-c", "max_parallel_workers_per_gather=0"]


def test_parallel_workers_can_be_left_to_postgresql_for_a_pooler_that_refuses_connection_options(monkeypatch,
                                                                                              tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic:secret@pooler.internal:6432/clinicdb")
    settings = database_settings(base_dir=tmp_path, embedded=False, parallel_workers=True)
    assert "options" not in settings.get("OPTIONS", {})

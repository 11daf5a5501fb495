"""A bench database per size, never the dev data: ``clinic_bench_<size>`` beside ``clinic`` on the embedded
PostgreSQL (DESIGN.md §7).

Made once and kept (a large load takes minutes): migrated as the owner, ``seed_demo`` for the staff and the
demo's complete records, bench/world.py for the bench's locations and user, then bench/bulk.py's COPY load with
every constraint and trigger on, ``VACUUM ANALYZE`` and a ``CHECKPOINT``. A marker table holds the manifest
(ids the pages need); ``--reseed`` or a new ``SEED_VERSION`` makes it afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

from bench.bulk import bulk_load
from bench.sizes import Size

ROOT = Path(__file__).resolve().parent.parent
SEED_VERSION = 7  # raise when bulk.py or world.py change what they make
MARKER = "bench_seed"


class Server:
    """The embedded PostgreSQL, started (or joined) for as long as this process lives."""

    def __init__(self):
        from clinic.database import embedded_database_settings

        settings = embedded_database_settings(pgdata=ROOT / "var" / "pgdata")
        self.host, self.port = settings["HOST"], str(settings["PORT"])

    def url(self, role: str, dbname: str) -> str:
        return f"postgres://{role}@{quote(self.host, safe='')}:{self.port}/{dbname}"

    def connect(self, dbname: str, role: str = "postgres"):
        return psycopg2.connect(dbname=dbname, user=role, host=self.host, port=self.port)

    def env(self, dbname: str, settings: str = "clinic.settings.dev") -> dict:
        """The environment of a Django process on the bench database: the app's role, the owner for
        migrations."""
        from clinic.database import APP_ROLE, OWNER_ROLE

        return {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "DATABASE_URL": self.url(APP_ROLE, dbname),
                "MIGRATE_DATABASE_URL": self.url(OWNER_ROLE, dbname)}


def database_name(size: Size) -> str:
    return f"clinic_bench_{size.name}"


def ensure_seeded(server: Server, size: Size, *, reseed: bool = False, say=print) -> dict:
    """The manifest of the bench database at ``size``, loading it first if it is missing or stale."""
    dbname = database_name(size)
    manifest = None if reseed else _manifest_read(server, dbname)
    if manifest is not None:
        say(f"{dbname}: seeded {manifest['seeded_at']} ({_counts(manifest)}); --reseed to load it again")
        # Migrations added since (an index, a rule) are applied to the loaded data, as in a clinic's upgrade.
        run_checked([sys.executable, "manage.py", "migrate", "--noinput"], server.env(dbname))
        _person_placed(server, dbname, manifest)
        return manifest
    started = time.monotonic()
    _database_create(server, dbname)
    env = server.env(dbname)
    say(f"{dbname}: migrating")
    run_checked([sys.executable, "manage.py", "migrate", "--noinput"], env)
    run_checked([sys.executable, "manage.py", "seed_demo"], env)
    world = json.loads(run_checked([sys.executable, "-m", "bench.world", str(size.locations)], env))
    say(f"{dbname}: loading {size.appointments:,} appointments, {size.patients:,} patients, "
        f"{size.vitals:,} vitals and {size.access_events:,} access events with COPY")
    from clinic.database import OWNER_ROLE

    now = dt.datetime.now(dt.UTC)
    conn = server.connect(dbname, OWNER_ROLE)
    try:
        with conn, conn.cursor() as cursor:
            loaded = bulk_load(cursor, world=world, size=size, now=now)
    finally:
        conn.close()
    _maintain(server, dbname)
    manifest = {"size": size.name, "seed_version": SEED_VERSION, "seeded_at": now.isoformat(timespec="seconds"),
                "load_seconds": round(time.monotonic() - started), "user": world["user"],
                "location": world["locations"][0]["public_id"], "record_public_id": world["record_public_id"],
                **loaded.__dict__}
    _manifest_write(server, dbname, manifest)
    _person_placed(server, dbname, manifest)
    say(f"{dbname}: loaded in {manifest['load_seconds']} s ({_counts(manifest)})")
    return manifest


def _person_placed(server: Server, dbname: str, manifest: dict) -> None:
    """The bench's person works at the location the bench measures (its board, its week), as staff do at one
    site: their home page shows its arrivals and chairs, and every location's census (README, Where you work)."""
    conn = server.connect(dbname)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET works_at_id = (SELECT id FROM clinic_location"
                           " WHERE public_id = %s) WHERE id = %s", [manifest["location"], manifest["user"]["id"]])
    finally:
        conn.close()


def _counts(manifest: dict) -> str:
    return ", ".join(f"{value:,} {name}" for name, value in manifest["counts"].items())


def run_checked(command: list[str], env: dict) -> str:
    """Run one of the bench's commands (manage.py, bench's own modules) from the project's root; its output,
    or the end of what it said when it failed."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _database_create(server: Server, dbname: str) -> None:
    from clinic.database import OWNER_ROLE

    conn = server.connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(dbname),
                                                                         sql.Identifier(OWNER_ROLE)))
    finally:
        conn.close()


def _maintain(server: Server, dbname: str) -> None:
    """Statistics for the planner and the load's dirty pages written out, as a server would have them."""
    conn = server.connect(dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    finally:
        conn.close()


def _manifest_read(server: Server, dbname: str) -> dict | None:
    try:
        conn = server.connect(dbname)
    except psycopg2.OperationalError:  # no such database yet
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT manifest FROM {MARKER}")  # noqa: S608 (a constant)
            row = cursor.fetchone()
    finally:
        conn.close()
    manifest = row[0] if row else None
    return manifest if manifest and manifest.get("seed_version") == SEED_VERSION else None


def _manifest_write(server: Server, dbname: str, manifest: dict) -> None:
    from clinic.database import OWNER_ROLE

    conn = server.connect(dbname, OWNER_ROLE)  # the owner's, as every table: migrate grants on all of them
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {MARKER} (manifest jsonb NOT NULL)")
            cursor.execute(f"INSERT INTO {MARKER} VALUES (%s)", [json.dumps(manifest)])  # noqa: S608
    finally:
        conn.close()

"""clinic/database.py and the settings modules: which PostgreSQL a process uses, and the embedded server's life.

The embedded-server tests run each process in a subprocess on a data folder of their own (tmp), so that they
never stop the server the rest of the suite uses. Waits are bounded and generous: the machine may be busy.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the embedded server only")

# A process that starts Django on an embedded server in the data folder given as argv[1] and holds it.
HOLDER = """
import sys, time
from pathlib import Path
import django
from django.conf import settings
from clinic.database import embedded_database_settings
settings.configure(DATABASES={"default": embedded_database_settings(pgdata=Path(sys.argv[1]))}, USE_TZ=True)
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
print("ready", flush=True)
time.sleep(120)
"""


def _server_pid(pgdata: Path) -> int | None:
    """The running postmaster of this data folder, if any."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return pid if psutil.pid_exists(pid) else None


def _wait_until(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return child.pid


@pytest.fixture(scope="module")
def pgdata(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded") / "pgdata"
    yield folder
    pid = _server_pid(folder)
    if pid is not None:  # a failed test may leave it running: never leave a server behind
        psutil.Process(pid).terminate()


def _start_holder(pgdata: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(pgdata)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    line = child.stdout.readline().strip()  # blocks until ready or the child dies (then it reads "")
    if line != "ready":
        child.kill()
        pytest.fail(f"the embedded server did not start in {pgdata}: {line!r}")
    return child


def test_sigterm_to_the_last_process_stops_the_embedded_server_even_with_a_killed_process_on_the_list(pgdata):
    """`make run` stopped with kill or an editor's stop button: the runserver child was killed by its parent and
    is still listed; the parent, the last live process, stops the server as it exits."""
    holder = _start_holder(pgdata)
    try:
        assert _server_pid(pgdata) is not None
        handles = pgdata / ".handle_pids.json"
        handles.write_text(json.dumps([*json.loads(handles.read_text()), _dead_pid()]))
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
    finally:
        holder.kill()
    assert _wait_until(lambda: _server_pid(pgdata) is None, seconds=60), "the embedded server is still running"


def test_a_stale_handle_left_by_a_killed_process_is_dropped_at_the_next_start(pgdata):
    pgdata.mkdir(parents=True, exist_ok=True)
    handles = pgdata / ".handle_pids.json"
    dead = _dead_pid()
    handles.write_text(json.dumps([dead]))
    holder = _start_holder(pgdata)
    try:
        assert json.loads(handles.read_text()) == [holder.pid]
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
    finally:
        holder.kill()
    assert _wait_until(lambda: _server_pid(pgdata) is None, seconds=60), "the embedded server is still running"


def test_importing_the_production_settings_without_database_url_refuses_before_starting_any_server():
    code = (
        "import os, clinic.database as database\n"
        "def started(*args, **kwargs):\n"
        "    print('STARTED', flush=True); os._exit(97)\n"
        "database._start_embedded_server = started\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n"
        "    import clinic.settings.production\n"
        "except ImproperlyConfigured as exc:\n"
        "    print('REFUSED', exc)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert "STARTED" not in result.stdout
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("REFUSED Set the DATABASE_URL environment variable"), result.stdout

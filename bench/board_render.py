"""Where the day board's and the week view's time goes: the view, its SQL, its template.

Not a test: it reports figures. Inside a transaction that is rolled back at the end (nothing is kept) it
makes a location with 8 chairs, 40 appointments on a Monday (5 a chair, in the statuses of a working day at
12:30, one cancelled) and 40 a day on the other weekdays of that week, signs a nurse in (she sees the
clinical buttons too) and, with the clock frozen at 12:30 that Monday, asks for each page N times through
Django's test client, taking turns with the same pages on an empty day and week two weeks on ("-0"): what
the cards cost is the difference. For each request it measures:

- view: the handler's ``_get_response`` (URL resolution, the view and its template; not the middleware);
- SQL: every query's execution (``connection.execute_wrapper``), and how many;
- template: the page's render (the top-level ``Template.render``, includes and tags inside it), and the
  part of it spent in SQL (a lazy query run by the template counts in both);
- the view and the template also in CPU time of this process (``time.process_time``), which other work on
  the machine disturbs less than wall time;

and prints medians, and the ratio template/SQL (median of each request's ratio).

    .venv/bin/python bench/board_render.py                  # 60 requests a page
    .venv/bin/python bench/board_render.py --runs 200
    .venv/bin/python bench/board_render.py --profile board   # cProfile of the day board, hottest first
    .venv/bin/python bench/board_render.py --pyinstrument week  # pip install pyinstrument (not a requirement)
    .venv/bin/python bench/board_render.py --save /tmp/before  # the HTML of each page, to diff before/after

Uses the development database (``manage.py migrate`` first). Every row it makes has a fixed public id and
name, and the CSRF tokens are blanked in the saved HTML, so two runs render the same bytes for the same code.
Ratios and medians, not single timings, are the result: the machine is shared and noisy.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import re
import statistics
import sys
import time
import uuid
import warnings
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no template debug bookkeeping, no query log
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
# Static URLs without the manifest (collectstatic is not run in development), as the test settings do.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # a sign-in per run is not news
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: collectstatic not run in dev

import time_machine  # noqa: E402
from django.core.handlers.base import BaseHandler  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.backends.django import Template as BackendTemplate  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from clinic.models import Location  # noqa: E402
from patients.models import Patient  # noqa: E402
from sessions.models import Appointment, Chair  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.sessions.helpers import ProtocolFactory, local  # noqa: E402

CHAIRS, PER_CHAIR = 8, 5
S = Appointment.Status
# Monday's cards by start hour, at 12:30: the morning sessions under way (and overrunning), the afternoon to come.
MONDAY = {8: S.COMPLETED, 10: S.RECOVERING, 12: S.IN_SESSION, 14: S.CONFIRMED, 16: S.BOOKED}
NAMESPACE = uuid.UUID("6f1c0c1e-0b6a-4d5e-9a57-6b6f61726421")


def fixed_id(kind: str, n: int = 0) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}-{n}")


class Rollback(Exception):
    pass


def fill(monday: date):
    location = Location.objects.create(name="Bench board site", time_zone="America/New_York",
                                       public_id=fixed_id("location"))
    chairs = [Chair.objects.create(location=location, name=f"Chair {i + 1}", position=i, public_id=fixed_id("chair", i))
              for i in range(CHAIRS)]
    protocol = ProtocolFactory()
    desk = UserFactory(email="bench.desk@clinic.test", full_name="Bench Desk", role="front_desk",
                       public_id=fixed_id("desk"))
    nurses = [UserFactory(email=f"bench.nurse{i}@clinic.test", full_name=f"Nurse {i + 1}", credentials="RN",
                          role="nurse", public_id=fixed_id("nurse", i)) for i in range(CHAIRS // 4)]
    n = 0
    for offset in range(5):
        day = monday + timedelta(days=offset)
        for c, chair in enumerate(chairs):
            for hour in sorted(MONDAY):
                status = MONDAY[hour] if offset == 0 else (S.BOOKED if n % 2 else S.CONFIRMED)
                if offset == 0 and c == CHAIRS - 1 and hour == 16:
                    status = S.CANCELLED  # one released card on the board
                patient = Patient.objects.create(
                    legal_first_name=f"Pat{n}", legal_last_name=f"Bench{n}", date_of_birth=date(1985, 6, 15),
                    email=f"pat{n}@bench.test", phone="+1 555 0142", location=location,
                    public_id=fixed_id("patient", n))
                start = local(location, day, hour)
                Appointment.objects.create(
                    patient=patient, protocol=protocol, location=location, chair=chair, nurse=nurses[c // 4],
                    nurse_slot=c % 4 + 1, start=start, end=start + timedelta(minutes=100),
                    blocked_until=start + timedelta(minutes=115), booked_by=desk, status=status,
                    escort_confirmed_at=start - timedelta(days=1) if n % 3 == 0 else None,
                    public_id=fixed_id("appointment", n))
                n += 1
    return location, nurses[0]


class Meter:
    """Times of one request: the view, SQL (all, and inside the template), the template. The view and the
    template also in CPU time of this process, which a busy machine disturbs less than wall time."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.view = self.view_cpu = self.sql = self.template = self.template_cpu = self.template_sql = 0.0
        self.queries = 0
        self.rendering = 0

    def sample(self) -> dict:
        return {"view": self.view, "view_cpu": self.view_cpu, "sql": self.sql, "queries": self.queries,
                "template": self.template, "template_cpu": self.template_cpu, "template_sql": self.template_sql}

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            self.queries += 1
            if self.rendering:
                self.template_sql += spent


METER = Meter()
_render, _get_response = BackendTemplate.render, BaseHandler._get_response


def _timed_render(self, context=None, request=None):
    if METER.rendering:  # an include or the error page inside the page: counted in the page
        return _render(self, context, request)
    METER.rendering += 1
    started, cpu = time.perf_counter(), time.process_time()
    try:
        return _render(self, context, request)
    finally:
        METER.template += time.perf_counter() - started
        METER.template_cpu += time.process_time() - cpu
        METER.rendering -= 1


def _timed_get_response(self, request):
    started, cpu = time.perf_counter(), time.process_time()
    try:
        return _get_response(self, request)
    finally:
        METER.view += time.perf_counter() - started
        METER.view_cpu += time.process_time() - cpu


BackendTemplate.render = _timed_render
BaseHandler._get_response = _timed_get_response  # before any Client: its handler binds the method


def measure(pages: dict, runs: int) -> dict[str, dict]:
    """Medians per page; the pages take turns, so that a busy moment of the machine falls on all of them."""
    for get in pages.values():
        for _ in range(5):
            get()  # warm the template cache, the session, the content types
    samples: dict[str, list[dict]] = {name: [] for name in pages}
    for _ in range(runs):
        for name, get in pages.items():
            METER.reset()
            response = get()
            assert response.status_code == 200, response.status_code
            samples[name].append(METER.sample())
    figures = {}
    for name, rows in samples.items():
        figures[name] = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
        figures[name]["ratio"] = statistics.median(row["template"] / row["sql"] for row in rows if row["sql"])
    return figures


HEADER = (f"{'page':<8} {'view':>7} {'CPU':>6} {'SQL':>6} {'n':>3} {'template':>9} {'CPU':>6} {'SQL in':>6} "
          f"{'tpl/SQL':>8}")


def report(name: str, figures: dict) -> None:
    ms = {key: value * 1000 for key, value in figures.items() if key not in ("queries", "ratio")}
    print(f"{name:<8} {ms['view']:>7.1f} {ms['view_cpu']:>6.1f} {ms['sql']:>6.1f} {figures['queries']:>3.0f} "
          f"{ms['template']:>9.1f} {ms['template_cpu']:>6.1f} {ms['template_sql']:>6.1f} {figures['ratio']:>7.1f}x")


def normalised(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--profile", choices=["board", "week", "board-0", "week-0"])
    parser.add_argument("--pyinstrument", choices=["board", "week", "board-0", "week-0"])
    parser.add_argument("--save", type=Path, help="write board.html and week.html here")
    args = parser.parse_args()
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    try:
        with transaction.atomic(), connection.execute_wrapper(METER.execute):
            location, nurse = fill(monday)
            with time_machine.travel(local(location, monday, 12, 30), tick=False):
                client = Client()
                client.force_login(nurse)
                url = {name: reverse(f"schedule:{name}") for name in ("board", "week")}
                # The same pages on an empty day and week (two weeks on): what the cards add is the difference.
                pages = {f"{name}{suffix}": (lambda u=url[name], d=day: client.get(
                    u, {"location": str(location.public_id), "day": d.isoformat()}))
                    for suffix, day in (("", monday), ("-0", monday + timedelta(days=14))) for name in url}
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    for name in url:
                        response = pages[name]()
                        assert response.status_code == 200
                        (args.save / f"{name}.html").write_text(normalised(response.content.decode()))
                    print(f"Saved {', '.join(url)} to {args.save}")
                if args.profile:
                    profile(pages[args.profile], args.runs)
                elif args.pyinstrument:
                    profile_pyinstrument(pages[args.pyinstrument], args.runs)
                else:
                    cards = pages["board"]().content.decode().count('class="board-card status')
                    appointments = Appointment.objects.filter(location=location).count()
                    print(f"{CHAIRS} chairs; day board: {cards} cards on the grid, week: {appointments} appointments; "
                          f"-0: the same page with none. Medians of {args.runs} requests, ms:")
                    print(HEADER)
                    figures = measure(pages, args.runs)
                    for name in sorted(figures):
                        report(name, figures[name])
                    for name, count in (("board", cards), ("week", appointments)):
                        extra = {key: (figures[name][key] - figures[f"{name}-0"][key]) * 1000
                                 for key in ("view", "view_cpu", "template", "template_cpu")}
                        print(f"{count} cards of the {name} add: template +{extra['template']:.1f} ms "
                              f"(CPU +{extra['template_cpu']:.1f}, "
                              f"{extra['template_cpu'] * 1000 / count:.0f} µs a card), "
                              f"view +{extra['view']:.1f} ms (CPU +{extra['view_cpu']:.1f})")
            raise Rollback
    except Rollback:
        pass


def profile(get, runs: int) -> None:
    for _ in range(5):
        get()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)
    print(out.getvalue())


def profile_pyinstrument(get, runs: int) -> None:
    from pyinstrument import Profiler  # not in the requirements: pip install pyinstrument

    for _ in range(5):
        get()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(runs):
        get()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(profiler.output_text(unicode=True, color=False, flat=True)[:6000])  # the functions, by own time


if __name__ == "__main__":
    main()

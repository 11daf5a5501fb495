"""Each page's time in-process and its queries, with Django's test client (no HTTP, no other clients), and
where that time goes: the SQL (every query's execution) and the template (the page's render, SQL it runs
lazily included); the rest is Python: middleware, view, selectors.

Run by bench/run.py as ``python -m bench.inprocess MANIFEST_JSON RUNS`` under bench/settings.py on the bench
database; prints JSON ``{page name: {"samples": [ms, ...], "sql": [ms, ...], "template": [ms, ...],
"queries": n, "status": code}}``. bench/run.py takes turns between the sizes and reads the median of every
sample: the result is read as a ratio (large ÷ small), never as a number of milliseconds.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager


class Split:
    """Milliseconds spent in SQL and in the top-level template render during one request."""

    def __init__(self):
        self.sql = self.template = 0.0
        self._depth = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += (time.perf_counter() - started) * 1000

    def render(self, render):
        """``render`` (a template backend's) timed, once per page: an included render counts in its page's."""
        def timed(template, *args, **kwargs):
            self._depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.template += (time.perf_counter() - started) * 1000
        return timed

    def reset(self):
        self.sql = self.template = 0.0


@contextmanager
def split_watched(split: Split):
    from django.db import connection
    from django.template.backends import django as backend

    render = backend.Template.render
    backend.Template.render = split.render(render)
    try:
        with connection.execute_wrapper(split.execute):
            yield
    finally:
        backend.Template.render = render


def measure(manifest: dict, runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import bench_pages

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=manifest["user"]["id"]))
    results = {}
    split = Split()
    for page in bench_pages(manifest):
        path = searched(client, page)
        for _ in range(3):  # warm: templates compiled, caches filled
            client.get(path)
        samples, sql, template = [], [], []
        with split_watched(split):
            for _ in range(runs):
                split.reset()
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                sql.append(split.sql)
                template.append(split.template)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results[page.name] = {"samples": samples, "sql": sql, "template": template, "queries": len(queries),
                              "status": response.status_code}
    return results


def searched(client, page) -> str:
    """The results page of the page's search (posted once), or the page's own path."""
    if page.search is None:
        return page.path
    response = client.post(page.path, {"q": page.search})
    return response["Location"] if response.status_code == 302 else page.path


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(measure(json.loads(sys.argv[1]), int(sys.argv[2])), sys.stdout)

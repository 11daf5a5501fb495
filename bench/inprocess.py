"""Each page's time in-process and its queries, with Django's test client (no HTTP, no other clients), and
where that time goes: the SQL (every query's execution) and the template (the page's render, SQL it runs
lazily included); the rest is Python: middleware, view, selectors.

Run by bench/run.py as ``python -m bench.inprocess MANIFEST_JSON`` under bench/settings.py on the bench
database, one process a size, kept while the bench measures: each line it reads names a page and a number of
runs, each line it writes is JSON ``{"samples": [ms, ...], "sql": [ms, ...], "template": [ms, ...],
"queries": n, "status": code}``. bench/run.py takes turns between the sizes page by page and reads the median
of every sample: the result is read as a ratio (large ÷ small), never as a number of milliseconds.
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


class PageTimer:
    """One size's pages, each timed on request, in one process kept for the whole measurement: the parent asks
    for a batch of one page at one size, then the same page at the other size, so that the two are timed within
    a second of each other and the machine's load at one moment falls on both alike."""

    def __init__(self, manifest: dict):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from bench.pages import bench_pages

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(get_user_model().objects.get(pk=manifest["user"]["id"]))
        self.pages = {page.name: page for page in bench_pages(manifest)}
        self.paths: dict[str, str] = {}
        self.split = Split()

    def measure(self, name: str, runs: int) -> dict:
        """``runs`` samples of the page ``name``; the first time, its search posted and the page warmed."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        path = self.paths.get(name)
        if path is None:
            path = self.paths[name] = searched(self.client, self.pages[name])
            for _ in range(3):  # warm: templates compiled, caches filled, statements prepared
                self.client.get(path)
        samples, sql, template = [], [], []
        with split_watched(self.split):
            for _ in range(runs):
                self.split.reset()
                started = time.perf_counter()
                response = self.client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                sql.append(self.split.sql)
                template.append(self.split.template)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(path)
        return {"samples": samples, "sql": sql, "template": template, "queries": len(queries),
                "status": response.status_code}


def serve(manifest: dict, requests, answers) -> None:
    """Answer each request line (JSON ``{"page": name, "runs": n}``) with one line of JSON, until the input ends."""
    timer = PageTimer(manifest)
    for line in requests:
        request = json.loads(line)
        answers.write(json.dumps(timer.measure(request["page"], request["runs"])) + "\n")
        answers.flush()


def searched(client, page) -> str:
    """The results page of the page's search (posted once), or the page's own path."""
    if page.search is None:
        return page.path
    response = client.post(page.path, {"q": page.search})
    return response["Location"] if response.status_code == 302 else page.path


if __name__ == "__main__":
    import django

    django.setup()
    serve(json.loads(sys.argv[1]), sys.stdin, sys.stdout)

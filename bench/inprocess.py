"""Each page's time in-process and its queries, with Django's test client (no HTTP, no other clients).

Run by bench/run.py as ``python -m bench.inprocess MANIFEST_JSON RUNS`` under bench/settings.py on the bench
database; prints JSON ``{page name: {"samples": [ms, ...], "queries": n, "status": code}}``. bench/run.py takes
turns between the sizes and reads the median of every sample: the result is read as a ratio (large ÷ small),
never as a number of milliseconds.
"""

from __future__ import annotations

import json
import sys
import time


def measure(manifest: dict, runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import bench_pages

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=manifest["user"]["id"]))
    results = {}
    for page in bench_pages(manifest):
        path = searched(client, page)
        for _ in range(3):  # warm: templates compiled, caches filled
            client.get(path)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results[page.name] = {"samples": [sample * 1000 for sample in samples], "queries": len(queries),
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

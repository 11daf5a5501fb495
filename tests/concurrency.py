"""Running jobs at the same moment from several threads, each with its own database connection."""

import threading

from django.db import connection


def race(jobs) -> list:
    """Start every job at once (a barrier) and return each one's result or the exception it raised, in order.
    Each thread closes its own connection, so the test database can be flushed afterwards."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results

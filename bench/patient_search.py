"""How much the trigram indexes help patient search on a large clinic.

Not a test: it reports figures. It fills the database with N synthetic patients inside a transaction
that is rolled back at the end (nothing is kept), then times each search with the indexes and with
index scans switched off and with them forced, and prints ratios against the plan PostgreSQL chose
(a "no index" ratio well above 1 means the indexes pay; a "forced" ratio well below 1 means the planner
passed up an index that would have been faster).

    .venv/bin/python bench/patient_search.py            # 50,000 patients
    .venv/bin/python bench/patient_search.py 200000

Ratios, not seconds, are the result: the machine is shared and noisy.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from clinic.models import Location  # noqa: E402
from patients.models import Patient  # noqa: E402
from patients.selectors import patients_search  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ne", "sa", "to", "ru", "vi", "da", "be", "go", "ha", "ji", "fe", "po", "qu",
             "ze", "wa", "ly", "xo", "ch", "st", "an", "el", "or", "um"]
# A few real names among many made-up ones, as in a real registry: searches look for these.
PLANTED = [("Alex", "Rivera"), ("Alex", "Okafor"), ("Jordan", "Lee"), ("Zoë", "Ñúñez-O'Brien")]
QUERIES = {"partial name": "rivera", "misspelt name": "Rivra", "first and last": "alex okafor",
           "date of birth": "1985-04-12", "phone": "4567"}


class Rollback(Exception):
    pass


def fill(count: int) -> None:
    rng = random.Random(42)  # noqa: S311 (made-up test data, not secrets)
    location = Location.objects.create(name="Bench site", time_zone="America/New_York")
    def name(parts: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    names = [(name(2), name(3)) for _ in range(count - len(PLANTED))] + PLANTED
    batch = [
        Patient(legal_first_name=first, legal_last_name=last,
                date_of_birth=f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                phone=f"+1 {rng.randint(200, 999)} {rng.randint(0, 9999999):07d}", location=location)
        for first, last in names
    ]
    Patient.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient")


def timed(query: str, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        list(patients_search(query=query)[:25])
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def timed_with(query: str, planner_settings: str) -> float:
    """Time a search under other planner settings, then put the defaults back."""
    with connection.cursor() as cursor:
        cursor.execute(planner_settings)
    try:
        return timed(query)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_seqscan")


def uses_index(query: str) -> bool:
    sql, params = patients_search(query=query)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The search indexes are all named patient_*: the trigram ones and the date-of-birth one.
    return "Seq Scan on patients_patient" not in plan and ("Index Scan on patient_" in plan or "using patient_" in plan)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    try:
        with transaction.atomic():
            fill(count)
            print(f"{count} patients. Median of 7 runs. Ratios against the plan PostgreSQL chose:")
            print(f"{'search':<16} {'chosen (ms)':>11} {'index chosen':>13} {'no index':>9} {'index forced':>13}")
            for label, query in QUERIES.items():
                chosen, used = timed(query), uses_index(query)
                no_index = timed_with(query, "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
                forced = timed_with(query, "SET LOCAL enable_seqscan = off")
                print(f"{label:<16} {chosen * 1000:>11.1f} {'yes' if used else 'no':>13} {no_index / chosen:>8.1f}x "
                      f"{forced / chosen:>12.2f}x")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

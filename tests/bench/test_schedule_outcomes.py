"""The bench's schedule misses sessions as a clinic does at every size (bench/bulk.py): 1 in 20 cancelled and 1 in
20 a no-show at each location, spread over its chairs. Large ÷ small compares one location's day board at both
sizes, so the board measured must hold the same mix of cards at both (issue 13)."""

import datetime as dt
import random
from collections import Counter

from bench.bulk import _appointments_copy, _Patient
from bench.sizes import CHAIRS_PER_LOCATION, SLOTS_PER_DAY, Size


class _CopiedRows:
    """A cursor that keeps the rows COPY is given, as dicts of the columns its statement names."""

    def __init__(self):
        self.rows: list[dict] = []

    def copy_expert(self, sql, stream):
        columns = [name.strip().strip('"') for name in sql[sql.index("(") + 1:sql.index(")")].split(",")]
        lines = b""
        while chunk := stream.read():
            lines += chunk
        self.rows += [dict(zip(columns, line.split("\t"), strict=True)) for line in lines.decode().splitlines()]

    def execute(self, sql):
        assert sql.startswith("ANALYZE")


def _world(locations: int) -> dict:
    return {"user": {"id": 1}, "iv_protocol_id": 1, "locations": [
        {"id": place, "time_zone": "America/New_York",
         "chairs": [place * 100 + chair for chair in range(CHAIRS_PER_LOCATION)],
         "nurses": [place * 10, place * 10 + 1]} for place in range(1, locations + 1)]}


def _schedule(locations: int) -> list[dict]:
    weekdays = 60
    size = Size("test", patients=50_000, appointments=weekdays * locations * CHAIRS_PER_LOCATION * SLOTS_PER_DAY,
                access_events=0, vitals=0, locations=locations)
    patients = [_Patient(number, "p", "Name", "1980-01-01") for number in range(size.patients)]
    cursor = _CopiedRows()
    _appointments_copy(cursor, rng=random.Random(1), world=_world(locations), size=size, patients=patients, first_id=1,
                       now=dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC))
    return [row for row in cursor.rows if row["status"] in ("completed", "cancelled", "no_show")]


def test_every_location_of_a_large_schedule_misses_1_in_20_and_1_in_20_spread_over_its_chairs():
    past = _schedule(locations=10)  # the large size's 10 locations: 80 appointments a slot
    for place in range(1, 11):
        at_place = [row for row in past if row["location_id"] == str(place)]
        outcomes = Counter(row["status"] for row in at_place)
        assert 0.04 <= outcomes["cancelled"] / len(at_place) <= 0.06, (place, outcomes)
        assert 0.04 <= outcomes["no_show"] / len(at_place) <= 0.06, (place, outcomes)
        for chair in {row["chair_id"] for row in at_place}:
            in_chair = [row for row in at_place if row["chair_id"] == chair]
            missed = sum(row["status"] != "completed" for row in in_chair)
            assert missed / len(in_chair) <= 0.2, (place, chair, missed, len(in_chair))


def test_a_location_s_day_holds_the_same_mix_of_outcomes_at_one_location_and_at_ten():
    def most_missed_in_a_day(past):
        missed = Counter(row["start"][:10] for row in past
                         if row["location_id"] == "1" and row["status"] != "completed")
        return max(missed.values())

    assert most_missed_in_a_day(_schedule(locations=1)) <= 4
    assert most_missed_in_a_day(_schedule(locations=10)) <= 4

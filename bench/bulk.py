"""The bench's bulk load: patients, intakes, appointments, session records with their vitals and access events,
streamed into PostgreSQL with COPY, every constraint and trigger on (issue 13).

Plain DB-API: ``bulk_load(cursor, world, size, now)`` takes a psycopg2 cursor (or Django's wrapper of one)
connected as the tables' owner, the ids that bench/world.py made, a size from bench/sizes.py and the moment the
schedule is laid around. Rows get explicit ids after the highest one in each table; the identity sequences are
moved past them at the end. Everything is made up from a seeded random generator: the same size gives the same
data.

The schedule: every bench location, every weekday, 8 chairs with 5 IV slots; appointments before ``now`` are
completed (1 in 20 cancelled, 1 in 20 a no-show), the slot running at ``now`` is in session, later ones are
booked or confirmed, up to 20 weekdays ahead. Patients take turns in order, so that one patient's sessions are
weeks apart (the minimum interval, CLINICAL.md §1, is checked by its trigger as the rows go in). Every completed
session has a record with its vitals (signed, but for the last two weekdays', which wait for a signature); the demo's
records (seed_demo) stay the ones with dose orders, discharges and ledger lines.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bench.sizes import CHAIRS_PER_LOCATION, SLOTS_PER_DAY, Size

SLOT_MINUTES = 115
DOSING_MINUTES, OBSERVATION_MINUTES, TURNOVER_MINUTES = 40, 60, 15
FUTURE_WEEKDAYS = 20
SYLLABLES = ["ka", "lo", "mi", "ne", "sa", "to", "ru", "vi", "da", "be", "go", "ha", "ji", "fe", "po", "qu",
             "ze", "wa", "ly", "xo", "ch", "st", "an", "el", "or", "um"]
DEMO_ANSWERS_SQL = "SELECT answers, screening FROM patients_intake WHERE status = 'approved' ORDER BY id LIMIT 1"


@dataclass
class Loaded:
    """What the load made that the bench's pages need."""

    board_day: str  # the weekday whose board is measured (the location's wall date)
    patient_public_id: str  # a patient with sessions behind and ahead of them
    patient_last_name: str
    patient_date_of_birth: str
    counts: dict


def bulk_load(cursor, *, world: dict, size: Size, now: dt.datetime) -> Loaded:
    rng = random.Random(f"bench-{size.name}")  # noqa: S311 (made-up data, not secrets)
    # Foreign keys checked row by row, as the rows go in: deferred to the commit, millions of queued checks
    # make every history trigger's sub-transaction slower than the last (hours, at the large size).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ids = _IdStart(cursor)
    patients = _patients_copy(cursor, rng=rng, world=world, size=size, first_id=ids.next("patients_patient"))
    _intakes_copy(cursor, rng=rng, patients=patients, first_id=ids.next("patients_intake"))
    completed, board_day = _appointments_copy(cursor, rng=rng, world=world, size=size, now=now, patients=patients,
                                              first_id=ids.next("clinic_sessions_appointment"))
    records = _records_copy(cursor, rng=rng, completed=completed,
                            first_id=ids.next("clinic_sessions_sessionrecord"))
    vitals = _vitals_copy(cursor, rng=rng, records=records, size=size,
                          first_id=ids.next("clinic_sessions_vitalsign"))
    if records:  # the last two weekdays' records (and today's) wait for a signature
        _records_sign(cursor, first_id=records[0][0], before=_weekdays_back(now, 2))
    _access_events_copy(cursor, rng=rng, world=world, size=size, now=now, patients=patients)
    ids.restart_sequences()
    chosen = patients[len(patients) // 2]
    return Loaded(board_day=board_day.isoformat(), patient_public_id=chosen.public_id,
                  patient_last_name=chosen.last_name, patient_date_of_birth=chosen.date_of_birth,
                  counts={"patients": len(patients), "appointments": completed.total, "records": len(records),
                          "vitals": vitals, "access events": size.access_events})


class _IdStart:
    """Explicit ids after each table's highest, and the identity sequences moved past them afterwards."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.tables: list[str] = []

    def next(self, table: str) -> int:
        self.cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608 (our table names)
        self.tables.append(table)
        return self.cursor.fetchone()[0]

    def restart_sequences(self) -> None:
        for table in self.tables:
            self.cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                f"(SELECT max(id) FROM {table}))")


# --- COPY plumbing -------------------------------------------------------------------------------------------

def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


class _RowStream:
    """A file-like object that COPY reads: rows turned into lines as it asks for them."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows: Iterator[tuple] = iter(rows)
        self.buffer = b""

    def read(self, size: int = 65536) -> bytes:
        while len(self.buffer) < size:
            chunk = [("\t".join(_text(v) for v in row) + "\n") for row in _take(self.rows, 2000)]
            if not chunk:
                break
            self.buffer += "".join(chunk).encode()
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    readline = read


def _take(rows: Iterator[tuple], count: int) -> list[tuple]:
    out = []
    for row in rows:
        out.append(row)
        if len(out) == count:
            break
    return out


def _copy(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", _RowStream(rows))
    # Fresh statistics at once: the triggers of the next tables look rows up in this one, and a plan made
    # while it was nearly empty would scan it whole for every row (hours, at the large size).
    cursor.execute(f"ANALYZE {table}")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- the tables ----------------------------------------------------------------------------------------------

@dataclass
class _Patient:
    id: int
    public_id: str
    last_name: str
    date_of_birth: str


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _patients_copy(cursor, *, rng, world, size: Size, first_id: int) -> list[_Patient]:
    created = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    patients, rows = [], []
    for index in range(size.patients):
        pid, first, last = first_id + index, _name(rng, 2), _name(rng, 3)
        born = dt.date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        location = world["locations"][index % len(world["locations"])]["id"]
        patient = _Patient(pid, _uuid(rng), last, born)
        patients.append(patient)
        rows.append((pid, patient.public_id, first, last, "", born, "", f"+1555{rng.randint(0, 9999999):07d}",
                     created, created, None, location))
    _copy(cursor, "patients_patient", ["id", "public_id", "legal_first_name", "legal_last_name", "preferred_name",
                                       "date_of_birth", "email", "phone", "created_at", "updated_at",
                                       "created_by_id", "location_id"], rows)
    return patients


# A clinic's intakes: the newest few are still someone's work (invited, in progress, waiting for a prescriber,
# needing information; one in a hundred with an urgent flag open, CLINICAL.md §3); everything older was decided
# long ago. The queue of open work follows the clinic's intake rate, not its history: the same newest
# ``OPEN_INTAKES`` at every size (more than a page of the queue), so that small and large compare like with like.
_OPEN_INTAKE_STATUS = ["approved"] * 80 + ["declined"] * 7 + ["submitted"] * 5 + ["needs_info"] * 3 \
    + ["in_progress"] * 3 + ["invited"] * 2
OPEN_INTAKES = 60


def _intake_status(index: int, count: int) -> str:
    if index >= count - OPEN_INTAKES:
        return _OPEN_INTAKE_STATUS[index % 100]
    return "declined" if index % 12 == 0 else "approved"


def _intakes_copy(cursor, *, rng, patients: list[_Patient], first_id: int) -> None:
    cursor.execute(DEMO_ANSWERS_SQL)
    found = cursor.fetchone()
    answers, screening = (json.dumps(found[0]), json.dumps(found[1])) if found else ("{}", "{}")
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)

    def rows():
        for index, patient in enumerate(patients):
            status = _intake_status(index, len(patients))
            created = start + dt.timedelta(minutes=index * 37)
            submitted = created + dt.timedelta(days=2) if status not in ("invited", "in_progress") else None
            urgent = submitted if status == "submitted" and index % 100 == 88 else None  # a flag still open
            yield (first_id + index, _uuid(rng), status, submitted or created,
                   answers if submitted else "{}", "{}", screening if submitted else "{}", submitted, urgent,
                   json.dumps(["PHQ-9 item 9 answered above zero"]) if urgent else "[]", None, created,
                   submitted or created, None, patient.id, None, urgent)

    _copy(cursor, "patients_intake", ["id", "public_id", "status", "status_changed_at", "answers", "drafts",
                                      "screening", "submitted_at", "urgent_at", "urgent_reasons",
                                      "urgent_acknowledged_at", "created_at", "updated_at", "created_by_id",
                                      "patient_id", "urgent_acknowledged_by_id", "urgent_notified_at"], rows())


class _Completed(list):
    """(appointment id, start, nurse id) of every completed session; ``total`` counts every appointment."""

    total = 0


def _weekdays(board_day: dt.date, count: int) -> list[dt.date]:
    days, day = [], board_day
    future, ahead = 0, min(FUTURE_WEEKDAYS, count // 4)  # most of a small schedule is behind the board day
    while future < ahead:  # walk forward first to find the last day
        day += dt.timedelta(days=1)
        future += day.weekday() < 5
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _board_day(now: dt.datetime, time_zone: str) -> dt.date:
    """Today at the first bench location, or the last weekday before it at a weekend."""
    day = now.astimezone(ZoneInfo(time_zone)).date()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


# The measured patient (the middle one, bulk_load's ``chosen``) has the same history at every size, as many
# appointments as a patient has at the small size: at a larger size they joined the clinic later, and their
# earlier turns went to the patient half the registry away, whose own turns are weeks apart from those (the
# minimum interval holds). Their page and appointment list then compare like with like across sizes.
MEASURED_PATIENT_APPOINTMENTS = 10


def _patient_index(number: int, count: int, total: int) -> int:
    index, measured = number % count, count // 2
    if index == measured:
        turns = (total - measured + count - 1) // count  # how many of the ``total`` appointments fall to them
        if number // count < turns - MEASURED_PATIENT_APPOINTMENTS:
            return (index + count // 2) % count
    return index


def _appointments_copy(cursor, *, rng, world, size: Size, now, patients, first_id: int):
    places = world["locations"][: size.locations]
    board_day = _board_day(now, places[0]["time_zone"])
    user, protocol = world["user"]["id"], world["iv_protocol_id"]
    completed = _Completed()
    total = size.weekdays * len(places) * SLOTS_PER_DAY * CHAIRS_PER_LOCATION

    def rows():
        number = 0
        for day_index, day in enumerate(_weekdays(board_day, size.weekdays)):
            for slot in range(SLOTS_PER_DAY):
                for place in places:
                    zone = ZoneInfo(place["time_zone"])
                    start = dt.datetime.combine(day, dt.time(8, 0), zone) + dt.timedelta(minutes=slot * SLOT_MINUTES)
                    start = start.astimezone(dt.UTC)
                    end = start + dt.timedelta(minutes=DOSING_MINUTES + OBSERVATION_MINUTES)
                    for chair_index, chair in enumerate(place["chairs"][:CHAIRS_PER_LOCATION]):
                        nurse = place["nurses"][chair_index // 4]
                        at_place = (day_index * SLOTS_PER_DAY + slot) * CHAIRS_PER_LOCATION + chair_index
                        status, changed = _status(at_place, number // len(patients), start, end, now)
                        appointment_id = first_id + number
                        if status == "completed":
                            completed.append((appointment_id, start, nurse))
                        yield (appointment_id, _uuid(rng), chair_index % 4 + 1, start, end,
                               end + dt.timedelta(minutes=TURNOVER_MINUTES), status,
                               "Patient unwell" if status == "cancelled" else "", False, changed,
                               start - dt.timedelta(days=14), "", "", None, None, user, place["id"], nurse,
                               patients[_patient_index(number, len(patients), total)].id, None,
                               nurse if changed else None, chair, None, protocol)
                        number += 1
        completed.total = number

    _copy(cursor, "clinic_sessions_appointment", [
        "id", "public_id", "nurse_slot", "start", '"end"', "blocked_until", "status", "cancel_reason",
        "late_cancel", "status_changed_at", "booked_at", "escort_name", "escort_phone", "escort_confirmed_at",
        "fasting_acknowledged_at", "booked_by_id", "location_id", "nurse_id", "patient_id", "rescheduled_from_id",
        "status_changed_by_id", "chair_id", "course_id", "protocol_id"], rows())
    return completed, board_day


def _status(at_place: int, visit: int, start, end, now) -> tuple[str, dt.datetime | None]:
    """``at_place``: the appointment's number among its location's, so that the 1-in-20 draws fall alike at every
    location and size, turning over its chairs slot by slot (numbered across all locations, the large size's
    80 appointments a slot gave two chairs of some locations every cancellation and no-show for months, and
    none to the others: the board measured showed 30 cards where the small size's showed 36). ``visit``: how
    many times the patient came before. Mixed into the draws so that each patient has some sessions cancelled
    or missed among many completed (a patient count divisible by 20 would otherwise give one patient the same
    fate every time)."""
    if end <= now:
        return {0: "cancelled", 1: "no_show"}.get((at_place + visit) % 20, "completed"), end
    if start <= now:
        return "in_session", start
    return ("confirmed" if at_place % 3 == 0 else "booked"), None


def _records_copy(cursor, *, rng, completed: _Completed, first_id: int) -> list[tuple]:
    cursor.execute("SELECT thresholds FROM clinic_sessions_sessionrecord ORDER BY id LIMIT 1")
    found = cursor.fetchone()
    thresholds = json.dumps(found[0] if found else {})
    records = [(first_id + index, start, nurse) for index, (_, start, nurse) in enumerate(completed)]
    rows = ((record_id, _uuid(rng), start, thresholds, None, "", appointment_id, nurse, None)
            for (record_id, start, nurse), (appointment_id, _, _) in zip(records, completed, strict=True))
    _copy(cursor, "clinic_sessions_sessionrecord", ["id", "public_id", "opened_at", "thresholds", "signed_at",
                                                    "signed_with", "appointment_id", "opened_by_id",
                                                    "signed_by_id"], rows)
    return records


def _vitals_copy(cursor, *, rng, records: list[tuple], size: Size, first_id: int) -> int:
    if not records:
        return 0
    per_record = max(1, round(size.vitals / len(records)))
    step = (DOSING_MINUTES + OBSERVATION_MINUTES) / per_record

    def rows():
        vital_id = first_id
        for record_id, start, nurse in records:
            for index in range(per_record):
                minutes = index * step
                phase = "baseline" if index == 0 else ("dosing" if minutes <= DOSING_MINUTES else "recovery")
                taken = start + dt.timedelta(minutes=minutes)
                systolic = rng.randint(105, 150)
                yield (vital_id, _uuid(rng), taken, taken, phase, systolic, systolic - rng.randint(30, 50),
                       rng.randint(58, 100), rng.randint(94, 100), rng.randint(12, 18), 5 if index == 0 else 4,
                       "none" if index == 0 else "mild", "", "[]", nurse, record_id)
                vital_id += 1

    _copy(cursor, "clinic_sessions_vitalsign", ["id", "public_id", "created_at", "taken_at", "phase", "systolic",
                                                "diastolic", "heart_rate", "spo2", "respiratory_rate", "moaas",
                                                "dissociation", "note", "flags", "created_by_id", "record_id"],
          rows())
    return per_record * len(records)


def _weekdays_back(now: dt.datetime, weekdays: int) -> dt.datetime:
    """Noon UTC (before any bench location opens) of the ``weekdays``-th weekday before ``now``'s day: the same
    backlog of records to sign whatever the day the bench is seeded (four days back gave two weekdays' records on a
    Monday, three on a Thursday: the records-to-sign count measured 649 rows one day, 1,080 another)."""
    day = now.date()
    while weekdays:
        day -= dt.timedelta(days=1)
        weekdays -= day.weekday() < 5
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _records_sign(cursor, *, first_id: int, before: dt.datetime) -> None:
    """Sign the records opened before ``before`` (their vitals are in: the lock only refuses later rows)."""
    cursor.execute("UPDATE clinic_sessions_sessionrecord SET signed_at = opened_at + interval '2 hours', "
                   "signed_by_id = opened_by_id, signed_with = 'password' WHERE id >= %s AND opened_at < %s",
                   [first_id, before])


def _access_events_copy(cursor, *, rng, world, size: Size, now, patients) -> None:
    """Staff opening patients' pages, oldest first (the hash chain's trigger links each to the one before)."""
    first = now - dt.timedelta(days=size.weekdays * 7 // 5)
    spacing = (now - first) / max(1, size.access_events)
    actors = [world["user"]["id"]] + [nurse for place in world["locations"] for nurse in place["nurses"]]

    def rows():
        for index in range(size.access_events):
            patient = patients[rng.randrange(len(patients))]
            yield (_uuid(rng), first + spacing * index, "Bench staff", patient.public_id, "patient",
                   patient.public_id, "view", "127.0.0.1", "bench", actors[index % len(actors)], "", "",
                   "{" + patient.public_id + "}")

    _copy(cursor, "audit_accessevent", ["public_id", "occurred_at", "actor_label", "patient_id", "object_type",
                                        "object_id", "action", "ip_address", "user_agent", "actor_id", "hash",
                                        "prev_hash", "patient_ids"], rows())

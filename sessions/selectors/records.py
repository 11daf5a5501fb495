"""Reads for the session record: the page in a fixed number of queries, vitals due, the signature queue."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet

from clinic.paging import FirstPageCounted
from clinic.prepared import PreparedAggregate, PreparedQuery
from sessions.models import (
    Addendum,
    Administration,
    AdministrationChange,
    AdverseEvent,
    Appointment,
    Discharge,
    DoseOrder,
    EnteredInError,
    EsketamineDevice,
    Intervention,
    PreDoseCheck,
    SessionHoldEvent,
    SessionRecord,
    VitalSign,
)


def record_hold_state(record: SessionRecord) -> SessionHoldEvent | None:
    """The latest hold event, or None: held while it is a hold, released by a go, ended by a stop. The one order
    of a record's hold events (time, then id for events written at the same moment) every reader goes by."""
    return SessionHoldEvent.objects.filter(record=record).order_by("-created_at", "-id").first()


def patient_height_and_sex(*, patient) -> tuple[Decimal | None, str | None]:
    """Height (cm) and sex from the patient's latest intake with its "about you" step filled in (CLINICAL.md §1:
    ideal and adjusted weight need both; the Devine formula defines male and female only). ``(None, None)``
    when they are not on file there."""
    for answers in patient.intakes.order_by("-created_at").values_list("answers", flat=True):
        about = (answers or {}).get("about")
        if about:
            if about.get("height_cm") and about.get("sex") in ("male", "female"):
                return Decimal(str(about["height_cm"])), about["sex"]
            break
    return None, None


_RECORD_RELATED = ("appointment__patient", "appointment__protocol", "appointment__location", "appointment__chair",
                   "signed_by")
# Each record page (and each step saved on it) reads the record first: prepared once, with and without the nurse
# (clinic.prepared, issue 13).
_RECORD_GET = {with_nurse: PreparedQuery(
    lambda *, public_id, with_nurse=with_nurse: SessionRecord.objects.select_related(
        *_RECORD_RELATED, *(["appointment__nurse"] if with_nurse else [])).filter(public_id=public_id)[:1],
    public_id=uuid.UUID) for with_nurse in (False, True)}


def record_get(*, public_id: uuid.UUID, with_nurse: bool = False) -> SessionRecord:
    """The record with what its pages show of the appointment. The appointment's nurse only where a page names
    them (the print view): PostgreSQL plans each join of this read anew, ~1 ms for the seven tables."""
    record = _RECORD_GET[with_nurse].first(public_id=public_id)
    if record is None:
        raise SessionRecord.DoesNotExist("No such record.")
    return record


@dataclass
class RecordPage:
    record: SessionRecord
    check: PreDoseCheck | None
    holds: list[SessionHoldEvent]
    order: DoseOrder | None
    administration: Administration | None
    changes: list[AdministrationChange]
    devices: list[EsketamineDevice]
    vitals: list[VitalSign]
    events: list[AdverseEvent]
    discharge: Discharge | None
    addenda: list[Addendum]
    errors: dict = field(default_factory=dict)  # public_id -> EnteredInError
    now: datetime | None = None

    @property
    def route(self) -> str:
        return self.record.appointment.protocol.route

    @property
    def on_hold(self) -> bool:
        return bool(self.holds) and self.holds[-1].kind == "hold"

    @property
    def stopped(self) -> bool:
        return bool(self.holds) and self.holds[-1].kind == "stop"

    @property
    def dosing_started_at(self) -> datetime | None:
        if self.administration is not None:
            return self.administration.started_at
        return self.devices[0].given_at if self.devices else None

    @property
    def elapsed_minutes(self) -> int | None:
        start = self.dosing_started_at
        return int((self.now - start).total_seconds() // 60) if start and self.now >= start else None

    @property
    def flags(self) -> list[str]:
        return [f for v in self.vitals if str(v.public_id) not in self.errors for f in v.flags
                if not f.endswith("recheck") and "recheck in" not in f]

    @property
    def next_vitals_due(self) -> datetime | None:
        return vitals_due(self)

    @property
    def vitals_overdue(self) -> bool:
        due = self.next_vitals_due
        return due is not None and self.now > due

    @property
    def devices_planned(self) -> int:
        return int(self.order.dose_mg // 28) if self.order is not None and self.route == "intranasal" else 0


def vitals_due(page: RecordPage) -> datetime | None:
    """When the next reading is due (CLINICAL.md §4): IV every 10 min during the infusion, every 15 in recovery;
    esketamine at ~40 min after the first device and before discharge. None before dosing and after discharge."""
    if page.discharge is not None or page.record.is_signed:
        return None
    t = page.record.thresholds
    valid = [v for v in page.vitals if str(v.public_id) not in page.errors]
    start = page.dosing_started_at
    if start is None:
        return None
    if page.route == "intranasal":
        at_40 = start + timedelta(minutes=t.get("esketamine_vitals_at_minutes", 40))
        if not any(v.taken_at >= at_40 - timedelta(minutes=10) for v in valid):
            return at_40
        return None  # next: before discharge
    running = page.administration is not None and page.administration.stopped_at is None
    interval = timedelta(minutes=t["vitals_dosing_minutes"] if running else t["vitals_recovery_minutes"])
    # Counted from the last reading since dosing began (a baseline taken before the start does not count).
    since = max([v.taken_at for v in valid if v.taken_at >= start and v.phase != "baseline"], default=start)
    return since + interval


def record_page(*, record: SessionRecord, now: datetime) -> RecordPage:
    """Everything the record page shows, in one query per table that holds rows of the record (one probe says
    which): the count does not grow with the rows."""
    held = _tables_with_rows(record.pk)

    def rows(model) -> list:
        return _RECORD_ROWS[model](record_id=record.pk) if model in held else []

    def row(model):
        return _RECORD_ROWS[model].first(record_id=record.pk) if model in held else None

    errors = {str(e.target_public_id): e for e in rows(EnteredInError)}
    page = RecordPage(
        record=record, check=row(PreDoseCheck), holds=rows(SessionHoldEvent), order=row(DoseOrder),
        administration=row(Administration), changes=rows(AdministrationChange), devices=rows(EsketamineDevice),
        vitals=rows(VitalSign), events=rows(AdverseEvent), discharge=row(Discharge), addenda=rows(Addendum),
        errors=errors, now=now,
    )
    for item in [*page.vitals, *page.events, *page.devices]:
        item.error = errors.get(str(item.public_id))  # struck through on the page, with the reason
    return page


RECORD_TABLES = (EnteredInError, PreDoseCheck, SessionHoldEvent, DoseOrder, Administration, AdministrationChange,
                 EsketamineDevice, VitalSign, AdverseEvent, Discharge, Addendum)
# What the page reads of each table, with what it shows of the rows; a table of one row a record (the check, the
# order, the administration, the discharge) gives its first, as ``first()`` would (its order, else the id).
_RECORD_ROW_READS = {
    EnteredInError: lambda rows: rows,
    PreDoseCheck: lambda rows: rows.select_related("created_by"),
    SessionHoldEvent: lambda rows: rows.select_related("created_by"),
    DoseOrder: lambda rows: rows.select_related("cap_override_by", "created_by"),
    Administration: lambda rows: rows.select_related("nurse_signed_by"),
    AdministrationChange: lambda rows: rows,
    EsketamineDevice: lambda rows: rows,
    VitalSign: lambda rows: rows,
    AdverseEvent: lambda rows: rows.prefetch_related(
        Prefetch("interventions", queryset=Intervention.objects.order_by("given_at"))),
    Discharge: lambda rows: rows.select_related("created_by"),
    Addendum: lambda rows: rows.select_related("created_by"),
}
_ONE_A_RECORD = (PreDoseCheck, DoseOrder, Administration, Discharge)


def _record_rows_query(model, read) -> PreparedQuery:
    def build(*, record_id):
        rows = read(model.objects.filter(record_id=record_id))
        if model in _ONE_A_RECORD:
            return (rows if rows.ordered else rows.order_by("pk"))[:1]
        return rows

    return PreparedQuery(build, record_id=int)


# Prepared once (clinic.prepared, issue 13): a record page reads up to eleven tables.
_RECORD_ROWS = {model: _record_rows_query(model, read) for model, read in _RECORD_ROW_READS.items()}


@functools.cache
def _rows_probe_sql() -> str:
    return " UNION ALL ".join(
        f'SELECT {number} WHERE EXISTS (SELECT 1 FROM "{model._meta.db_table}" WHERE record_id = %s)'  # noqa: S608
        for number, model in enumerate(RECORD_TABLES))


def _tables_with_rows(record_id: int) -> set:
    """Which of the record's tables hold any of its rows, in one query of index probes. A record in progress, or
    an IV record (no devices), leaves several empty, and each read costs a round trip and Django's compiling of
    the query (issue 13)."""
    with connection.cursor() as cursor:
        cursor.execute(_rows_probe_sql(), [record_id] * len(RECORD_TABLES))
        return {RECORD_TABLES[number] for (number,) in cursor.fetchall()}


def chart_data(page: RecordPage) -> dict:
    """The vitals chart's data, for ``json_script`` (times as ISO strings; thresholds as lines)."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(page.record.appointment.location.time_zone)
    t = page.record.thresholds
    rows = [v for v in page.vitals if str(v.public_id) not in page.errors]
    start = page.dosing_started_at
    end = (page.administration.stopped_at if page.administration else None) or (
        page.devices[-1].given_at if page.devices else None)
    dosing = [i for i, v in enumerate(rows) if start and v.taken_at >= start and (end is None or v.taken_at <= end)]
    return {
        "labels": [v.taken_at.astimezone(zone).strftime("%H:%M") for v in rows],
        "dosing_from": dosing[0] if dosing else None, "dosing_to": dosing[-1] if dosing else None,
        "systolic": [v.systolic for v in rows], "diastolic": [v.diastolic for v in rows],
        "heart_rate": [v.heart_rate for v in rows], "spo2": [v.spo2 for v in rows],
        "lines": {"systolic": t.get("bp_twice", [180, 110])[0], "diastolic": t.get("bp_twice", [180, 110])[1],
                  "spo2": t.get("spo2_below", 92), "heart_rate": t.get("hr_above", 120)},
    }


def records_awaiting_signature() -> QuerySet[SessionRecord]:
    """Discharged (or stopped) records not yet signed, oldest first: a discharge completes the appointment, a
    prescriber's stop ends it as not given (``record_sign`` signs either)."""
    return (SessionRecord.objects.filter(signed_at__isnull=True,
                                         appointment__status__in=(Appointment.Status.COMPLETED,
                                                                  Appointment.Status.NOT_GIVEN))
            .select_related("appointment__patient", "appointment__protocol", "appointment__location")
            # Only what the queue shows: a record's thresholds and a patient's registry entry are most of a row.
            .only("public_id", "opened_at", "appointment__start", "appointment__status",
                  "appointment__patient__public_id",
                  "appointment__patient__legal_first_name", "appointment__patient__legal_last_name",
                  "appointment__protocol__name", "appointment__location__time_zone")
            .order_by("opened_at", "pk"))  # a total order: the queue is paged


# A prescriber's queue: one page at a time, oldest first (they pile up when a prescriber is away). Its first
# page, the one nearly always shown, and one more record say whether there is more than a page; only then are
# they counted, apart, joining the appointment alone. Counted in the page's own query (a window), every record
# waiting was joined with its patient, protocol and location first: at the bench's ten locations' backlog (649
# records) 2.3 ms, where the page (0.4 ms) and the count (0.9 ms) now take 1.3 (issue 13).
RECORDS_TO_SIGN_PAGE = 50
_RECORDS_TO_SIGN_FIRST_PAGE = PreparedQuery(lambda: records_awaiting_signature()[:RECORDS_TO_SIGN_PAGE + 1])
_RECORDS_TO_SIGN_COUNT = PreparedAggregate(records_awaiting_signature, PreparedAggregate.COUNT)


def records_to_sign() -> FirstPageCounted:
    """``records_awaiting_signature`` as the queue pages them: the first page, and their number."""
    first_page = _RECORDS_TO_SIGN_FIRST_PAGE()
    total = len(first_page)
    if total > RECORDS_TO_SIGN_PAGE:  # more than a page: counted, at least the rows read (one signed meanwhile)
        total = max(_RECORDS_TO_SIGN_COUNT.count(), total)
    return FirstPageCounted(records_awaiting_signature, RECORDS_TO_SIGN_PAGE,
                            first_page=first_page[:RECORDS_TO_SIGN_PAGE], total=total)


def signature_overdue_after() -> timedelta:
    return timedelta(hours=settings.SESSION_SIGNATURE_OVERDUE_HOURS)

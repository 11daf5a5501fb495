"""The vitals flowsheet and adverse events (CLINICAL.md §4)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sessions.models import Administration, AdverseEvent, EsketamineDevice, Intervention, SessionRecord, VitalSign

from .checks import _locked, _not_past_or_future
from .errors import RecordRefused, refused_by_database
from .thresholds import vital_flags

# CLINICAL.md §4 "Common rescue drugs", offered first in the intervention form.
RESCUE_DRUGS = ["ondansetron", "clonidine", "labetalol", "midazolam", "lorazepam"]


def _phase(record, at: datetime) -> str:
    administration = Administration.objects.filter(record=record).first()
    if administration is not None:
        if administration.stopped_at is None or at <= administration.stopped_at:
            return "dosing" if at >= administration.started_at else "baseline"
        return "recovery"
    first = EsketamineDevice.objects.filter(record=record).order_by("given_at").first()
    return "baseline" if first is None or at < first.given_at else "recovery"


@transaction.atomic
def vital_sign_record(*, record: SessionRecord, by, taken_at: datetime, systolic: int, diastolic: int,
                      heart_rate: int, spo2: int, respiratory_rate: int | None = None, moaas: int | None = None,
                      dissociation: str = "", note: str = "", now: datetime | None = None) -> VitalSign:
    """One reading; its flags are worked out at once with the thresholds stored on the record."""
    now = now or timezone.now()
    record = _locked(record)
    _not_past_or_future(taken_at, now, "The reading's time")
    if taken_at < record.opened_at - timezone.timedelta(minutes=30):
        raise RecordRefused("That time is before the session began.")
    reading = VitalSign(record=record, created_by=by, created_at=now, taken_at=taken_at,
                        phase=_phase(record, taken_at), systolic=systolic, diastolic=diastolic,
                        heart_rate=heart_rate, spo2=spo2, respiratory_rate=respiratory_rate, moaas=moaas,
                        dissociation=dissociation, note=note.strip())
    earlier = list(VitalSign.objects.filter(record=record, taken_at__lt=taken_at).order_by("taken_at", "id"))
    reading.flags = vital_flags(reading, earlier, record.thresholds)
    with refused_by_database():
        reading.save()
    return reading


@transaction.atomic
def adverse_event_record(*, record: SessionRecord, by, kind: str, severity: str, occurred_at: datetime,
                         description: str = "", outcome: str = "", drug: str = "", dose: str = "", route: str = "",
                         given_at: datetime | None = None, now: datetime | None = None) -> AdverseEvent:
    """An adverse event, with the drug given for it (if any) in the same save."""
    now = now or timezone.now()
    record = _locked(record)
    _not_past_or_future(occurred_at, now, "The event's time")
    if drug.strip() and not dose.strip():
        raise RecordRefused("Give the dose of the drug given.")
    if given_at is not None:
        _not_past_or_future(given_at, now, "The time the drug was given")
        if given_at < occurred_at:
            raise RecordRefused("The drug cannot be given before the event began.")
    with refused_by_database():
        event = AdverseEvent.objects.create(record=record, created_by=by, created_at=now, kind=kind,
                                            severity=severity, occurred_at=occurred_at,
                                            description=description.strip(), outcome=outcome.strip())
        if drug.strip():
            Intervention.objects.create(record=record, created_by=by, created_at=now, event=event,
                                        drug=drug.strip(), dose=dose.strip(), route=route.strip() or "IV",
                                        given_at=given_at or occurred_at)
    return event

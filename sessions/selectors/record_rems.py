"""What the session record tells the Spravato REMS monitoring form (sessions/rems.py ``record_values``).

Entries marked entered in error are left out. The ~40-minute blood pressure is the reading nearest 40 minutes
after the first device within 30-50 minutes (CLINICAL.md §1: esketamine BP before dosing, ~40 min, discharge)."""

from __future__ import annotations

from datetime import timedelta

from sessions.models import (
    Administration,
    AdverseEvent,
    Discharge,
    EnteredInError,
    EsketamineDevice,
    HoldKind,
    SessionRecord,
    VitalSign,
)
from sessions.selectors.records import record_hold_state

DEVICE_MG = 28
FORTY_MIN_WINDOW = (timedelta(minutes=30), timedelta(minutes=50))
DISSOCIATION_ORDER = ["none", "mild", "moderate", "severe"]


def _at(moment, zone) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def _bp(vital, zone) -> str:
    return f"{vital.systolic}/{vital.diastolic} at {_at(vital.taken_at, zone)}"


def rems_record_values(*, appointment) -> dict[str, str]:
    record = SessionRecord.objects.filter(appointment=appointment).first()
    if record is None:
        return {}
    import zoneinfo

    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    wrong = set(EnteredInError.objects.filter(record=record).values_list("target_public_id", flat=True))
    devices = [d for d in EsketamineDevice.objects.filter(record=record).order_by("given_at")
               if d.public_id not in wrong]
    vitals = [v for v in VitalSign.objects.filter(record=record).order_by("taken_at") if v.public_id not in wrong]
    events = [e for e in AdverseEvent.objects.filter(record=record).order_by("occurred_at") if e.public_id not in wrong]
    discharge = Discharge.objects.filter(record=record).first()
    values: dict[str, str] = {}
    first = devices[0].given_at if devices else None
    if devices:
        values["dose"] = f"{len(devices) * DEVICE_MG} mg ({len(devices)} devices of {DEVICE_MG} mg)"
    administration = Administration.objects.filter(record=record).first()
    if administration is not None and administration.lot:
        values["lot"] = administration.lot
    before = [v for v in vitals if first is None or v.taken_at <= first]
    if before and first is not None:
        values["bp_before"] = _bp(before[-1], zone)
        latest = record_hold_state(record)
        values["vitals_acceptable_before"] = "Yes" if latest is None else (
            "After prescriber review: " + latest.reasons if latest.kind == HoldKind.GO else "No")
    if first is not None:
        low, high = first + FORTY_MIN_WINDOW[0], first + FORTY_MIN_WINDOW[1]
        near = [v for v in vitals if low <= v.taken_at <= high]
        if near:
            values["bp_40_min"] = _bp(min(near, key=lambda v: abs(v.taken_at - first - timedelta(minutes=40))), zone)
    if discharge is not None and first is not None:
        after = [v for v in vitals if first < v.taken_at <= discharge.discharged_at]
        if after:
            values["bp_discharge"] = _bp(after[-1], zone)
        values["monitoring_minutes"] = str(int((discharge.discharged_at - first).total_seconds() // 60))
        values["vitals_acceptable_end"] = f"Yes (modified Aldrete {discharge.aldrete_total}, discharged)"
    scored = [v.moaas for v in vitals if v.moaas is not None and v.taken_at >= (first or v.taken_at)]
    if scored:
        values["sedation"] = f"Lowest MOAA/S {min(scored)} ({'none' if min(scored) == 5 else 'sedation'})"
    dissociated = [v.dissociation for v in vitals if v.dissociation]
    if dissociated:
        values["dissociation"] = max(dissociated, key=DISSOCIATION_ORDER.index).capitalize()
    if discharge is not None:
        respiratory = [e for e in events if e.kind == "respiratory"]
        values["respiratory_depression"] = "; ".join(
            f"Yes ({e.get_severity_display().lower()}), outcome: {e.outcome or 'not recorded'}" for e in respiratory
        ) or "No"
        values["adverse_events"] = "; ".join(
            f"{e.get_kind_display()} ({e.get_severity_display().lower()}) at {_at(e.occurred_at, zone)}" for e in events
        ) or "None"
    return values

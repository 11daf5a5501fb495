"""Opening the record at check-in, the pre-dose checks, holds and the prescriber's go / stop (CLINICAL.md §4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from patients.scoring import score
from sessions.models import (
    Appointment,
    HoldKind,
    PreDoseCheck,
    SessionHoldEvent,
    SessionRecord,
    VitalPhase,
    VitalSign,
)
from sessions.selectors.records import record_hold_state

from .errors import RecordRefused, refused_by_database
from .thresholds import pre_dose_bp_holds, thresholds_in_force


@transaction.atomic
def record_open(*, appointment: Appointment, by, now: datetime | None = None) -> SessionRecord:
    """Check-in opens the record (one per appointment: ``session_record_one_per_appointment``)."""
    existing = SessionRecord.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    with refused_by_database():
        return SessionRecord.objects.create(appointment=appointment, opened_by=by, opened_at=now or timezone.now(),
                                            thresholds=thresholds_in_force())


def _locked(record: SessionRecord) -> SessionRecord:
    record = SessionRecord.objects.select_for_update().select_related(
        "appointment__protocol", "appointment__patient").get(pk=record.pk)
    if record.is_signed:
        raise RecordRefused("This record is signed and locked: corrections are addenda.")
    return record


def _not_past_or_future(moment: datetime, now: datetime, what: str) -> None:
    if moment > now + timezone.timedelta(minutes=1):
        raise RecordRefused(f"{what} cannot be in the future.")


@transaction.atomic
def predose_check_record(*, record: SessionRecord, by, identity_confirmed: bool, weight_kg: Decimal,
                         weight_entered: str, last_food_at: datetime, last_liquid_at: datetime, escort_name: str,
                         escort_phone: str, escort_confirmed: bool, pregnancy_status: str, medication_changes: str,
                         phq9_answers: dict, systolic: int, diastolic: int, heart_rate: int, spo2: int,
                         respiratory_rate: int, consent_current: bool, now: datetime | None = None) -> PreDoseCheck:
    """Save the checks and the baseline vitals; each failed check adds a hold (append-only) with its reason."""
    now = now or timezone.now()
    record = _locked(record)
    if not identity_confirmed:
        raise RecordRefused("Confirm the patient's identity before recording the checks.")
    for moment, what in ((last_food_at, "The last solid food time"), (last_liquid_at, "The last clear liquid time")):
        _not_past_or_future(moment, now, what)
    phq9 = score("phq9", phq9_answers)
    protocol = record.appointment.protocol
    holds = []
    if pre_dose_bp_holds(systolic, diastolic, record.thresholds):
        limit = record.thresholds["hold_bp"]
        holds.append(f"Pre-dose BP {systolic}/{diastolic} is above {limit[0]}/{limit[1]}.")
    if not (escort_confirmed and escort_name.strip() and escort_phone.strip()):
        holds.append("No escort confirmed (name and phone).")
    food_gap, liquid_gap = now - last_food_at, now - last_liquid_at
    if food_gap < timezone.timedelta(hours=protocol.fasting_food_hours) or \
            liquid_gap < timezone.timedelta(minutes=protocol.fasting_liquids_minutes):
        holds.append(f"Fasting not met: no solid food for {protocol.fasting_food_hours} h and no clear liquids for "
                     f"{protocol.fasting_liquids_minutes} min before dosing.")
    item9 = int(phq9_answers.get("q9", 0))
    if item9 > 0:
        holds.append("PHQ-9 item 9 above 0: same-day clinician review before dosing.")
    if not consent_current:
        holds.append("The patient's consent is not current: they must sign the current version.")
    if pregnancy_status == "pregnant":
        holds.append("Pregnant or breastfeeding: prescriber review before dosing.")
    with refused_by_database():
        check = PreDoseCheck.objects.create(
            record=record, created_by=by, created_at=now, identity_confirmed=True, weight_kg=weight_kg,
            weight_entered=weight_entered, last_food_at=last_food_at, last_liquid_at=last_liquid_at,
            escort_name=escort_name.strip(), escort_phone=escort_phone.strip(), escort_confirmed=escort_confirmed,
            pregnancy_status=pregnancy_status, medication_changes=medication_changes.strip(),
            phq9_answers=phq9_answers, phq9_total=phq9.total, phq9_item9=item9)
        VitalSign.objects.create(record=record, created_by=by, created_at=now, taken_at=now,
                                 phase=VitalPhase.BASELINE, systolic=systolic, diastolic=diastolic,
                                 heart_rate=heart_rate, spo2=spo2, respiratory_rate=respiratory_rate)
        if escort_confirmed and escort_name.strip() and escort_phone.strip() and \
                record.appointment.escort_confirmed_at is None:
            from sessions.services.status import appointment_escort_record

            appointment_escort_record(appointment=record.appointment, escort_name=escort_name,
                                      escort_phone=escort_phone, by=by, now=now)
        if holds:
            SessionHoldEvent.objects.create(record=record, created_by=by, created_at=now, kind=HoldKind.HOLD,
                                            reasons="\n".join(holds))
    return check


@transaction.atomic
def hold_release(*, record: SessionRecord, by, decision: str, reason: str,
                 now: datetime | None = None) -> SessionHoldEvent:
    """A prescriber's go (dosing may start) or stop (not given), with a written reason. Append-only."""
    if not by.has_perm("clinic_sessions.release_hold"):
        raise RecordRefused("Only a prescriber can release a held session.")
    record = _locked(record)
    latest = record_hold_state(record)
    if latest is None or latest.kind != HoldKind.HOLD:
        raise RecordRefused("This session is not on hold.")
    if decision not in (HoldKind.GO, HoldKind.STOP):
        raise RecordRefused("Choose go or stop.")
    if not (reason or "").strip():
        raise RecordRefused("Write the reason for your decision.")
    now = now or timezone.now()
    with refused_by_database():
        event = SessionHoldEvent.objects.create(record=record, created_by=by, created_at=now, kind=decision,
                                                reasons=reason.strip())
    if decision == HoldKind.STOP and record.appointment.status == Appointment.Status.CHECKED_IN:
        from sessions.services.status import appointment_not_given

        appointment_not_given(appointment=record.appointment, by=by, now=now)
    return event

"""Discharge, signatures, addenda and entered-in-error marks (CLINICAL.md §4-5)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sessions.models import (
    Addendum,
    AdverseEvent,
    Discharge,
    DoseOrder,
    EnteredInError,
    EsketamineDevice,
    SessionRecord,
    VitalSign,
)

from .checks import _locked, _not_past_or_future, record_hold_state
from .errors import RecordRefused, refused_by_database

# What may be marked entered in error, by the name the page uses.
MARKABLE = {"vital": VitalSign, "event": AdverseEvent, "device": EsketamineDevice}


def circulation_score(*, systolic: int, baseline_systolic: int) -> int:
    """Modified Aldrete circulation (CLINICAL.md §4): 2 within 20 % of baseline, 1 within 20-49 %, else 0."""
    change = abs(systolic - baseline_systolic) / baseline_systolic
    return 2 if change <= 0.20 else 1 if change < 0.50 else 0


@transaction.atomic
def record_discharge(*, record: SessionRecord, by, discharged_at: datetime, activity: int, respiration: int,
                     consciousness: int, oxygen: int, systolic: int, escort_present: bool,
                     instructions_given: bool, now: datetime | None = None) -> Discharge:
    """Discharge: modified Aldrete >= 9, escort present, instructions given; esketamine not before 120 min from
    the first device (PostgreSQL's ``discharge_esketamine_observation``). Completes the appointment and frees
    the chair from the discharge time plus turnover."""
    from sessions.services.status import appointment_discharge  # the status moves live there

    now = now or timezone.now()
    record = _locked(record)
    _not_past_or_future(discharged_at, now, "The discharge time")
    baseline = VitalSign.objects.filter(record=record, phase="baseline").order_by("taken_at").first()
    if baseline is None:
        raise RecordRefused("There is no baseline blood pressure to compare with: record the pre-dose checks.")
    if not DoseOrder.objects.filter(record=record).exists():
        raise RecordRefused("Nothing was ordered: a stopped session needs no discharge.")
    circulation = circulation_score(systolic=systolic, baseline_systolic=baseline.systolic)
    total = activity + respiration + circulation + consciousness + oxygen
    minimum = record.thresholds.get("min_aldrete", 9)
    problems = []
    if total < minimum:
        problems.append(f"Modified Aldrete {total} (circulation {circulation} from BP {systolic} against baseline "
                        f"{baseline.systolic}): at least {minimum} is needed to discharge.")
    if not escort_present:
        problems.append("The escort must be present to take the patient home.")
    if not instructions_given:
        problems.append("Give the written discharge instructions first.")
    if problems:
        raise RecordRefused(problems)
    with refused_by_database():
        discharge = Discharge.objects.create(
            record=record, created_by=by, created_at=now, discharged_at=discharged_at, activity=activity,
            respiration=respiration, circulation=circulation, consciousness=consciousness, oxygen=oxygen,
            aldrete_total=total, systolic=systolic, escort_present=True, instructions_given=True)
    appointment_discharge(appointment=record.appointment, by=by, discharged_at=discharged_at, now=now)
    return discharge


def _verify_secret(user, secret: str) -> str:
    """The signer proves it is them: their TOTP code when they use two-step sign-in, else their password."""
    from django_otp import devices_for_user

    devices = list(devices_for_user(user, confirmed=True))
    if devices:
        if any(device.verify_token((secret or "").strip()) for device in devices):
            return "totp"
        raise RecordRefused("That code is not right: type the current six-digit code from your authenticator app.")
    if user.check_password(secret or ""):
        return "password"
    raise RecordRefused("That password is not right.")


def _ledger_balanced(record) -> None:
    """Drawn - given - wasted for the session must be 0 (issue 11; PostgreSQL's ``record_sign_ledger_balanced``)."""
    from sessions.selectors.ledger import session_controlled_substance_balance

    balance = session_controlled_substance_balance(appointment=record.appointment)
    if not balance.is_balanced:
        raise RecordRefused(
            f"{balance.difference_mg} mg drawn for this session is not accounted for (drawn {balance.drawn_mg}, "
            f"given {balance.given_mg}, wasted {balance.wasted_mg} mg): record what was given or wasted in the "
            "controlled-substance ledger, then sign.")


@transaction.atomic
def record_sign(*, record: SessionRecord, by, secret: str, now: datetime | None = None) -> SessionRecord:
    """The prescriber signs and the record locks in PostgreSQL (``session_record_signed_lock``)."""
    if not by.has_perm("clinic_sessions.sign_record"):
        raise RecordRefused("Only a prescriber can sign a session record.")
    record = SessionRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_signed:  # a double click: the first one signed
        raise RecordRefused(f"This record was already signed by {record.signed_by} at "
                            f"{timezone.localtime(record.signed_at):%H:%M}.")
    latest = record_hold_state(record)
    stopped = latest is not None and latest.kind == "stop"
    if not stopped and not Discharge.objects.filter(record=record).exists():
        raise RecordRefused("The patient has not been discharged yet: sign once the discharge is recorded.")
    _ledger_balanced(record)
    record.signed_with = _verify_secret(by, secret)
    record.signed_at, record.signed_by = now or timezone.now(), by
    with refused_by_database():
        record.save(update_fields=["signed_at", "signed_by", "signed_with"])
    return record


@transaction.atomic
def addendum_add(*, record: SessionRecord, by, text: str, secret: str, now: datetime | None = None) -> Addendum:
    """A signed correction (CLINICAL.md §5): the author re-enters their password or code."""
    if not by.has_perm("clinic_sessions.write_addendum"):
        raise RecordRefused("Only a prescriber can write an addendum.")
    if not (text or "").strip():
        raise RecordRefused("Write the addendum.")
    how = _verify_secret(by, secret)
    with refused_by_database():
        return Addendum.objects.create(record=record, created_by=by, created_at=now or timezone.now(),
                                       text=text.strip(), signed_with=how)


@transaction.atomic
def entered_in_error_mark(*, record: SessionRecord, by, target_type: str, target_public_id, reason: str,
                          now: datetime | None = None) -> EnteredInError:
    """Mark a row entered in error, with a reason: it stays on the record, struck through."""
    model = MARKABLE.get(target_type)
    if model is None or not model.objects.filter(record=record, public_id=target_public_id).exists():
        raise RecordRefused("That entry is not on this record.")
    if not (reason or "").strip():
        raise RecordRefused("Say why the entry is wrong.")
    with refused_by_database():
        return EnteredInError.objects.create(record=record, created_by=by, created_at=now or timezone.now(),
                                             target_type=target_type, target_public_id=target_public_id,
                                             reason=reason.strip()[:300])


def signature_overdue(record: SessionRecord, *, now: datetime, hours: int) -> bool:
    return record.signed_at is None and now - record.opened_at > timedelta(hours=hours)

"""The dose order and its working, administration, esketamine devices (CLINICAL.md §1, §4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from sessions import dosing
from sessions.models import (
    Administration,
    AdministrationChange,
    DoseOrder,
    EsketamineDevice,
    PreDoseCheck,
    SessionRecord,
)
from sessions.selectors.records import patient_height_and_sex

from .checks import _locked, _not_past_or_future, record_hold_state
from .errors import RecordRefused, refused_by_database

DEVICE_MG = 28  # CLINICAL.md §1 [REG]: 28 mg per device


def _on_hold(record) -> bool:
    latest = record_hold_state(record)
    return latest is not None and latest.kind in ("hold", "stop")


def dose_working(*, route: str, mg_per_kg: Decimal | None, actual_kg: Decimal, basis: str, cap: Decimal | None,
                 concentration: Decimal | None, final_volume_ml: Decimal | None, infusion_minutes: int | None,
                 esketamine_mg: int | None = None, height_cm: Decimal | None = None,
                 sex: str | None = None) -> dict:
    """Every number of the order from ``sessions.dosing`` (the one place the arithmetic lives). Ideal and
    adjusted weight need the patient's height and sex (from the intake)."""
    if route == "intranasal":
        return {"dose_mg": Decimal(esketamine_mg), "devices": esketamine_mg // DEVICE_MG}
    if basis != "actual" and (height_cm is None or sex is None):
        raise RecordRefused(f"The patient's height and sex are not on file (intake), so {basis} weight cannot be "
                            "worked out: dose on actual weight.")
    try:
        weight = dosing.dosing_weight_kg(basis=basis, actual_kg=actual_kg, height_cm=height_cm, sex=sex)
        dose = dosing.dose_mg(mg_per_kg=mg_per_kg, weight_kg=weight)
        volume = dosing.volume_ml(dose_mg=dose, concentration_mg_per_ml=concentration)
    except ValueError as exc:
        raise RecordRefused(str(exc).replace("_", " ").capitalize() + ".") from exc
    per_actual = (dose / actual_kg).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    working = {"dosing_weight_kg": weight, "dose_mg": dose, "volume_ml": volume,
               "mg_per_actual_kg": per_actual, "above_cap": cap is not None and per_actual > cap,
               "needs_dilution": route == "iv" and dosing.needs_dilution_for_iv(concentration)}
    if route == "iv" and final_volume_ml and infusion_minutes:
        if final_volume_ml < volume:
            raise RecordRefused("The final volume cannot be smaller than the volume drawn.")
        working["rate_ml_per_h"] = dosing.rate_ml_per_h(final_volume_ml=final_volume_ml,
                                                        minutes=infusion_minutes)
    return working


@transaction.atomic
def dose_order_prepare(*, record: SessionRecord, by, mg_per_kg: Decimal | None, basis: str = "actual",
                       concentration: Decimal | None, diluent_ml: Decimal | None = None,
                       final_volume_ml: Decimal | None = None, infusion_minutes: int | None = None,
                       esketamine_mg: int | None = None, cap_override_reason: str = "",
                       now: datetime | None = None) -> DoseOrder:
    record = _locked(record)
    check = PreDoseCheck.objects.filter(record=record).first()
    if check is None:
        raise RecordRefused("Record the pre-dose checks (with today's weight) first.")
    route = record.appointment.protocol.route
    caps = {"iv": record.thresholds.get("iv_cap_mg_per_kg"), "im": record.thresholds.get("im_cap_mg_per_kg")}
    cap = Decimal(caps[route]) if caps.get(route) else None
    if route == "intranasal" and esketamine_mg not in (56, 84):
        raise RecordRefused("Esketamine is 56 or 84 mg (2 or 3 devices of 28 mg).")
    height_cm, sex = patient_height_and_sex(patient=record.appointment.patient)
    working = dose_working(route=route, mg_per_kg=mg_per_kg, actual_kg=check.weight_kg, basis=basis, cap=cap,
                           concentration=concentration, final_volume_ml=final_volume_ml,
                           infusion_minutes=infusion_minutes, esketamine_mg=esketamine_mg, height_cm=height_cm,
                           sex=sex)
    override_by = None
    if working.get("above_cap"):
        if not by.has_perm("clinic_sessions.override_dose_cap"):
            raise RecordRefused(f"{working['mg_per_actual_kg']} mg/kg of actual weight is above the cap of {cap} "
                                "mg/kg: a prescriber must order it with a reason.")
        if not cap_override_reason.strip():
            raise RecordRefused("Write the reason for a dose above the cap.")
        override_by = by
    with refused_by_database():
        return DoseOrder.objects.create(
            record=record, created_by=by, created_at=now or timezone.now(), route=route, weight_basis=basis,
            actual_weight_kg=check.weight_kg, dosing_weight_kg=working.get("dosing_weight_kg"), mg_per_kg=mg_per_kg,
            dose_mg=working["dose_mg"], mg_per_actual_kg=working.get("mg_per_actual_kg"), cap_mg_per_kg=cap,
            cap_override_reason=cap_override_reason.strip() if override_by else "", cap_override_by=override_by,
            concentration_mg_per_ml=concentration, volume_ml=working.get("volume_ml"), diluent_ml=diluent_ml,
            final_volume_ml=final_volume_ml, infusion_minutes=infusion_minutes,
            rate_ml_per_h=working.get("rate_ml_per_h"))


def _session_starts(record, by, now) -> None:
    """The first dose starts the session on the day board (checked in -> in session)."""
    from sessions.services.status import appointment_transition

    appointment = record.appointment
    if appointment.status == appointment.Status.CHECKED_IN:
        try:
            appointment_transition(appointment=appointment, to_status=appointment.Status.IN_SESSION, by=by, now=now)
        except Exception as exc:  # a booking gate (consent, escort): the same words as the board's
            raise RecordRefused(getattr(exc, "reasons", [str(exc)])) from exc


def _ready_to_dose(record) -> DoseOrder:
    if _on_hold(record):
        raise RecordRefused("The session is on hold: no dose until a prescriber says go.")
    order = DoseOrder.objects.filter(record=record).first()
    if order is None:
        raise RecordRefused("Record the dose order first.")
    return order


def _lot_fields(record, ledger_lot, now, typed):
    """What the administration records of its lot: the ledger lot's own fields, or (no lot on file) the typed."""
    from sessions.selectors.ledger import lots_available

    appointment = record.appointment
    drug = "esketamine" if appointment.protocol.route == "intranasal" else "ketamine"
    if ledger_lot is not None:
        if ledger_lot.location_id != appointment.location_id:
            raise RecordRefused(f"Lot {ledger_lot.lot_number} is kept at another location than this session.")
        if ledger_lot.drug != drug:
            raise RecordRefused(f"Lot {ledger_lot.lot_number} is {ledger_lot.get_drug_display()}, not {drug}.")
        return (ledger_lot.get_drug_display(), ledger_lot.ndc, ledger_lot.lot_number, ledger_lot.expires_on,
                ledger_lot.concentration_mg_per_ml)
    if lots_available(location=appointment.location, drug=drug, on=timezone.localdate(now)).exists():
        raise RecordRefused("Choose the lot from the ledger: this location has lots of this drug on file.")
    if not all(typed[:3]) or typed[3] is None or not typed[4]:
        raise RecordRefused("Give the drug, NDC, lot, expiry and concentration (no lot of this drug is on file "
                            "in the ledger here).")
    return typed


@transaction.atomic
def administration_start(*, record: SessionRecord, by, volume_ml: Decimal, started_at: datetime,
                         ledger_lot=None, drug: str = "", ndc: str = "", lot: str = "", expiry: date | None = None,
                         concentration: Decimal | None = None, pump: str = "",
                         rate_ml_per_h: Decimal | None = None, now: datetime | None = None) -> Administration:
    """Start the administration. The lot is the ledger's (``ledger_lot``: NDC, lot, expiry and concentration
    come from it); a typed lot is accepted only when the location has no lot of that drug on file."""
    now = now or timezone.now()
    record = _locked(record)
    order = _ready_to_dose(record)
    _not_past_or_future(started_at, now, "The start time")
    drug, ndc, lot, expiry, concentration = _lot_fields(record, ledger_lot, now, (drug, ndc, lot, expiry,
                                                                                  concentration))
    if expiry < timezone.localdate(now):
        raise RecordRefused("This lot has expired: use another.")
    if order.volume_ml is not None and volume_ml > order.volume_ml:
        raise RecordRefused(f"The volume drawn ({volume_ml} mL) is more than the order ({order.volume_ml} mL).")
    _session_starts(record, by, now)
    with refused_by_database():
        return Administration.objects.create(
            record=record, created_by=by, created_at=now, drug=drug.strip(), ndc=ndc.strip(), lot=lot.strip(),
            ledger_lot=ledger_lot, expiry=expiry, concentration_mg_per_ml=concentration, volume_ml=volume_ml,
            pump=pump.strip(),
            rate_ml_per_h=rate_ml_per_h if rate_ml_per_h is not None else order.rate_ml_per_h, started_at=started_at)


@transaction.atomic
def administration_change(*, record: SessionRecord, by, kind: str, at: datetime, reason: str,
                          new_rate_ml_per_h: Decimal | None = None, now: datetime | None = None):
    """Pause, resume, change the rate (each with a reason), or stop."""
    now = now or timezone.now()
    record = _locked(record)
    administration = Administration.objects.filter(record=record).first()
    if administration is None or administration.stopped_at is not None:
        raise RecordRefused("There is no running administration.")
    _not_past_or_future(at, now, "The time")
    if at < administration.started_at:
        raise RecordRefused("That time is before the administration started.")
    with refused_by_database():
        if kind == "stop":
            administration.stopped_at = at
            administration.save(update_fields=["stopped_at"])
            return administration
        if not reason.strip():
            raise RecordRefused("Give the reason for the pause or rate change.")
        return AdministrationChange.objects.create(record=record, created_by=by, created_at=now,
                                                   administration=administration, kind=kind, at=at,
                                                   reason=reason.strip(), new_rate_ml_per_h=new_rate_ml_per_h)


@transaction.atomic
def administration_sign(*, record: SessionRecord, by, now: datetime | None = None) -> Administration:
    """The administering nurse signs what they gave (CLINICAL.md §5)."""
    record = _locked(record)
    administration = Administration.objects.filter(record=record).first()
    if administration is None:
        raise RecordRefused("Nothing has been administered yet.")
    if administration.nurse_signed_at is not None:
        raise RecordRefused("The administration is already signed.")
    administration.nurse_signed_at, administration.nurse_signed_by = now or timezone.now(), by
    with refused_by_database():
        administration.save(update_fields=["nurse_signed_at", "nurse_signed_by"])
    return administration


@transaction.atomic
def esketamine_device_give(*, record: SessionRecord, by, given_at: datetime,
                           now: datetime | None = None) -> EsketamineDevice:
    now = now or timezone.now()
    record = _locked(record)
    order = _ready_to_dose(record)
    _not_past_or_future(given_at, now, "The device time")
    given = list(EsketamineDevice.objects.filter(record=record).order_by("number"))
    if len(given) >= order.dose_mg // DEVICE_MG:
        raise RecordRefused(f"All {int(order.dose_mg // DEVICE_MG)} devices of the {order.dose_mg} mg order are "
                            "recorded.")
    if given and given_at < given[-1].given_at:
        raise RecordRefused("A device cannot be recorded before the previous one.")
    if not given:
        _session_starts(record, by, now)
    with refused_by_database():
        return EsketamineDevice.objects.create(record=record, created_by=by, created_at=now,
                                               number=len(given) + 1, given_at=given_at)

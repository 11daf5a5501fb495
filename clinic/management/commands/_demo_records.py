"""Demo session records for ``seed_demo`` (issue 10): one IV session completed and signed on the last open day,
one IV session in progress today, and the ketamine lot both draw from. Built through the same services the
pages use, with ``now=`` placing each step at its clinical time; skipped when the patient already has one."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from sessions.courses import local_datetime, to_local

PHQ9_CLEAR = {f"q{i}": 0 for i in range(1, 10)}


def demo_lot(*, location, manager):
    """A received lot of ketamine 10 mg/mL in the ledger (found again by its lot number on a second run)."""
    from sessions.models import Lot
    from sessions.services.ledger import lot_receive

    lot = Lot.objects.filter(location=location, lot_number="DEMO-K10-001").first()
    if lot is None:
        today = timezone.localdate()
        lot = lot_receive(location=location, drug="ketamine", ndc="0409-2051-05", lot_number="DEMO-K10-001",
                          concentration_mg_per_ml=Decimal(10), container_size="20 mL vial", containers=10,
                          quantity_mg=Decimal(2000), supplier="Cardinal Health", reference="DEMO-INV-1",
                          expires_on=today + timedelta(days=365), received_on=today, received_by=manager)
    return lot


def _book(*, patient, chair, nurse, start, front_desk):
    from sessions.models import Protocol
    from sessions.services import appointment_book

    protocol = Protocol.objects.filter(route="iv", is_active=True).order_by("name").first()
    return appointment_book(patient=patient, protocol=protocol, chair=chair, nurse=nurse, start=start,
                            booked_by=front_desk, now=start - timedelta(days=1), notify=False)


def _check_in_and_dose(*, appointment, lot, nurse, at):
    """Check-in at ``at``, the checks, the order (0.5 mg/kg of 80 kg = 40 mg = 4 mL), 50 mg drawn, the
    infusion started 20 minutes after arrival. Returns the record and when the infusion started."""
    from sessions.services import appointment_transition
    from sessions.services.ledger import stock_withdraw
    from sessions.services.records import administration_start, dose_order_prepare, predose_check_record

    appointment = appointment_transition(appointment=appointment, to_status="confirmed", by=nurse,
                                         now=at - timedelta(minutes=10))
    appointment = appointment_transition(appointment=appointment, to_status="checked_in", by=nurse, now=at)
    record = appointment.records.get()
    checked = at + timedelta(minutes=5)
    predose_check_record(
        record=record, by=nurse, identity_confirmed=True, weight_kg=Decimal(80), weight_entered="80 kg",
        last_food_at=at - timedelta(hours=8), last_liquid_at=at - timedelta(hours=3), escort_name="Robin Escort",
        escort_phone="+1 555 0199", escort_confirmed=True, pregnancy_status="not_applicable",
        medication_changes="", phq9_answers=dict(PHQ9_CLEAR), systolic=126, diastolic=80, heart_rate=74, spo2=98,
        respiratory_rate=14, consent_current=True, now=checked)
    dose_order_prepare(record=record, by=nurse, mg_per_kg=Decimal("0.5"), concentration=Decimal(10),
                       diluent_ml=Decimal(96), final_volume_ml=Decimal(100), infusion_minutes=40,
                       now=at + timedelta(minutes=10))
    stock_withdraw(lot=lot, appointment=appointment, quantity_mg=Decimal(50), actor=nurse,
                   occurred_at=at + timedelta(minutes=12))
    started = at + timedelta(minutes=20)
    administration_start(record=record, by=nurse, drug="", ndc="", lot="", expiry=None, concentration=None,
                         ledger_lot=lot, volume_ml=Decimal(4), pump="Demo pump 1", started_at=started, now=started)
    return record, started


def _vitals(record, nurse, times):
    from sessions.services.records import vital_sign_record

    for i, at in enumerate(times):
        vital_sign_record(record=record, by=nurse, taken_at=at, systolic=132 - i, diastolic=84 - i,
                          heart_rate=78 - i, spo2=98, respiratory_rate=14, moaas=4 if i < 3 else 5,
                          dissociation="mild" if i < 3 else "none", now=at)


def _last_open_day_before(location, day: datetime.date) -> datetime.date:
    day -= timedelta(days=1)
    while day.weekday() not in location.open_weekdays:
        day -= timedelta(days=1)
    return day


def demo_completed_record(*, patient, location, chair, lot, staff) -> str | None:
    """The last open day at 09:00: infusion 40 min, 40 mg given and 10 mg wasted before a witness, discharge,
    the nurse's and the prescriber's signatures."""
    from sessions.services.ledger import stock_administer, stock_waste
    from sessions.services.records import (
        administration_change,
        administration_sign,
        record_discharge,
        record_sign,
    )

    if patient.appointments.exists():
        return None
    nurse, witness, prescriber = staff["nurse"], staff["witness"], staff["prescriber"]
    day = _last_open_day_before(location, to_local(timezone.now(), location.time_zone).date())
    start = local_datetime(day, datetime.time(9, 0), location.time_zone)
    record, started = _check_in_and_dose(appointment=_book(patient=patient, chair=chair, nurse=nurse, start=start,
                                                           front_desk=staff["front_desk"]),
                                         lot=lot, nurse=nurse, at=start)
    _vitals(record, nurse, [started + timedelta(minutes=m) for m in (10, 20, 30, 40, 55, 70)])
    stopped = started + timedelta(minutes=40)
    administration_change(record=record, by=nurse, kind="stop", at=stopped, reason="", now=stopped)
    stock_administer(lot=lot, appointment=record.appointment, quantity_mg=Decimal(40), actor=nurse,
                     occurred_at=stopped)
    stock_waste(lot=lot, appointment=record.appointment, quantity_mg=Decimal(10), manner="Drug disposal container",
                actor=nurse, witness=witness, witness_password=staff["password"], occurred_at=stopped)
    out = stopped + timedelta(minutes=35)
    record_discharge(record=record, by=nurse, discharged_at=out, activity=2, respiration=2, consciousness=2,
                     oxygen=2, systolic=124, escort_present=True, instructions_given=True, now=out)
    administration_sign(record=record, by=nurse, now=out)
    record_sign(record=record, by=prescriber, secret=staff["password"], now=out + timedelta(minutes=10))
    return f"{day:%A %d %B}"


def demo_record_in_progress(*, patient, location, chair, lot, staff) -> str | None:
    """Today, arrived about 45 minutes ago: checked in, the infusion running, a few vitals. Needs the clinic
    open now (a weekday in opening hours): otherwise nothing is made and the caller says so."""
    from sessions.services.errors import BookingConflict, BookingRefused

    if patient.appointments.exists():
        return None
    now = timezone.now()
    latest = now.replace(second=0, microsecond=0) - timedelta(minutes=45 + now.minute % 5)
    for back in range(0, 8):  # later in the day, the session started earlier to end before closing
        start = latest - timedelta(minutes=30 * back)
        try:
            appointment = _book(patient=patient, chair=chair, nurse=staff["nurse"], start=start,
                                front_desk=staff["front_desk"])
        except (BookingRefused, BookingConflict):
            continue
        record, started = _check_in_and_dose(appointment=appointment, lot=lot, nurse=staff["nurse"], at=start)
        _vitals(record, staff["nurse"], [started + timedelta(minutes=m) for m in (10, 20)
                                         if started + timedelta(minutes=m) <= now])
        return f"{to_local(start, location.time_zone):%H:%M}"
    return ""

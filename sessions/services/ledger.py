"""Writes to the controlled-substance ledger (CLINICAL.md §5; DESIGN.md §4.7). Each movement is one new row;
PostgreSQL computes the lot's balance and refuses what breaks a rule (sessions/migrations/0007_ledger_rules.py).
A refusal here or there becomes a ``LedgerRefused`` with a sentence the user can act on."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import Location
from sessions.models import Appointment, CountLine, DiscrepancyReview, InventoryCount, LedgerEntry, Lot
from sessions.models.ledger import (
    BALANCE_CONSTRAINT,
    EXPIRED_CONSTRAINT,
    QUANTITY_CONSTRAINT,
    SESSION_CONSTRAINT,
    WITNESS_CONSTRAINT,
)

from .errors import _constraint_name

Kind = LedgerEntry.Kind
# Sessions that are over without a dose: nothing is drawn for them.
_NO_DOSE = (Appointment.Status.CANCELLED, Appointment.Status.RESCHEDULED, Appointment.Status.NO_SHOW,
            Appointment.Status.NOT_GIVEN)


class LedgerRefused(Exception):
    """A ledger write that a rule stops; ``message`` says which and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require(user, permission: str, what: str) -> None:
    if not user.has_perm(f"clinic_sessions.{permission}"):
        raise LedgerRefused(f"Your role does not allow you to {what}.")


def _positive(quantity_mg: Decimal | None, what: str) -> Decimal:
    if quantity_mg is None or quantity_mg <= 0:
        raise LedgerRefused(f"The quantity {what} must be more than 0 mg.")
    return quantity_mg


def _witness_confirm(*, witness, password: str, actor) -> None:
    """A second person stands beside the actor and re-enters their own password (CLINICAL.md §5: clinic
    practice for waste). The password is checked here, by every caller, not only by the form."""
    if witness is None:
        raise LedgerRefused("A witness is needed: another member of staff must confirm with their password.")
    if witness.pk == actor.pk:
        raise LedgerRefused("The witness must be another person, not the one recording.")
    if not witness.is_active or not witness.has_perm("clinic_sessions.witness_waste"):
        raise LedgerRefused(f"{witness} cannot witness controlled-substance records: choose another colleague.")
    if not password or not witness.check_password(password):
        raise LedgerRefused(f"The password typed for the witness ({witness}) is not right: nothing was saved. "
                            "The witness types their own password again.")


def _lot_balance(lot: Lot) -> Decimal:
    last = lot.entries.order_by("-seq").values_list("balance_after_mg", flat=True).first()
    return last if last is not None else Decimal(0)


def _insert(**fields) -> LedgerEntry:
    """INSERT in a savepoint; a rule PostgreSQL enforces becomes a LedgerRefused with the current figures."""
    lot: Lot = fields["lot"]
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(**fields)
    except IntegrityError as exc:
        constraint = _constraint_name(exc)
        quantity = fields["quantity_mg"]
        if constraint == BALANCE_CONSTRAINT:
            raise LedgerRefused(
                f"Lot {lot.lot_number} holds only {_lot_balance(lot)} mg, less than the {quantity} mg asked for "
                "(someone may have drawn from it meanwhile): choose another lot or a smaller quantity.") from exc
        if constraint == EXPIRED_CONSTRAINT:
            raise LedgerRefused(f"Lot {lot.lot_number} expired on {lot.expires_on:%d %b %Y}: nothing may be drawn "
                                "from it. Choose another lot; return or destroy the expired one.") from exc
        if constraint == SESSION_CONSTRAINT:
            raise LedgerRefused(
                f"{quantity} mg is more than what was drawn from lot {lot.lot_number} for this session and not yet "
                "given or wasted: check the figures, or draw more first.") from exc
        if constraint == WITNESS_CONSTRAINT:
            raise LedgerRefused("The witness must be another person, not the one recording.") from exc
        if constraint == QUANTITY_CONSTRAINT:
            raise LedgerRefused("The quantity must be more than 0 mg.") from exc
        if constraint == "ledger_lot_at_session_location":
            raise LedgerRefused("That lot is kept at another location than this session.") from exc
        raise


@transaction.atomic
def lot_receive(*, location: Location, drug: str, ndc: str, lot_number: str, concentration_mg_per_ml: Decimal,
                container_size: str, containers: int, quantity_mg: Decimal, supplier: str, reference: str,
                expires_on: datetime.date, received_on: datetime.date, received_by) -> Lot:
    """Stock arrives: the lot and its receipt entry, together or not at all."""
    _require(received_by, "receive_stock", "receive controlled substances")
    _positive(quantity_mg, "received")
    if containers is None or containers <= 0:
        raise LedgerRefused("The number of containers received must be at least 1.")
    if concentration_mg_per_ml is None or concentration_mg_per_ml <= 0:
        raise LedgerRefused("The concentration must be more than 0 mg/mL.")
    lot = Lot.objects.create(
        location=location, drug=drug, ndc=ndc.strip(), lot_number=lot_number.strip(),
        concentration_mg_per_ml=concentration_mg_per_ml, container_size=container_size.strip(), containers=containers,
        quantity_mg=quantity_mg, supplier=supplier.strip(), reference=reference.strip(), expires_on=expires_on,
        received_on=received_on, received_by=received_by)
    _insert(lot=lot, kind=Kind.RECEIPT, quantity_mg=quantity_mg, actor=received_by, reference=reference.strip(),
            occurred_at=timezone.now())
    return lot


def _session_checks(*, lot: Lot, appointment: Appointment, wasting: bool = False) -> None:
    # A session stopped by the prescriber may have had its dose drawn before the stop: that is wasted.
    if appointment.status in _NO_DOSE and not (wasting and appointment.status == Appointment.Status.NOT_GIVEN):
        raise LedgerRefused(f"This session is {appointment.get_status_display().lower()}: nothing is drawn, given "
                            "or wasted for it.")
    if lot.location_id != appointment.location_id:
        raise LedgerRefused("That lot is kept at another location than this session.")


@transaction.atomic
def stock_withdraw(*, lot: Lot, appointment: Appointment, quantity_mg: Decimal, actor,
                   occurred_at: datetime.datetime | None = None) -> LedgerEntry:
    """Draw from a lot for a session. Two nurses drawing the last milligrams at once: PostgreSQL queues them on
    the lot's row and the second is refused with what is left."""
    _require(actor, "withdraw_stock", "draw controlled substances")
    _positive(quantity_mg, "drawn")
    _session_checks(lot=lot, appointment=appointment)
    return _insert(lot=lot, kind=Kind.WITHDRAWAL, quantity_mg=quantity_mg, appointment=appointment, actor=actor,
                   occurred_at=occurred_at or timezone.now())


@transaction.atomic
def stock_administer(*, lot: Lot, appointment: Appointment, quantity_mg: Decimal, actor,
                     occurred_at: datetime.datetime | None = None) -> LedgerEntry:
    """What was given to the patient, out of what was drawn for the session."""
    _require(actor, "administer_stock", "record controlled substances given")
    _positive(quantity_mg, "given")
    _session_checks(lot=lot, appointment=appointment)
    return _insert(lot=lot, kind=Kind.ADMINISTRATION, quantity_mg=quantity_mg, appointment=appointment,
                   actor=actor, occurred_at=occurred_at or timezone.now())


@transaction.atomic
def stock_waste(*, lot: Lot, appointment: Appointment, quantity_mg: Decimal, manner: str, actor, witness,
                witness_password: str, occurred_at: datetime.datetime | None = None) -> LedgerEntry:
    """Drawn and not given: wasted in front of a witness who confirms with their password."""
    _require(actor, "waste_stock", "waste controlled substances")
    _positive(quantity_mg, "wasted")
    if not manner.strip():
        raise LedgerRefused("Say how it was wasted (e.g. into a drug disposal container).")
    _session_checks(lot=lot, appointment=appointment, wasting=True)
    _witness_confirm(witness=witness, password=witness_password, actor=actor)
    return _insert(lot=lot, kind=Kind.WASTE, quantity_mg=quantity_mg, appointment=appointment, actor=actor,
                   witness=witness, manner=manner.strip(), occurred_at=occurred_at or timezone.now())


@transaction.atomic
def stock_return(*, lot: Lot, quantity_mg: Decimal, reference: str, actor,
                 occurred_at: datetime.datetime | None = None) -> LedgerEntry:
    """Stock sent back to the supplier (or a reverse distributor), with their reference."""
    _require(actor, "receive_stock", "return controlled substances")
    _positive(quantity_mg, "returned")
    if not reference.strip():
        raise LedgerRefused("Give the return's reference (the supplier's return authorisation or DEA form).")
    return _insert(lot=lot, kind=Kind.RETURN, quantity_mg=quantity_mg, actor=actor, reference=reference.strip(),
                   occurred_at=occurred_at or timezone.now())


@transaction.atomic
def inventory_count_record(*, location: Location, counted_by, witness, witness_password: str,
                           counted: dict[int, Decimal], reasons: dict[int, str], kind: str = "routine",
                           note: str = "", counted_at: datetime.datetime | None = None) -> InventoryCount:
    """A count of every lot at a location (``counted``: lot id → mg on the shelf). A difference from the ledger
    needs its reason; it is recorded, adjusts the lot's balance to what was counted, and stays on the managers'
    alert list until one reviews it. All lines or none."""
    _require(counted_by, "count_stock", "count controlled substances")
    _witness_confirm(witness=witness, password=witness_password, actor=counted_by)
    lots = list(Lot.objects.select_for_update().filter(location=location, pk__in=counted).order_by("pk"))
    if not lots:
        raise LedgerRefused("There is no stock at this location to count.")
    expected = {lot.pk: _lot_balance(lot) for lot in lots}
    problems = []
    for lot in lots:
        quantity = counted[lot.pk]
        if quantity is None or quantity < 0:
            problems.append(f"Lot {lot.lot_number}: type the quantity counted (0 or more mg).")
        elif quantity != expected[lot.pk] and not reasons.get(lot.pk, "").strip():
            problems.append(f"Lot {lot.lot_number}: {quantity:.2f} mg counted but the ledger says "
                            f"{expected[lot.pk]:.2f} mg. Count again, or give the reason for the difference.")
    if problems:
        raise LedgerRefused(" ".join(problems))
    if any(counted[lot.pk] != expected[lot.pk] for lot in lots):
        _require(counted_by, "adjust_stock", "record a difference: ask a manager to count with you")
    count = InventoryCount.objects.create(location=location, kind=kind, counted_at=counted_at or timezone.now(),
                                          counted_by=counted_by, witness=witness, note=note.strip())
    for lot in lots:
        line = CountLine.objects.create(count=count, lot=lot, expected_mg=expected[lot.pk],
                                        counted_mg=counted[lot.pk], reason=reasons.get(lot.pk, "").strip())
        if line.difference_mg:
            _insert(lot=lot, kind=Kind.ADJUSTMENT, quantity_mg=line.difference_mg, actor=counted_by,
                    witness=witness, reason=f"Count of {count.counted_at:%Y-%m-%d}: {line.reason}",
                    count_line=line, occurred_at=count.counted_at)
    return count


@transaction.atomic
def discrepancy_review(*, line: CountLine, reviewed_by, note: str) -> DiscrepancyReview:
    """A manager has looked into a count difference (and reported a theft or significant loss to the DEA
    within one business day where it was one: CLINICAL.md §5)."""
    _require(reviewed_by, "adjust_stock", "review count differences")
    if not note.strip():
        raise LedgerRefused("Say what was found or done (e.g. 'miscount, recounted' or 'DEA Form 106 filed').")
    if DiscrepancyReview.objects.filter(count_line=line).exists():
        raise LedgerRefused("This difference has already been reviewed.")
    return DiscrepancyReview.objects.create(count_line=line, reviewed_by=reviewed_by, note=note.strip())

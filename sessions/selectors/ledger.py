"""Reads of the controlled-substance ledger: balances, what a session drew and gave, the logs (21 CFR
1304.22(c)), count differences waiting for a manager."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from clinic.models import Location
from clinic.prepared import PreparedAggregate
from sessions.models import CountLine, DiscrepancyReview, InventoryCount, LedgerEntry, Lot

ZERO = Decimal("0.00")


def expiry_warning_days() -> int:
    return settings.LEDGER_EXPIRY_WARNING_DAYS


def lots_with_balance(*, location: Location | None = None) -> QuerySet[Lot]:
    """Lots with ``balance_mg``: the balance after the lot's latest entry (PostgreSQL computed it)."""
    latest = LedgerEntry.objects.filter(lot=OuterRef("pk")).order_by("-seq").values("balance_after_mg")[:1]
    lots = Lot.objects.select_related("location", "received_by").annotate(
        balance_mg=Coalesce(Subquery(latest), Value(ZERO), output_field=DecimalField(max_digits=10, decimal_places=2)))
    if location is not None:
        lots = lots.filter(location=location)
    return lots


def lots_available(*, location: Location, drug: str, on: datetime.date) -> QuerySet[Lot]:
    """The lots a nurse may draw from on ``on``: this location and drug, not expired, not empty; the soonest
    to expire first (used first)."""
    return (lots_with_balance(location=location).filter(drug=drug, expires_on__gte=on, balance_mg__gt=0)
            .order_by("expires_on", "pk"))


def lot_expires_soon(lot: Lot, *, on: datetime.date) -> bool:
    return on <= lot.expires_on <= on + datetime.timedelta(days=expiry_warning_days())


@dataclass
class SessionBalance:
    """Drawn − given − wasted for one session. The record cannot be signed until ``difference`` is 0."""

    drawn_mg: Decimal = ZERO
    given_mg: Decimal = ZERO
    wasted_mg: Decimal = ZERO
    by_lot: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def difference_mg(self) -> Decimal:
        return self.drawn_mg - self.given_mg - self.wasted_mg

    @property
    def is_balanced(self) -> bool:
        return self.difference_mg == 0

    def as_dict(self) -> dict[str, Decimal]:
        return {"drawn": self.drawn_mg, "given": self.given_mg, "wasted": self.wasted_mg,
                "difference": self.difference_mg}


def session_controlled_substance_balance(*, appointment) -> SessionBalance:
    """What was drawn, given and wasted for this appointment, in total and per lot (one query)."""
    balance = SessionBalance()
    # order_by(): totals need no order, and the entries' ordering (by lot) joined the lot and its location.
    rows = (LedgerEntry.objects.filter(appointment=appointment, kind__in=("withdrawal", "administration", "waste"))
            .order_by().values("lot_id", "kind").annotate(total=Sum("quantity_mg")))
    names = {"withdrawal": "drawn", "administration": "given", "waste": "wasted"}
    for row in rows:
        name = names[row["kind"]]
        balance.by_lot.setdefault(row["lot_id"], {"drawn": ZERO, "given": ZERO, "wasted": ZERO})[name] = row["total"]
        setattr(balance, f"{name}_mg", getattr(balance, f"{name}_mg") + row["total"])
    return balance


def session_entries(*, appointment) -> QuerySet[LedgerEntry]:
    return (LedgerEntry.objects.filter(appointment=appointment).select_related("lot", "actor", "witness")
            .order_by("occurred_at", "pk"))


def ledger_log(*, location: Location | None = None, lot: Lot | None = None, start: datetime.date | None = None,
               end: datetime.date | None = None, time_zone: str = "UTC") -> QuerySet[LedgerEntry]:
    """Entries for the printable and CSV logs, oldest first, with everything a row shows loaded."""
    import zoneinfo

    entries = LedgerEntry.objects.select_related(
        "lot", "lot__location", "actor", "witness", "appointment", "appointment__patient")
    if lot is not None:
        entries = entries.filter(lot=lot)
    elif location is not None:
        entries = entries.filter(lot__location=location)
    zone = zoneinfo.ZoneInfo(time_zone)
    if start is not None:
        entries = entries.filter(occurred_at__gte=datetime.datetime.combine(start, datetime.time(), zone))
    if end is not None:
        entries = entries.filter(
            occurred_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone))
    return entries.order_by("occurred_at", "lot_id", "seq")


def open_discrepancies(*, location: Location | None = None) -> QuerySet[CountLine]:
    """Count differences no manager has reviewed yet: the alert on the ledger and home pages."""
    lines = (CountLine.objects.exclude(counted_mg=F("expected_mg"))
             .annotate(reviewed=Exists(DiscrepancyReview.objects.filter(count_line=OuterRef("pk"))))
             .filter(reviewed=False).select_related("lot", "count", "count__location", "count__counted_by"))
    if location is not None:
        lines = lines.filter(count__location=location)
    return lines.order_by("-count__counted_at", "pk")


def open_discrepancies_count() -> int:
    """The home page's alert, asked on every visit: prepared once per process (clinic.prepared, issue 13)."""
    return _OPEN_DISCREPANCIES.count()


_OPEN_DISCREPANCIES = PreparedAggregate(open_discrepancies, PreparedAggregate.COUNT)


def inventory_counts(*, location: Location) -> QuerySet[InventoryCount]:
    return (InventoryCount.objects.filter(location=location).select_related("counted_by", "witness")
            .order_by("-counted_at", "-pk"))


def inventory_count_detail(*, count: InventoryCount) -> QuerySet[CountLine]:
    return count.lines.select_related("lot").order_by("lot__drug", "lot__expires_on", "pk")

"""The controlled-substance ledger and REMS form submissions (CLINICAL.md §5; DESIGN.md §4.7).

Ketamine and esketamine are Schedule III: every milligram received, drawn, given, wasted or returned is a
``LedgerEntry`` row. Every table here is append-only, and PostgreSQL says so with plain PL/pgSQL triggers
(migration ``0007_ledger_rules``, not django-pgtrigger, whose ``pgtrigger.ignore`` would let a session skip
them): UPDATE, DELETE and TRUNCATE are refused; a correction is a new row.

The same migration holds the ledger's rules: the running balance per lot is computed by PostgreSQL on each
insert under a lock of the lot row (concurrent withdrawals queue) and may never go below zero; a waste or an
adjustment needs a witness who is not the actor; what is given and wasted for a session never exceeds what
was drawn for it; nothing is drawn from an expired lot.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from clinic.models import Location

from .scheduling import Appointment

# Constraint and trigger names: PostgreSQL's errors carry them; services and tests match on them.
BALANCE_CONSTRAINT = "ledger_balance_not_negative"
WITNESS_CONSTRAINT = "ledger_witness_not_actor"
WITNESS_NEEDED_CONSTRAINT = "ledger_witness_needed"
QUANTITY_CONSTRAINT = "ledger_quantity_positive"
SESSION_CONSTRAINT = "ledger_session_not_over_drawn"
EXPIRED_CONSTRAINT = "ledger_no_draw_from_expired_lot"
APPEND_ONLY_TRIGGER = "ledger_append_only"


class Drug(models.TextChoices):
    KETAMINE = "ketamine", "Ketamine (racemic)"
    ESKETAMINE = "esketamine", "Esketamine (Spravato)"


class Lot(models.Model):
    """Stock received at one location: one manufacturer's lot of one product, one delivery."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="lots")
    drug = models.CharField(max_length=12, choices=Drug.choices)
    ndc = models.CharField("NDC", max_length=20, help_text="National Drug Code on the package, e.g. 50458-028-02.")
    lot_number = models.CharField(max_length=40)
    concentration_mg_per_ml = models.DecimalField("concentration (mg/mL)", max_digits=7, decimal_places=2)
    container_size = models.CharField(max_length=60, help_text="e.g. 10 mL vial, 28 mg nasal device.")
    containers = models.PositiveIntegerField("containers received")
    quantity_mg = models.DecimalField("quantity received (mg)", max_digits=10, decimal_places=2)
    supplier = models.CharField(max_length=120)
    reference = models.CharField("invoice or DEA form reference", max_length=80,
                                 help_text="Invoice number, DEA Form 222 or CSOS order number.")
    expires_on = models.DateField()
    received_on = models.DateField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["location", "drug", "expires_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(drug__in=Drug.values), name="ledger_lot_drug_valid"),
            models.CheckConstraint(condition=Q(quantity_mg__gt=0) & Q(containers__gt=0) &
                                   Q(concentration_mg_per_ml__gt=0), name="ledger_lot_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_drug_display()} lot {self.lot_number} (exp. {self.expires_on:%Y-%m-%d})"


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    WITHDRAWAL = "withdrawal", "Withdrawal for a session"
    ADMINISTRATION = "administration", "Administration"
    WASTE = "waste", "Waste"
    RETURN = "return", "Return to supplier"
    ADJUSTMENT = "adjustment", "Adjustment after a count"


# What each kind does to the lot's balance (the trigger in 0007_ledger_rules does the same in SQL).
# Given and wasted drug was drawn for the session first: it left the lot's stock with the withdrawal.
BALANCE_SIGN = {"receipt": 1, "withdrawal": -1, "administration": 0, "waste": 0, "return": -1, "adjustment": 1}
SESSION_KINDS = ("withdrawal", "administration", "waste")


class LedgerEntry(models.Model):
    """One movement of one lot. ``seq`` and ``balance_after_mg`` are set by PostgreSQL on insert."""

    Kind = EntryKind

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    quantity_mg = models.DecimalField(
        max_digits=10, decimal_places=2,
        help_text="Positive; an adjustment is signed (+ found, − missing).")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="ledger_entries")
    occurred_at = models.DateTimeField(help_text="When it happened (the waste's time, the draw's time).")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    manner = models.CharField(max_length=120, blank=True, help_text="Waste: how, e.g. into a drug disposal kit.")
    reason = models.CharField(max_length=300, blank=True, help_text="Adjustments and corrections: why.")
    reference = models.CharField(max_length=80, blank=True, help_text="Return: the supplier's or DEA reference.")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    count_line = models.ForeignKey("CountLine", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="adjustments")
    seq = models.PositiveIntegerField(editable=False, default=0)
    balance_after_mg = models.DecimalField(max_digits=10, decimal_places=2, editable=False, default=Decimal(0))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lot", "seq"]
        verbose_name_plural = "ledger entries"
        permissions = [
            ("receive_stock", "Can receive and return controlled-substance stock"),
            ("count_stock", "Can count controlled-substance stock"),
            ("adjust_stock", "Can adjust a lot's balance after a count"),
            ("view_ledger", "Can read and print the controlled-substance logs"),
            ("withdraw_stock", "Can draw controlled substances for a session"),
            ("administer_stock", "Can record controlled substances given"),
            ("waste_stock", "Can waste controlled substances"),
            ("witness_waste", "Can witness a waste or a count"),
        ]
        indexes = [models.Index(fields=["appointment", "lot"], name="ledger_entry_session")]
        constraints = [
            models.UniqueConstraint(fields=["lot", "seq"], name="ledger_entry_one_seq_per_lot"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="ledger_entry_kind_valid"),
            models.CheckConstraint(condition=Q(balance_after_mg__gte=0), name=BALANCE_CONSTRAINT),
            models.CheckConstraint(condition=Q(quantity_mg__gt=0) | (Q(kind="adjustment") & ~Q(quantity_mg=0)),
                                   name=QUANTITY_CONSTRAINT),
            models.CheckConstraint(condition=~Q(witness=models.F("actor")), name=WITNESS_CONSTRAINT),
            models.CheckConstraint(condition=~Q(kind__in=["waste", "adjustment"]) | Q(witness__isnull=False),
                                   name=WITNESS_NEEDED_CONSTRAINT),
            models.CheckConstraint(condition=~Q(kind__in=SESSION_KINDS) | Q(appointment__isnull=False),
                                   name="ledger_session_entry_has_appointment"),
            models.CheckConstraint(condition=~Q(kind="waste") | ~Q(manner=""), name="ledger_waste_has_manner"),
            models.CheckConstraint(condition=~Q(kind="adjustment") | ~Q(reason=""),
                                   name="ledger_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity_mg} mg ({self.lot})"


class InventoryCount(models.Model):
    """A count of every lot at a location, by one person with a witness; biennial ones print as the DEA
    inventory (21 CFR 1304.11: at least every two years)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", "Routine count"
        BIENNIAL = "biennial", "Biennial inventory"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="inventory_counts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-counted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(witness=models.F("counted_by")), name="ledger_count_witness_not_actor"),
            models.CheckConstraint(condition=Q(kind__in=["routine", "biennial"]), name="ledger_count_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.counted_at:%Y-%m-%d}"


class CountLine(models.Model):
    """One lot in a count: what the ledger said and what was on the shelf. A difference needs a reason,
    and is an alert to managers (a theft or significant loss goes to the DEA within one business day)."""

    count = models.ForeignKey(InventoryCount, on_delete=models.PROTECT, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="count_lines")
    expected_mg = models.DecimalField(max_digits=10, decimal_places=2)
    counted_mg = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["count", "lot"]
        constraints = [
            models.UniqueConstraint(fields=["count", "lot"], name="ledger_count_line_one_per_lot"),
            models.CheckConstraint(condition=Q(counted_mg__gte=0), name="ledger_count_not_negative"),
            models.CheckConstraint(condition=Q(counted_mg=models.F("expected_mg")) | ~Q(reason=""),
                                   name="ledger_count_discrepancy_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.counted_mg} mg counted, {self.expected_mg} mg expected"

    @property
    def difference_mg(self) -> Decimal:
        return self.counted_mg - self.expected_mg


class DiscrepancyReview(models.Model):
    """A manager's acknowledgement of a count discrepancy (what was done: investigated, DEA Form 106 filed).
    Until one exists the discrepancy stays on the managers' alert list."""

    count_line = models.OneToOneField(CountLine, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"Reviewed {self.reviewed_at:%Y-%m-%d}"


class RemsSubmission(models.Model):
    """The Spravato REMS Patient Monitoring Form for one session, marked sent (CLINICAL.md §5 [REG]: due
    within 7 days). The confirmation number is the one the REMS portal shows."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="rems_submission")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    confirmation_number = models.CharField(max_length=60)

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [
            ("view_rems_form", "Can see Spravato REMS monitoring forms"),
            ("submit_rems_form", "Can mark a REMS monitoring form submitted"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(confirmation_number=""), name="rems_submission_has_confirmation"),
        ]

    def __str__(self) -> str:
        return f"REMS form submitted {self.submitted_at:%Y-%m-%d} ({self.confirmation_number})"


LEDGER_TABLES = [model._meta.db_table for model in (Lot, LedgerEntry, InventoryCount, CountLine,
                                                    DiscrepancyReview, RemsSubmission)]

"""The supervised-session record (issue 10; CLINICAL.md §4-5; DESIGN.md §4.4-4.5).

One ``SessionRecord`` per appointment, opened at check-in. Every clinical row below points at its record
directly (``record``), so that PostgreSQL's lock (``session_record_signed_lock``, migration
``0006_records_tables``' companion ``0007_records_rules``) can find the record of any row in one look-up.
The rules that protect patients are plain PL/pgSQL in those migrations, not in Python.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.links import url_for_public_id

from .scheduling import Appointment

User = settings.AUTH_USER_MODEL

# Physiological bounds (DESIGN.md §4.4): values outside are typing mistakes, refused by CHECK constraints.
VITAL_BOUNDS = {
    "systolic": (40, 300), "diastolic": (20, 200), "heart_rate": (20, 250), "spo2": (50, 100),
    "respiratory_rate": (0, 60),
}


def _bounds(prefix: str, nullable: bool = False) -> list[models.CheckConstraint]:
    out = []
    for field, (low, high) in VITAL_BOUNDS.items():
        condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
        if nullable:
            condition |= Q(**{f"{field}__isnull": True})
        out.append(models.CheckConstraint(condition=condition, name=f"{prefix}_{field}_bounds"))
    return out


@pghistory.track()
class SessionRecord(models.Model):
    """The legal record of one supervised session: opened at check-in, signed (and locked) by a prescriber."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="records")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The thresholds in force when the record was opened (CLINICAL.md §4: settings, stored with the session).
    thresholds = models.JSONField(default=dict)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_with = models.CharField(max_length=10, blank=True, help_text="password or totp")

    class Meta:
        ordering = ["-opened_at"]
        permissions = [
            ("record_session", "Can document a session at the chair (checks, dosing, vitals, discharge)"),
            ("release_hold", "Can release or stop a held session (prescriber's go / stop)"),
            ("override_dose_cap", "Can order a dose above the cap with a reason"),
            ("sign_record", "Can sign and lock a session record"),
            ("write_addendum", "Can write a signed addendum to a session record"),
        ]
        # Records waiting for a signature are few among every record ever signed: the queue, the home counts
        # and the holds read this index, not the whole table (issue 13).
        indexes = [models.Index(fields=["opened_at", "id"], name="record_unsigned_idx",
                                condition=Q(signed_at__isnull=True))]
        constraints = [
            models.UniqueConstraint(fields=["appointment"], name="session_record_one_per_appointment"),
            models.CheckConstraint(condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                                   name="session_record_signed_has_signer"),
        ]

    def __str__(self) -> str:
        return f"Session record of {self.appointment}"

    def get_absolute_url(self) -> str:
        return url_for_public_id("schedule:record")(self.public_id)  # reversed once per process (clinic.links)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class RecordRow(models.Model):
    """What every clinical row of a record has: its record, who wrote it and when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record = models.ForeignKey(SessionRecord, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class PregnancyStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    NOT_PREGNANT = "not_pregnant", "Not pregnant (confirmed)"
    PREGNANT = "pregnant", "Pregnant or breastfeeding"
    UNKNOWN = "unknown", "Unknown"


@pghistory.track()
class PreDoseCheck(RecordRow):
    """The nurse's checks before dosing (CLINICAL.md §4). Baseline vitals are a ``VitalSign`` (baseline)."""

    identity_confirmed = models.BooleanField()
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1)
    weight_entered = models.CharField(max_length=20, help_text="As typed, with its unit (e.g. '165 lb').")
    last_food_at = models.DateTimeField()
    last_liquid_at = models.DateTimeField()
    escort_name = models.CharField(max_length=120, blank=True)
    escort_phone = models.CharField(max_length=40, blank=True)
    escort_confirmed = models.BooleanField()
    pregnancy_status = models.CharField(max_length=20, choices=PregnancyStatus.choices)
    medication_changes = models.TextField(blank=True)
    phq9_answers = models.JSONField()
    phq9_total = models.PositiveSmallIntegerField()
    phq9_item9 = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record"], name="predose_check_one_per_record"),
            # 20-350 kg: anything else is a typing mistake (0, or 700 from a weight in lb typed as kg).
            models.CheckConstraint(condition=Q(weight_kg__gte=20, weight_kg__lte=350),
                                   name="predose_weight_plausible"),
            models.CheckConstraint(condition=Q(phq9_total__lte=27, phq9_item9__lte=3), name="predose_phq9_range"),
            models.CheckConstraint(condition=Q(pregnancy_status__in=PregnancyStatus.values),
                                   name="predose_pregnancy_valid"),
        ]

    def __str__(self) -> str:
        return f"pre dose check of record {self.record_id}"


class HoldKind(models.TextChoices):
    HOLD = "hold", "On hold"
    GO = "go", "Go (released by prescriber)"
    STOP = "stop", "Stop (not given)"


class SessionHoldEvent(RecordRow):
    """Append-only: a failed check holds the session; a prescriber's go or stop, with a reason, releases it.
    The record is held while its latest event is a hold (or a stop, which ends it)."""

    kind = models.CharField(max_length=4, choices=HoldKind.choices)
    reasons = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HoldKind.values), name="hold_event_kind_valid"),
            models.CheckConstraint(condition=Q(reasons__regex=r"\S"), name="hold_event_has_reason"),
        ]

    def __str__(self) -> str:
        return f"session hold event of record {self.record_id}"


class WeightBasis(models.TextChoices):
    ACTUAL = "actual", "Actual weight"
    IDEAL = "ideal", "Ideal body weight"
    ADJUSTED = "adjusted", "Adjusted body weight"


@pghistory.track()
class DoseOrder(RecordRow):
    """The dose and its working (CLINICAL.md §1, §4), so that a second nurse can check every step."""

    route = models.CharField(max_length=20)
    weight_basis = models.CharField(max_length=10, choices=WeightBasis.choices, default=WeightBasis.ACTUAL)
    actual_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    dosing_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    dose_mg = models.DecimalField(max_digits=6, decimal_places=1)
    mg_per_actual_kg = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    cap_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    cap_override_reason = models.TextField(blank=True)
    cap_override_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concentration_mg_per_ml = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    volume_ml = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    diluent_ml = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    final_volume_ml = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    infusion_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_ml_per_h = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record"], name="dose_order_one_per_record"),
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="dose_order_dose_positive"),
            models.CheckConstraint(condition=Q(weight_basis__in=WeightBasis.values), name="dose_order_basis_valid"),
            # CLINICAL.md §1: above the cap (mg per kg of actual weight) only with a prescriber's written reason.
            models.CheckConstraint(
                condition=(Q(cap_mg_per_kg__isnull=True) | Q(mg_per_actual_kg__lte=models.F("cap_mg_per_kg"))
                           | (Q(cap_override_reason__regex=r"\S") & Q(cap_override_by__isnull=False))),
                name="dose_order_above_cap_needs_override"),
            models.CheckConstraint(condition=Q(route="intranasal", dose_mg__in=[56, 84]) | ~Q(route="intranasal"),
                                   name="dose_order_esketamine_56_or_84"),
        ]

    def __str__(self) -> str:
        return f"dose order of record {self.record_id}"


@pghistory.track()
class Administration(RecordRow):
    """What was given (CLINICAL.md §4: drug, NDC, lot, expiry, concentration, volume, rate, start, stop)."""

    drug = models.CharField(max_length=80)
    ndc = models.CharField("NDC", max_length=20)
    lot = models.CharField(max_length=40)
    ledger_lot = models.ForeignKey("clinic_sessions.Lot", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="The ledger's lot it came from (NDC, lot, expiry, "
                                   "concentration copied from it); empty only when no lot was on file.")
    expiry = models.DateField()
    concentration_mg_per_ml = models.DecimalField(max_digits=5, decimal_places=1)
    volume_ml = models.DecimalField(max_digits=6, decimal_places=2)
    rate_ml_per_h = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    pump = models.CharField(max_length=60, blank=True)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    nurse_signed_at = models.DateTimeField(null=True, blank=True)
    nurse_signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record"], name="administration_one_per_record"),
            models.CheckConstraint(condition=Q(volume_ml__gt=0) & Q(concentration_mg_per_ml__gt=0),
                                   name="administration_amounts_positive"),
            models.CheckConstraint(condition=Q(stopped_at__isnull=True) | Q(stopped_at__gt=models.F("started_at")),
                                   name="administration_stop_after_start"),
        ]

    def __str__(self) -> str:
        return f"administration of record {self.record_id}"


class AdministrationChange(RecordRow):
    class Kind(models.TextChoices):
        PAUSE = "pause", "Paused"
        RESUME = "resume", "Resumed"
        RATE = "rate", "Rate changed"

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    at = models.DateTimeField()
    new_rate_ml_per_h = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(reason__regex=r"\S"), name="administration_change_reason")]

    def __str__(self) -> str:
        return f"administration change of record {self.record_id}"


@pghistory.track()
class EsketamineDevice(RecordRow):
    """One 28 mg Spravato device (CLINICAL.md §1 [REG]): at least 5 minutes after the previous one."""

    number = models.PositiveSmallIntegerField()
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="esketamine_device_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=3), name="esketamine_device_number_range"),
        ]

    def __str__(self) -> str:
        return f"esketamine device of record {self.record_id}"


from .record_children import (  # noqa: E402,I001 - they subclass RecordRow above
    AdverseEvent,
    AdverseEventKind,
    Addendum,
    Discharge,
    Dissociation,
    EnteredInError,
    Intervention,
    Severity,
    VitalPhase,
    VitalSign,
)

__all__ = [
    "Addendum", "Administration", "AdministrationChange", "AdverseEvent", "AdverseEventKind", "Discharge",
    "Dissociation", "DoseOrder", "EnteredInError", "EsketamineDevice", "HoldKind", "Intervention", "PreDoseCheck",
    "PregnancyStatus", "RecordRow", "SessionHoldEvent", "SessionRecord", "Severity", "VITAL_BOUNDS", "VitalPhase",
    "VitalSign", "WeightBasis", "_bounds",
]

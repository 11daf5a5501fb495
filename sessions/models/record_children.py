"""The session record's flowsheet, events, discharge and corrections (CLINICAL.md §3-5)."""

import pghistory
from django.db import models
from django.db.models import Q

from .records import RecordRow, _bounds


class VitalPhase(models.TextChoices):
    BASELINE = "baseline", "Baseline (pre-dose)"
    DOSING = "dosing", "During dosing"
    RECOVERY = "recovery", "Recovery"


class Dissociation(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


@pghistory.track()
class VitalSign(RecordRow):
    """One reading of the flowsheet. ``flags`` are the thresholds it crossed, worked out when it was saved
    with the thresholds stored on the record (CLINICAL.md §4)."""

    taken_at = models.DateTimeField()
    phase = models.CharField(max_length=10, choices=VitalPhase.choices)
    systolic = models.PositiveSmallIntegerField()
    diastolic = models.PositiveSmallIntegerField()
    heart_rate = models.PositiveSmallIntegerField()
    spo2 = models.PositiveSmallIntegerField("SpO₂")
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    moaas = models.PositiveSmallIntegerField("MOAA/S", null=True, blank=True)
    dissociation = models.CharField(max_length=10, choices=Dissociation.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["record", "taken_at"], name="vital_record_taken_idx")]
        constraints = [
            *_bounds("vital", nullable=False)[:4],
            models.CheckConstraint(condition=Q(respiratory_rate__isnull=True)
                                   | Q(respiratory_rate__gte=0, respiratory_rate__lte=60),
                                   name="vital_respiratory_rate_bounds"),
            models.CheckConstraint(condition=Q(moaas__isnull=True) | Q(moaas__lte=5), name="vital_moaas_range"),
            models.CheckConstraint(condition=Q(systolic__gt=models.F("diastolic")),
                                   name="vital_systolic_above_diastolic"),
            models.CheckConstraint(condition=Q(phase__in=VitalPhase.values), name="vital_phase_valid"),
        ]

    def __str__(self) -> str:
        return f"vital sign of record {self.record_id}"


class AdverseEventKind(models.TextChoices):
    HYPERTENSION = "hypertension", "Hypertension"
    NAUSEA = "nausea", "Nausea / vomiting"
    EMERGENCE = "emergence", "Emergence reaction / anxiety"
    SEDATION = "sedation", "Excess sedation"
    RESPIRATORY = "respiratory", "Respiratory depression"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


@pghistory.track()
class AdverseEvent(RecordRow):
    kind = models.CharField(max_length=12, choices=AdverseEventKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    occurred_at = models.DateTimeField()
    description = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AdverseEventKind.values), name="adverse_event_kind_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="adverse_event_severity_valid"),
        ]

    def __str__(self) -> str:
        return f"adverse event of record {self.record_id}"


@pghistory.track()
class Intervention(RecordRow):
    """A drug given for an adverse event (CLINICAL.md §4 rescue drugs offered first)."""

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="interventions")
    drug = models.CharField(max_length=80)
    dose = models.CharField(max_length=40)
    route = models.CharField(max_length=20)
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"intervention of record {self.record_id}"


@pghistory.track()
class Discharge(RecordRow):
    """Modified Aldrete from its five parts, each 0-2 (CLINICAL.md §4); >= 9 to discharge."""

    discharged_at = models.DateTimeField()
    activity = models.PositiveSmallIntegerField()
    respiration = models.PositiveSmallIntegerField()
    circulation = models.PositiveSmallIntegerField(help_text="Computed from BP against the baseline.")
    consciousness = models.PositiveSmallIntegerField()
    oxygen = models.PositiveSmallIntegerField()
    aldrete_total = models.PositiveSmallIntegerField()
    systolic = models.PositiveSmallIntegerField(help_text="The BP the circulation score was computed from.")
    escort_present = models.BooleanField()
    instructions_given = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record"], name="discharge_one_per_record"),
            models.CheckConstraint(
                condition=Q(activity__lte=2, respiration__lte=2, circulation__lte=2, consciousness__lte=2,
                            oxygen__lte=2), name="discharge_aldrete_parts_range"),
            models.CheckConstraint(
                condition=Q(aldrete_total=models.F("activity") + models.F("respiration") + models.F("circulation")
                            + models.F("consciousness") + models.F("oxygen")), name="discharge_aldrete_total_sum"),
            models.CheckConstraint(condition=Q(aldrete_total__gte=9), name="discharge_aldrete_at_least_9"),
            models.CheckConstraint(condition=Q(escort_present=True, instructions_given=True),
                                   name="discharge_escort_and_instructions"),
        ]

    def __str__(self) -> str:
        return f"discharge of record {self.record_id}"


class Addendum(RecordRow):
    """A signed correction after the record was signed (CLINICAL.md §5). Append-only."""

    text = models.TextField()
    signed_with = models.CharField(max_length=10)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(text__regex=r"\S"), name="addendum_has_text")]

    def __str__(self) -> str:
        return f"addendum of record {self.record_id}"


class EnteredInError(RecordRow):
    """Marks one row of the record as entered in error, with a reason. The row stays, struck through."""

    target_type = models.CharField(max_length=20)
    target_public_id = models.UUIDField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__regex=r"\S"), name="entered_in_error_has_reason"),
            models.UniqueConstraint(fields=["target_type", "target_public_id"], name="entered_in_error_once"),
        ]

    def __str__(self) -> str:
        return f"entered in error of record {self.record_id}"

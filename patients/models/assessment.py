"""Scored questionnaires (CLINICAL.md §3): intake now, pre-visit questionnaires later add to the same table."""

import uuid

import pgtrigger
from django.db import models
from django.utils import timezone

from patients.models.intake import Intake
from patients.models.patient import Patient


class Instrument(models.TextChoices):
    # Codes match patients.scoring (PHQ9, GAD7, PCL5, CSSRS).
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    PCL5 = "pcl5", "PCL-5"
    CSSRS = "cssrs", "C-SSRS screener"


class AssessmentSource(models.TextChoices):
    INTAKE = "intake", "Intake"
    PRE_VISIT = "pre_visit", "Pre-visit questionnaire"
    CLINICIAN = "clinician", "Entered by a clinician"


class Assessment(models.Model):
    """One completed questionnaire, scored on the server by ``patients.scoring``. Append-only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    intake = models.ForeignKey(Intake, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    source = models.CharField(max_length=20, choices=AssessmentSource.choices)
    answers = models.JSONField()
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=30)
    band_label = models.CharField(max_length=80)
    urgent = models.BooleanField(default=False)
    cutoff = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="PCL-5: the probable-PTSD cutoff in force when scored (PCL5_CUTOFF).")
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["patient", "instrument", "-taken_at"], name="assessment_patient_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(instrument__in=Instrument.values),
                                   name="assessment_instrument_valid"),
            models.CheckConstraint(condition=models.Q(source__in=AssessmentSource.values),
                                   name="assessment_source_valid"),
            # Totals within each instrument's range (CLINICAL.md §3); the C-SSRS has a risk level, no total.
            models.CheckConstraint(
                condition=(models.Q(instrument="phq9", total__gte=0, total__lte=27)
                           | models.Q(instrument="gad7", total__gte=0, total__lte=21)
                           | models.Q(instrument="pcl5", total__gte=0, total__lte=80)
                           | models.Q(instrument="cssrs", total__isnull=True,
                                      band__in=["none", "low", "moderate", "high"])),
                name="assessment_total_in_range",
            ),
        ]
        triggers = [pgtrigger.Protect(name="assessment_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        score = self.total if self.total is not None else self.band_label
        return f"{self.get_instrument_display()} {score} ({self.taken_at:%Y-%m-%d})"

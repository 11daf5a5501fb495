"""The treatment plan a prescriber writes when approving an intake, and Spravato REMS enrolment."""

import uuid
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.clinical import DOSE_CAP_FLOORS_MG_PER_KG
from patients.models.intake import IntakeDecision
from patients.models.patient import Patient


class Route(models.TextChoices):
    IV = "iv", "IV infusion"
    IM = "im", "IM injection"
    INTRANASAL = "intranasal", "Esketamine nasal spray"


# Sanity bounds on a weight-based target dose (mg/kg). CLINICAL.md §1: clinics titrate IV ketamine within
# 0.1–1.0 mg/kg (IM 0.25–0.5), and the per-session caps are clinic settings read by
# clinic.clinical.dose_cap_mg_per_kg (IV 1.0, IM 0.5) that a prescriber may exceed only with a written reason.
# These bounds are wider than that range on purpose: they catch typing errors (a dose in mg, a misplaced
# decimal point), not clinical choices.
DOSE_MIN_MG_PER_KG = Decimal("0.05")  # below the lowest studied dose (0.1): the form refuses it
DOSE_DB_CEILING_MG_PER_KG = Decimal("2")  # twice the default IV cap: PostgreSQL refuses anything above
# The floors of safety PostgreSQL keeps whatever the cap settings say: above the default cap of its route a
# plan must carry the prescriber's written reason. A clinic may set a lower cap (checked in services); a
# higher setting cannot lift these.
DOSE_OVERRIDE_FLOOR_MG_PER_KG = DOSE_CAP_FLOORS_MG_PER_KG["iv"]
# Esketamine doses on the label (CLINICAL.md §1 [REG]): 56 or 84 mg; 56 mg at the first session.
ESKETAMINE_DOSES_MG = (56, 84)
ESKETAMINE_FIRST_DOSE_MG = 56


class TreatmentPlan(models.Model):
    """Route, protocol, target dose and course length, from one approval (CLINICAL.md §1).

    ``protocol_name`` is text: the Protocol model lives in ``sessions/``, which patients must not import.
    Esketamine is dosed in mg per device, not per kg, so its ``target_dose_mg_per_kg`` is empty.
    Append-only: a new plan comes with a new approval.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.OneToOneField(IntakeDecision, on_delete=models.PROTECT, related_name="treatment_plan")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    route = models.CharField(max_length=20, choices=Route.choices)
    protocol_name = models.CharField(max_length=120)
    target_dose_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    dose_override_reason = models.TextField(
        blank=True, help_text="The prescriber's reason for a target dose above the clinic's cap.")  # CLINICAL.md §1
    esketamine_dose_mg = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Esketamine only: the prescriber's ordered dose, 56 or 84 mg (the first session is 56 mg).")
    number_of_sessions = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(route__in=Route.values), name="plan_route_valid"),
            # IV / IM need a weight-based dose; the nasal spray has none (CLINICAL.md §1).
            models.CheckConstraint(
                condition=(models.Q(route="intranasal", target_dose_mg_per_kg__isnull=True)
                           | (~models.Q(route="intranasal")
                              & models.Q(target_dose_mg_per_kg__isnull=False, target_dose_mg_per_kg__gt=0,
                                         target_dose_mg_per_kg__lte=DOSE_DB_CEILING_MG_PER_KG))),
                name="plan_dose_matches_route",
            ),
            # Above the default cap a dose needs a written override reason (CLINICAL.md §1), whatever path
            # wrote the row.
            models.CheckConstraint(
                condition=(models.Q(target_dose_mg_per_kg__isnull=True)
                           | models.Q(route="iv", target_dose_mg_per_kg__lte=DOSE_CAP_FLOORS_MG_PER_KG["iv"])
                           | models.Q(route="im", target_dose_mg_per_kg__lte=DOSE_CAP_FLOORS_MG_PER_KG["im"])
                           | models.Q(dose_override_reason__regex=r"\S")),
                name="plan_dose_above_cap_has_reason",
            ),
            # The esketamine dose is the prescriber's order, on the label's doses (CLINICAL.md §1 [REG]).
            models.CheckConstraint(
                condition=(models.Q(route="intranasal", esketamine_dose_mg__isnull=False,
                                    esketamine_dose_mg__in=ESKETAMINE_DOSES_MG)
                           | (~models.Q(route="intranasal") & models.Q(esketamine_dose_mg__isnull=True))),
                name="plan_esketamine_dose_ordered",
            ),
            models.CheckConstraint(condition=models.Q(number_of_sessions__gte=1, number_of_sessions__lte=52),
                                   name="plan_sessions_in_range"),
        ]
        triggers = [pgtrigger.Protect(name="plan_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        dose = f" {self.target_dose_mg_per_kg} mg/kg" if self.target_dose_mg_per_kg is not None else ""
        if self.esketamine_dose_mg:
            dose = f" {self.esketamine_dose_mg} mg"
        return f"{self.get_route_display()}{dose}, {self.number_of_sessions} sessions ({self.protocol_name})"


class RemsEnrollment(models.Model):
    """Spravato REMS enrolment, required before the first esketamine dose (CLINICAL.md §2 [REG])."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="rems_enrollments")
    enrolled_on = models.DateField(help_text="The date on the enrolment form signed by patient and prescriber.")
    rems_patient_id = models.CharField("REMS patient ID", max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        triggers = [pgtrigger.Protect(name="rems_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"REMS enrolment of {self.enrolled_on:%Y-%m-%d}"

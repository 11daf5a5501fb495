"""Self-referrals from the public start page (issue 8, item 9).

Someone who fills ``/intake/start/`` becomes a *request*, never a patient: the answer they get is the same
whoever they are, nothing is sent and nothing in the registry changes until front desk accepts it (a new
patient and an intake link), merges it with a patient already on file, or discards it.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models

from clinic.db import adult_date_of_birth_trigger, status_transition_trigger
from clinic.models import Location
from patients.validators import MIN_AGE_YEARS


@pghistory.track()
class IntakeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted (new patient)"
        MERGED = "merged", "Merged with a patient on file"
        DISCARDED = "discarded", "Discarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    date_of_birth = models.DateField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="intake_requests")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    patient = models.ForeignKey("patients.Patient", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="intake_requests", help_text="The patient it became or joined.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("handle_intakerequest", "Can accept, merge or discard self-referrals")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "accepted", "merged", "discarded"]),
                                   name="intake_request_status_valid"),
            # Decided means: when, by whom, and (unless discarded) which patient. Pending means none of it.
            models.CheckConstraint(
                condition=(models.Q(status="pending", decided_at__isnull=True, patient__isnull=True)
                           | models.Q(status="discarded", decided_at__isnull=False, patient__isnull=True)
                           | models.Q(status__in=["accepted", "merged"], decided_at__isnull=False,
                                      patient__isnull=False)),
                name="intake_request_decision_complete"),
        ]
        triggers = [  # decided once: a request never goes back to waiting, nor from one outcome to another
            status_transition_trigger(name="intake_request_status_transition", noun="an intake request",
                                      transitions={"pending": ["accepted", "merged", "discarded"]}),
            adult_date_of_birth_trigger(name="intake_request_adult_date_of_birth", min_age_years=MIN_AGE_YEARS),
        ]

    def __str__(self) -> str:
        return f"Intake request from {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

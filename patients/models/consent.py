"""Versioned consent documents and patients' signatures of them (CLINICAL.md §2)."""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.models.intake import Intake
from patients.models.patient import Patient


class ConsentDocument(models.Model):
    """One published version of the consent text. The highest version is current; publishing a new one
    means every patient signs again before their next session. Never edited: a change is a new version."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-version"]
        permissions = [("publish_consentdocument", "Can publish a new consent version")]
        constraints = [models.CheckConstraint(condition=models.Q(version__gte=1), name="consent_version_positive")]
        triggers = [pgtrigger.Protect(name="consent_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ConsentSignature(models.Model):
    """A patient's typed-name signature of one exact consent version, with time, IP and browser."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consent_signatures")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="signatures")
    intake = models.ForeignKey(Intake, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures")
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(typed_name__regex=r"\S"), name="signature_has_name"),
            # An intake is signed once per consent version: a patient re-signs a new version, never the same
            # one twice (a double click must not leave two signatures).
            models.UniqueConstraint(fields=["intake", "document"], name="signature_once_per_intake_version"),
        ]
        triggers = [pgtrigger.Protect(name="signature_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Signed version {self.document.version} at {self.signed_at:%Y-%m-%d %H:%M}"

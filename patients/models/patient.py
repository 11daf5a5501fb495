"""The patient registry (DESIGN.md §2)."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from clinic.models import Location


@pghistory.track()
class Patient(models.Model):
    """A person the clinic treats. Never deleted (DESIGN.md §6); URLs carry ``public_id`` only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_first_name = models.CharField("legal first name", max_length=100)
    legal_last_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="patients")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            # Partial and misspelt name search (pg_trgm, installed by clinic's first migration).
            GinIndex(OpClass(Upper("legal_last_name"), name="gin_trgm_ops"), name="patient_last_name_trgm"),
            GinIndex(OpClass(Upper("legal_first_name"), name="gin_trgm_ops"), name="patient_first_name_trgm"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            GinIndex(OpClass("phone", name="gin_trgm_ops"), name="patient_phone_trgm"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("patients:detail", kwargs={"public_id": self.public_id})

    @property
    def full_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

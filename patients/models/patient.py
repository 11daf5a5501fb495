"""The patient registry (DESIGN.md §2)."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.urls import reverse

from clinic.db import adult_date_of_birth_trigger
from clinic.models import Location
from patients.validators import MIN_AGE_YEARS


class UnaccentUpper(models.Func):
    """``patients_unaccent_upper(text)``: the text without accents, in capitals ("Zoë Ñúñez" → "ZOE NUNEZ").

    A SQL function made by migration 0007, declared IMMUTABLE so that the trigram indexes below can be built
    on it (``unaccent()`` itself is only STABLE: its dictionary could change), and so that PostgreSQL works
    out ``patients_unaccent_upper('query')`` once at plan time and can use those indexes for LIKE. Used on
    both sides of a comparison, so "nunez" finds "Ñúñez" and "Ñúñez" finds "Nunez", whatever the
    database's locale does to ``upper()`` of non-ASCII letters.
    """

    function = "patients_unaccent_upper"
    output_field = models.TextField()


# The stored search keys are worked out by PostgreSQL from the names: the history keeps the names themselves.
@pghistory.track(exclude=["last_name_key", "first_name_key"])
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
    # The names as the search compares them (accents off, in capitals), stored by PostgreSQL with the row:
    # the trigram indexes are built on them, and a misspelt search rechecks its candidates by reading them
    # rather than working each name out again (issue 13: 32 -> 8 ms at 50,000 patients).
    last_name_key = models.GeneratedField(expression=UnaccentUpper("legal_last_name"),
                                          output_field=models.TextField(), db_persist=True)
    first_name_key = models.GeneratedField(expression=UnaccentUpper("legal_first_name"),
                                           output_field=models.TextField(), db_persist=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            # Partial, misspelt and accent-blind name search (pg_trgm, installed by clinic's first migration;
            # unaccent by patients 0007): registering "Nunez" twice because she is on file as "Ñúñez"
            # would split one patient's record in two.
            GinIndex(OpClass("last_name_key", name="gin_trgm_ops"), name="patient_last_key_trgm"),
            GinIndex(OpClass("first_name_key", name="gin_trgm_ops"), name="patient_first_key_trgm"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            GinIndex(OpClass("phone", name="gin_trgm_ops"), name="patient_phone_trgm"),
        ]
        triggers = [adult_date_of_birth_trigger(name="patient_adult_date_of_birth", min_age_years=MIN_AGE_YEARS)]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("patients:detail", kwargs={"public_id": self.public_id})

    @property
    def full_name(self) -> str:
        return self.name_from(self.legal_first_name, self.legal_last_name)

    @staticmethod
    def name_from(legal_first_name: str, legal_last_name: str) -> str:
        """The name pages show, from the two fields: also for lists read as values, not as patients."""
        return f"{legal_first_name} {legal_last_name}"

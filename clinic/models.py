"""Cross-cutting models: a clinic site (DESIGN.md §2)."""

import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def validate_iana_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("%(value)s is not an IANA time zone (e.g. America/New_York).", params={"value": value})


class Location(models.Model):
    """A clinic site. Appointments are chosen in its wall time and stored in UTC (DESIGN.md §5)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="Shown to patients, e.g. with crisis resources.")
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_iana_time_zone])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

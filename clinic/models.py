"""Cross-cutting models: a clinic site (DESIGN.md §2)."""

import datetime
import uuid
import zoneinfo

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models


def default_open_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday


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
    # Scheduling (issue 4): bookings must start and end inside these local hours on these weekdays.
    opens_at = models.TimeField(default=datetime.time(8, 0), help_text="Local wall time.")
    closes_at = models.TimeField(default=datetime.time(18, 0), help_text="Local wall time.")
    open_weekdays = ArrayField(
        models.PositiveSmallIntegerField(), default=default_open_weekdays,
        help_text="Days the clinic books sessions: 0 = Monday … 6 = Sunday, comma-separated.",
    )
    # DESIGN.md §4.3: one nurse watches at most N patients at once (e.g. 1:4).
    nurse_patient_ratio = models.PositiveSmallIntegerField(
        "nurse-to-patient ratio", default=4, help_text="Patients one nurse may watch at the same time."
    )
    # Spravato REMS (CLINICAL.md §5 [REG]): a healthcare setting must be certified before esketamine is given
    # there; without a current certification esketamine cannot be booked at this location.
    rems_certification_number = models.CharField("Spravato REMS certification number", max_length=40, blank=True)
    rems_certification_expires_on = models.DateField("REMS certification expires on", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                   name="location_opens_before_it_closes"),
            models.CheckConstraint(condition=models.Q(nurse_patient_ratio__gte=1),
                                   name="location_nurse_ratio_positive"),
            models.CheckConstraint(condition=models.Q(open_weekdays__contained_by=[0, 1, 2, 3, 4, 5, 6]),
                                   name="location_open_weekdays_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def rems_certified_on(self, day: datetime.date) -> bool:
        """A current Spravato REMS site certification on ``day``."""
        expires = self.rems_certification_expires_on
        return bool(self.rems_certification_number.strip()) and expires is not None and day <= expires

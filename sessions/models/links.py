"""The patient's appointment link (DESIGN.md §6)."""

from django.db import models
from django.db.models import Q

from .scheduling import Appointment


class AppointmentLink(models.Model):
    """The patient's link for one appointment (DESIGN.md §6): only a SHA-256 hash of the token is stored;
    it expires after the appointment, can be revoked, and shows nothing before a date-of-birth check."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="link")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(created_at__lt=models.F("expires_at")),
                                              name="appointment_link_expires_after_creation")]

    def __str__(self) -> str:
        return f"Link for appointment {self.appointment_id}"

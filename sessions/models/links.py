"""The patient's appointment link (DESIGN.md §6): a patient link like the intake's (``PatientLinkBase``),
issued, opened and checked by the one patient-link service (``patients.services.patient_links``)."""

from django.db import models
from django.db.models import Q

from patients.models import PatientLinkBase

from .scheduling import Appointment


class AppointmentLink(PatientLinkBase):
    """The patient's link for one appointment: it shows nothing before a date-of-birth check, expires an hour
    after the appointment, is used once the appointment is completed and revoked when it is cancelled,
    moved or missed. A new link for the appointment replaces the old one (the same row, a new token)."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="link")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(created_at__lt=models.F("expires_at")),
                                   name="appointment_link_expires_after_creation"),
            models.CheckConstraint(condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106
                                   name="appointment_link_hash_is_sha256"),
        ]

    def __str__(self) -> str:
        return f"Link for appointment {self.appointment_id}"

    @property
    def link_patient(self):
        return self.appointment.patient

    @property
    def link_location(self):
        return self.appointment.location

    def purpose_over(self) -> bool:
        return not self.appointment.is_occupying

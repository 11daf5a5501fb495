"""Whether an e-mail to a patient about an appointment went out (no address, no text: DESIGN.md §6)."""

from django.db import models
from django.utils import timezone

from .scheduling import Appointment


class AppointmentEmail(models.Model):
    """One attempt to e-mail the patient about an appointment (for a course: its first session), written
    right after the sending, whether it worked or not. The page that made the booking reads it to tell the
    front desk to phone the patient when it did not; the clinic can also see what each patient was sent."""

    class Kind(models.TextChoices):
        BOOKED = "appointment_booked", "Booked"
        COURSE_BOOKED = "course_booked", "Course booked"
        MOVED = "appointment_moved", "Moved"
        CANCELLED = "appointment_cancelled", "Cancelled"

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    sent = models.BooleanField()
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=["appointment_booked", "course_booked",
                                                                           "appointment_moved",
                                                                           "appointment_cancelled"]),
                                              name="appointment_email_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} e-mail for appointment {self.appointment_id}: " + (
            "sent" if self.sent else "not sent")

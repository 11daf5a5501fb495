"""What every patient link is (DESIGN.md §6): intake, consent and appointment links share these fields and
their states; ``patients.services.patient_links`` is the one service that issues, opens and checks them."""

from django.db import models
from django.utils import timezone


class PatientLinkBase(models.Model):
    """A link a patient opens without an account. Only the SHA-256 of the token is kept; the link works for
    one purpose until that is done (used), it expires or is revoked, and locks after too many wrong dates of
    birth. A concrete link says whose it is (``link_patient``) and may end with its purpose (``purpose_over``)."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_dob_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def link_patient(self):
        """Whose link this is: each kind of link answers from its own row (the intake's or the appointment's
        patient). Abstract: ``PatientLink`` and ``AppointmentLink`` both define it."""
        raise NotImplementedError

    @property
    def link_location(self):
        """The clinic to call about this link (its phone is not PHI)."""
        return self.link_patient.location

    def purpose_over(self) -> bool:
        """The purpose ended elsewhere (an appointment cancelled): the link is dead as if revoked."""
        return False

    @property
    def state(self) -> str:
        """active, used, revoked, locked or expired: what a patient opening it would meet."""
        if self.revoked_at or self.purpose_over():
            return "revoked"
        if self.used_at:
            return "used"
        if self.locked_at:
            return "locked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

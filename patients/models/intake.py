"""The online intake, the patient links that open it, and the prescriber's decisions on it."""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from clinic.db import status_transition_trigger
from patients.models.link_base import PatientLinkBase
from patients.models.patient import Patient


class IntakeStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    NEEDS_INFO = "needs_info", "Needs information"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


# Which status may follow which. A decided intake may be decided again (a new, signed decision). While the
# patient is answering a request for more information (needs_info) nobody decides: the prescriber would be
# deciding on answers that are still changing, and the patient's link would stay open after the decision.
INTAKE_TRANSITIONS: dict[str, set[str]] = {
    IntakeStatus.INVITED: {IntakeStatus.IN_PROGRESS, IntakeStatus.SUBMITTED},
    IntakeStatus.IN_PROGRESS: {IntakeStatus.SUBMITTED},
    IntakeStatus.SUBMITTED: {IntakeStatus.APPROVED, IntakeStatus.NEEDS_INFO, IntakeStatus.DECLINED},
    IntakeStatus.NEEDS_INFO: {IntakeStatus.SUBMITTED},
    IntakeStatus.APPROVED: {IntakeStatus.NEEDS_INFO, IntakeStatus.DECLINED},
    IntakeStatus.DECLINED: {IntakeStatus.APPROVED, IntakeStatus.NEEDS_INFO},
}
# The patient may type into the intake only in these statuses.
EDITABLE_STATUSES = (IntakeStatus.INVITED, IntakeStatus.IN_PROGRESS, IntakeStatus.NEEDS_INFO)
# A prescriber may decide on a submitted intake, or change an earlier decision (a new signed row).
DECIDABLE_STATUSES = (IntakeStatus.SUBMITTED, IntakeStatus.APPROVED, IntakeStatus.DECLINED)
OPEN_STATUSES = EDITABLE_STATUSES
LOCKED_STATUSES = [IntakeStatus.SUBMITTED, IntakeStatus.APPROVED, IntakeStatus.DECLINED]


@pghistory.track()
class Intake(models.Model):
    """One intake questionnaire for one patient. ``answers`` holds the saved steps, keyed by step slug;
    ``drafts`` what was typed into a step that did not validate yet (so nothing typed is lost)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    status = models.CharField(max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.INVITED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict, blank=True)
    drafts = models.JSONField(default=dict, blank=True)
    screening = models.JSONField(default=dict, blank=True, help_text="The screening result when submitted.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Safety escalation (CLINICAL.md §3): set at once when an answer is high risk; stays until acknowledged.
    urgent_at = models.DateTimeField(null=True, blank=True)
    urgent_reasons = models.JSONField(default=list, blank=True)
    urgent_acknowledged_at = models.DateTimeField(null=True, blank=True)
    urgent_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_intake_answers", "Can see intake answers, scores and screening"),
            ("decide_intake", "Can approve, decline or ask for more information on an intake"),
            ("send_intake_invitation", "Can send, resend and revoke intake links"),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"], name="intake_status_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=IntakeStatus.values), name="intake_status_valid"),
            models.CheckConstraint(
                condition=models.Q(urgent_acknowledged_at__isnull=True) | models.Q(urgent_at__isnull=False),
                name="intake_ack_needs_urgent",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=LOCKED_STATUSES) | models.Q(submitted_at__isnull=False),
                name="intake_decided_was_submitted",
            ),
        ]
        triggers = [
            # A submitted intake's answers are what the prescriber decided on: they never change.
            pgtrigger.Protect(
                name="intake_submitted_answers_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=LOCKED_STATUSES)
                & (pgtrigger.Q(old__answers__df=pgtrigger.F("new__answers"))
                   | pgtrigger.Q(old__drafts__df=pgtrigger.F("new__drafts"))),
            ),
            pgtrigger.Protect(name="intake_never_deleted", operation=pgtrigger.Delete),
            # Approval is what lets a patient be booked: no path but the services' may move the status.
            status_transition_trigger(name="intake_status_transition", noun="an intake",
                                      transitions=INTAKE_TRANSITIONS),
        ]

    def __str__(self) -> str:
        return f"Intake {self.public_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("patients:intake_review", kwargs={"public_id": self.public_id})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_decidable(self) -> bool:
        return self.status in DECIDABLE_STATUSES

    @property
    def is_urgent(self) -> bool:
        """Flagged and not yet acknowledged by a prescriber."""
        return self.urgent_at is not None and self.urgent_acknowledged_at is None

    def can_move_to(self, status: str) -> bool:
        return status in INTAKE_TRANSITIONS.get(self.status, set())


class LinkPurpose(models.TextChoices):
    INTAKE = "intake", "Fill in the intake"
    CONSENT = "consent", "Sign the current consent"


class PatientLink(PatientLinkBase):
    """An intake or consent link (DESIGN.md §6); see ``PatientLinkBase`` for what every patient link is."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="links")
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices, default=LinkPurpose.INTAKE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(purpose__in=LinkPurpose.values), name="link_purpose_valid"),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="link_expires_after_created"),
            models.CheckConstraint(condition=models.Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106
                                   name="link_hash_is_sha256"),
            # One live link per intake and purpose (DESIGN.md §6: only the newest link works). Live = neither
            # revoked nor used; an expired or locked link still counts until it is revoked, which is what
            # issuing a new one does first. (Expiry depends on now(), which an index condition cannot use.)
            models.UniqueConstraint(fields=["intake", "purpose"], name="link_one_live_per_intake_purpose",
                                    condition=models.Q(revoked_at__isnull=True, used_at__isnull=True)),
        ]
        triggers = [pgtrigger.Protect(name="link_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link {self.public_id}"

    @property
    def link_patient(self):
        return self.intake.patient


class DecisionKind(models.TextChoices):
    APPROVE = "approve", "Approved"
    REQUEST_INFO = "request_info", "More information requested"
    DECLINE = "decline", "Declined"


DECISION_STATUS = {
    DecisionKind.APPROVE: IntakeStatus.APPROVED,
    DecisionKind.REQUEST_INFO: IntakeStatus.NEEDS_INFO,
    DecisionKind.DECLINE: IntakeStatus.DECLINED,
}


class IntakeDecision(models.Model):
    """A prescriber's signed eligibility decision. Append-only: a change of mind is a new decision."""

    Kind = DecisionKind

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    message = models.TextField(blank=True, help_text="To the patient (more information) or the reason (decline).")
    sections = models.JSONField(default=list, blank=True, help_text="Intake steps the patient is asked to revisit.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DecisionKind.values), name="decision_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(kind="approve") | ~models.Q(message=""), name="decision_needs_message_or_reason"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="decision_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by} at {self.decided_at:%Y-%m-%d %H:%M}"

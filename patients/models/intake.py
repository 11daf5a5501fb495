"""The online intake, the patient links that open it, and the prescriber's decisions on it."""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.db import status_transition_trigger
from clinic.links import url_for_public_id
from patients.models.link_base import PatientLinkBase
from patients.models.patient import Patient

# The C-SSRS high-risk reason starts so (patients.scoring.URGENT_CSSRS_HIGH): "Immediate evaluation".
URGENT_IMMEDIATE_PREFIX = "C-SSRS high risk"


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
    # When the on-call address was e-mailed about the current flag (CLINICAL.md §3); empty = not (yet) sent.
    urgent_notified_at = models.DateTimeField(null=True, blank=True)
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
        return url_for_public_id("patients:intake_review")(self.public_id)  # reversed once per process (clinic.links)

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

    @property
    def urgent_label(self) -> str:
        """CLINICAL.md §3: high C-SSRS risk is "Immediate evaluation"; PHQ-9 item 9 a same-day review."""
        if any(str(reason).startswith(URGENT_IMMEDIATE_PREFIX) for reason in self.urgent_reasons):
            return "Immediate evaluation"
        return "Same-day review"

    @property
    def has_contraindication(self) -> bool:
        """The screening at submission found an absolute contraindication (CLINICAL.md §2)."""
        return bool((self.screening or {}).get("has_contraindication"))

    def can_move_to(self, status: str) -> bool:
        return status in INTAKE_TRANSITIONS.get(self.status, set())


class UrgentAcknowledgement(models.Model):
    """What a prescriber did about an urgent flag (CLINICAL.md §3): who, when, and a short note ("called the
    patient, safe, plan…"). Append-only: a later flag gets a later row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="urgent_acknowledgements")
    note = models.TextField()
    reasons = models.JSONField(default=list, blank=True, help_text="The flag's reasons when acknowledged.")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(note__regex=r"\S"), name="urgent_ack_has_note")]
        triggers = [
            pgtrigger.Protect(name="urgent_ack_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Urgent flag acknowledged by {self.acknowledged_by} at {self.acknowledged_at:%Y-%m-%d %H:%M}"


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
    contraindication_override_reason = models.TextField(
        blank=True, help_text="Approval despite an absolute contraindication: the prescriber's written reason.")
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
            # CLINICAL.md §2: an absolute contraindication blocks approval unless the prescriber writes a reason;
            # no approval while an urgent suicide-risk flag is unacknowledged. Whatever path writes the row.
            pgtrigger.Trigger(
                name="decision_approval_safety", operation=pgtrigger.Insert, when=pgtrigger.Before,
                condition=pgtrigger.Q(new__kind="approve"),
                func="""
    IF EXISTS (SELECT 1 FROM patients_intake i WHERE i.id = NEW.intake_id
               AND i.urgent_at IS NOT NULL AND i.urgent_acknowledged_at IS NULL) THEN
        RAISE EXCEPTION 'an intake with an unacknowledged urgent flag cannot be approved'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'decision_approval_safety';
    END IF;
    IF NEW.contraindication_override_reason !~ '\\S' AND EXISTS (
        SELECT 1 FROM patients_intake i WHERE i.id = NEW.intake_id
        AND COALESCE((i.screening ->> 'has_contraindication')::boolean, false)) THEN
        RAISE EXCEPTION 'approval with an absolute contraindication needs a written reason'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'decision_approval_safety';
    END IF;
    RETURN NEW;
    """),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by} at {self.decided_at:%Y-%m-%d %H:%M}"

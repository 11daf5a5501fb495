"""The patient's intake: steps and drafts, urgent flags, submission, assessments."""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from patients import intake_steps, screening
from patients.models import (
    Assessment,
    AssessmentSource,
    ConsentSignature,
    Intake,
    IntakeStatus,
    LinkPurpose,
    Patient,
    UrgentAcknowledgement,
)

from .consent import consent_document_current
from .errors import BadTransition, IntakeError, IntakeIncomplete, IntakeNotEditable
from .locks import _locked_intake
from .patient_links import links_end

logger = logging.getLogger(__name__)


def _set_status(intake: Intake, status: str) -> None:
    if intake.status == status:
        return
    if not intake.can_move_to(status):
        raise BadTransition(f"An intake that is {intake.get_status_display().lower()} cannot become "
                            f"{IntakeStatus(status).label.lower()}.")
    intake.status = status
    intake.status_changed_at = timezone.now()


@transaction.atomic
def intake_step_save(*, intake: Intake, step: str, data: dict[str, Any]) -> Intake:
    """Save one step's validated answers (JSON values). Questionnaires are scored at once so that a
    high-risk answer escalates now, not at submission (CLINICAL.md §3)."""
    intake = _locked_intake(intake)
    if not intake.is_editable:
        raise IntakeNotEditable("This intake has been sent to the clinic and can no longer be changed.")
    if step not in intake_steps.ANSWER_STEPS:
        raise IntakeError(f"Unknown step {step!r}.")
    if step in intake_steps.QUESTIONNAIRE_STEPS:
        result = intake_steps.score_step(step, data, pcl5_cutoff=settings.PCL5_CUTOFF)
        if result.urgent:
            _flag_urgent(intake, result.urgent_reasons)
    intake.answers = {**intake.answers, step: data}
    intake.drafts = {key: value for key, value in intake.drafts.items() if key != step}
    if intake.status == IntakeStatus.INVITED:
        _set_status(intake, IntakeStatus.IN_PROGRESS)
    intake.save()
    return intake

DRAFT_MAX_KEYS = 400  # the largest step (past treatments: 30 trial rows × 8 names + the rest) stays below
DRAFT_MAX_VALUES_PER_KEY = 20  # a multiple choice has at most a handful
DRAFT_MAX_CHARS = 3000  # the longest intake field (current medications) takes 3,000


def clean_draft(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Make typed-in data storable as JSON in PostgreSQL: no NUL (jsonb refuses \\u0000), bounded sizes.
    The caller keeps only its form's own field names; this is the last line before the database."""
    clean: dict[str, list[str]] = {}
    for key, values in list(raw.items())[:DRAFT_MAX_KEYS]:
        key = str(key).replace("\x00", "")[:100]
        if key:
            clean[key] = [str(value).replace("\x00", "")[:DRAFT_MAX_CHARS] for value in values][
                :DRAFT_MAX_VALUES_PER_KEY]
    return clean


@transaction.atomic
def intake_draft_save(*, intake: Intake, step: str, raw: dict[str, list[str]]) -> bool:
    """Keep what was typed into a step that did not validate yet, so that nothing typed is lost. Returns
    whether it was kept (not when the intake can no longer be edited)."""
    intake = _locked_intake(intake)
    if intake.is_editable and step in intake_steps.STEPS_BY_SLUG:
        intake.drafts = {**intake.drafts, step: clean_draft(raw)}
        intake.save(update_fields=["drafts", "updated_at"])
        return True
    return False


@transaction.atomic
def intake_urgent_flag(*, intake: Intake, reasons) -> Intake:
    """Raise the urgent flag for high-risk answers seen in a questionnaire that is not finished yet
    (CLINICAL.md §3: a high-risk answer reaches the clinicians at once, complete or not)."""
    intake = _locked_intake(intake)
    if reasons:
        _flag_urgent(intake, reasons)
        intake.save(update_fields=["urgent_at", "urgent_reasons", "urgent_acknowledged_at",
                                   "urgent_acknowledged_by", "urgent_notified_at", "updated_at"])
    return intake


def _flag_urgent(intake: Intake, reasons) -> None:
    new = [reason for reason in reasons if reason not in intake.urgent_reasons]
    if intake.is_urgent and not new:
        return
    intake.urgent_reasons = [*intake.urgent_reasons, *new]
    if not intake.is_urgent:  # a new high-risk answer after an acknowledgement raises the flag again
        intake.urgent_at = timezone.now()
        intake.urgent_acknowledged_at = None
        intake.urgent_acknowledged_by = None
        intake.urgent_notified_at = None
        # CLINICAL.md §3: the on-call address hears of it at once, once the flag is committed.
        transaction.on_commit(lambda: urgent_oncall_notify(intake_id=intake.pk))


@transaction.atomic
def intake_urgent_acknowledge(*, intake: Intake, acknowledged_by, note: str) -> Intake:
    """A prescriber acknowledges an urgent flag, on any intake that has one (finished or not), writing what
    was done ("called the patient, safe, plan…"): an append-only row (CLINICAL.md §3)."""
    intake = _locked_intake(intake)
    if not intake.is_urgent:
        raise IntakeError("There is no urgent flag to acknowledge on this intake.")
    note = (note or "").strip()
    if not note:
        raise IntakeError("Write what was done (e.g. “called the patient, safe, plan…”) to acknowledge the flag.")
    now = timezone.now()
    UrgentAcknowledgement.objects.create(intake=intake, note=note[:2000], reasons=list(intake.urgent_reasons),
                                         acknowledged_by=acknowledged_by, acknowledged_at=now)
    intake.urgent_acknowledged_at = now
    intake.urgent_acknowledged_by = acknowledged_by
    intake.save(update_fields=["urgent_acknowledged_at", "urgent_acknowledged_by", "updated_at"])
    return intake


def urgent_oncall_notify(*, intake_id: int) -> bool:
    """E-mail the clinic's on-call address that an intake needs attention now, and record when (the queue
    shows it). Runs after commit. No clinical words and no patient name: a link to the review, built from
    ``SITE_URL`` (DESIGN.md §6). Returns whether it was sent; a failure is logged and leaves the time empty."""
    intake = Intake.objects.filter(pk=intake_id).only("public_id", "urgent_at").first()
    if intake is None or not settings.CLINIC_ONCALL_EMAIL:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("patients:intake_review", kwargs={"public_id": intake.public_id})
    body = (f"An intake at {settings.CLINIC_NAME} needs a clinician's attention now.\n\n"
            f"Open it (sign-in required): {link}\n\nFlagged at {timezone.localtime(intake.urgent_at):%Y-%m-%d %H:%M}.")
    try:
        send_mail(f"{settings.CLINIC_NAME}: an intake needs attention now", body, None,
                  [settings.CLINIC_ONCALL_EMAIL])
    except Exception:  # the flag stands and the queue shows "not sent": never lose the flag to a mail error
        logger.exception("On-call e-mail for intake %s could not be sent", intake.public_id)
        return False
    Intake.objects.filter(pk=intake_id, urgent_notified_at__isnull=True).update(urgent_notified_at=timezone.now())
    return True


def intake_current_signature(intake: Intake) -> ConsentSignature | None:
    document = consent_document_current()
    if document is None:
        return None
    return intake.signatures.filter(document=document).first()


@transaction.atomic
def intake_submit(*, intake: Intake) -> Intake:
    """Send the intake to the prescribers. Refused until every required step is saved and the current
    consent is signed; then scored into assessments, screened, and read-only to the patient."""
    intake = _locked_intake(intake)
    if not intake.is_editable:
        raise IntakeNotEditable("This intake has already been sent to the clinic.")
    missing = [step.title for step in intake_steps.missing_steps(intake.answers)]
    if intake_current_signature(intake) is None:
        missing.append(intake_steps.STEPS_BY_SLUG["consent"].title + " (signature)")
    if missing:
        raise IntakeIncomplete(missing)
    now = timezone.now()
    for step in intake_steps.steps_for(intake.answers):
        if step.slug in intake_steps.QUESTIONNAIRE_STEPS:
            assessment_record(patient=intake.patient, intake=intake, instrument=step.slug,
                              answers=intake.answers[step.slug], source=AssessmentSource.INTAKE, taken_at=now)
    result = screening.screen(intake_steps.screening_input(intake.answers))
    intake.screening = {
        "findings": [asdict(finding) for finding in result.findings],
        "has_contraindication": result.has_contraindication,
        "needs_review": result.needs_review,
        "trd_met": result.trd_met,
        "screened_at": now.isoformat(),
    }
    intake.drafts = {}
    intake.submitted_at = now
    _set_status(intake, IntakeStatus.SUBMITTED)
    intake.save()
    links_end(queryset=intake.links.filter(purpose=LinkPurpose.INTAKE), now=now, used=True)
    return intake


@transaction.atomic
def assessment_record(*, patient: Patient, instrument: str, answers: dict[str, Any], source: str,
                      intake: Intake | None = None, taken_at: datetime.datetime | None = None) -> Assessment:
    """Score on the server and store one questionnaire (CLINICAL.md §3)."""
    result = intake_steps.score_step(instrument, answers, pcl5_cutoff=settings.PCL5_CUTOFF)
    return Assessment.objects.create(
        patient=patient, intake=intake, instrument=instrument, source=source, answers=result.answers,
        total=result.total, band=result.band, band_label=result.band_label, urgent=result.urgent,
        cutoff=settings.PCL5_CUTOFF if instrument == "pcl5" else None, taken_at=taken_at or timezone.now(),
    )

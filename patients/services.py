"""Every write that matters in the patients app (DESIGN.md §3): atomic, keyword-only, named <noun>_<verb>.

A broken rule raises one of the exceptions below; views turn them into messages the user can act on.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from patients import intake_steps, screening
from patients.models import (
    Assessment,
    AssessmentSource,
    ConsentDocument,
    ConsentSignature,
    Intake,
    IntakeDecision,
    IntakeStatus,
    LinkPurpose,
    Patient,
    PatientLink,
    RemsEnrollment,
    Route,
    TreatmentPlan,
)
from patients.models.intake import DECISION_STATUS, OPEN_STATUSES, DecisionKind
from patients.models.plan import DOSE_DB_CEILING_MG_PER_KG, DOSE_MIN_MG_PER_KG, DOSE_OVERRIDE_FLOOR_MG_PER_KG

logger = logging.getLogger(__name__)

class IntakeError(Exception):
    """A rule of the intake was broken; the message says what to do."""


class IntakeNotEditable(IntakeError):
    pass


class IntakeIncomplete(IntakeError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("Some answers are still needed: " + "; ".join(missing) + ".")


class BadTransition(IntakeError):
    pass


class AlreadySigned(IntakeError):
    """This intake already carries a signature of this consent version."""

    def __init__(self, signature: ConsentSignature):
        self.signature = signature
        super().__init__("You have already signed this version of the consent.")


class LinkUnusable(Exception):
    """The link cannot be used; ``reason`` is one of unknown, expired, revoked, used, locked."""

    def __init__(self, reason: str, link: PatientLink | None = None):
        self.reason = reason
        self.link = link
        super().__init__(reason)


@dataclass(frozen=True)
class IssuedLink:
    link: PatientLink
    token: str  # shown once, never stored
    url: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- Links and invitations ---------------------------------------------------------------------------


def _link_issue(*, intake: Intake, purpose: str, created_by, base_url: str) -> IssuedLink:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PatientLink.objects.create(
        intake=intake, purpose=purpose, token_hash=token_hash(token), created_by=created_by,
        created_at=now, expires_at=now + datetime.timedelta(days=settings.INTAKE_LINK_DAYS),
    )
    url = base_url.rstrip("/") + reverse("intake:link", kwargs={"token": token})
    return IssuedLink(link=link, token=token, url=url)


def _links_revoke(*, intake: Intake, purpose: str, revoked_by) -> int:
    return PatientLink.objects.filter(
        intake=intake, purpose=purpose, revoked_at__isnull=True, used_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=revoked_by)


def _link_email(*, patient: Patient, issued: IssuedLink, purpose: str, reason: str = "") -> None:
    """E-mail the link once the transaction commits: a rolled-back invitation sends nothing, and a slow or
    failing mail server never holds row locks or turns into an error page. The e-mail carries a link and a
    date only: no name, no diagnosis (DESIGN.md §6). ``emailed_at`` is set only when the server took it."""
    if not patient.email:
        return
    context = {"url": issued.url, "expires_at": issued.link.expires_at, "clinic_name": settings.CLINIC_NAME,
               "purpose": purpose, "reason": reason, "phone": patient.location.phone}
    recipient, link_pk, link_id = patient.email, issued.link.pk, issued.link.public_id

    def send() -> None:
        try:
            subject = render_to_string("emails/intake_link_subject.txt", context).strip()
            body = render_to_string("emails/intake_link.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except Exception as error:  # SMTP down, address refused…: the link stays valid; staff can copy it
            # No address, name or message text in the log (DESIGN.md §6): the link's public id and the error class.
            logger.warning("Patient link %s: e-mail not sent (%s)", link_id, type(error).__name__)
            return
        PatientLink.objects.filter(pk=link_pk).update(emailed_at=timezone.now())

    transaction.on_commit(send)


def _open_intake(patient: Patient) -> Intake | None:
    return patient.intakes.filter(status__in=OPEN_STATUSES).order_by("-created_at").first()


@transaction.atomic
def invitation_send(*, patient: Patient, sent_by, base_url: str, by_email: bool = True) -> IssuedLink:
    """Send (or resend) an intake link. Reuses the patient's open intake, or starts one; any earlier
    unused link to it stops working, so only the newest link is live."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    intake = _open_intake(patient)
    if intake is None:
        if patient.intakes.filter(status=IntakeStatus.SUBMITTED).exists():
            raise IntakeError("This patient's intake is submitted and waiting for a prescriber: no new link needed.")
        intake = Intake.objects.create(patient=patient, created_by=sent_by)
    _links_revoke(intake=intake, purpose=LinkPurpose.INTAKE, revoked_by=sent_by)
    issued = _link_issue(intake=intake, purpose=LinkPurpose.INTAKE, created_by=sent_by, base_url=base_url)
    if by_email:
        if not patient.email:
            raise IntakeError("This patient has no e-mail address: add one, or copy the link for a text message.")
        _link_email(patient=patient, issued=issued, purpose=LinkPurpose.INTAKE)
    return issued


@transaction.atomic
def invitation_revoke(*, intake: Intake, revoked_by) -> int:
    """Stop every unused intake link of this intake. Returns how many were live."""
    return _links_revoke(intake=intake, purpose=LinkPurpose.INTAKE, revoked_by=revoked_by)


@transaction.atomic
def consent_link_send(*, patient: Patient, sent_by, base_url: str, by_email: bool = True) -> IssuedLink:
    """A link for signing the current consent again (after a manager published a new version)."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)  # one live consent link at a time
    intake = patient.intakes.order_by("-created_at").first()
    if intake is None:
        raise IntakeError("This patient has no intake yet: send the intake link, which includes the consent.")
    _links_revoke(intake=intake, purpose=LinkPurpose.CONSENT, revoked_by=sent_by)
    issued = _link_issue(intake=intake, purpose=LinkPurpose.CONSENT, created_by=sent_by, base_url=base_url)
    if by_email and patient.email:
        _link_email(patient=patient, issued=issued, purpose=LinkPurpose.CONSENT)
    return issued


@transaction.atomic
def intake_self_refer(*, first_name: str, last_name: str, email: str, date_of_birth: datetime.date,
                      location, base_url: str) -> None:
    """The public start page. Says nothing about whether the e-mail is known: a known patient with an open
    intake gets a fresh link to it; a known patient whose intake is already with the clinic gets nothing
    new; anyone else becomes a new patient with a new intake. Either way only an e-mail goes out."""
    known = Patient.objects.filter(email__iexact=email, date_of_birth=date_of_birth).order_by("-created_at").first()
    if known is not None:
        if _open_intake(known) is not None or not known.intakes.exists():
            invitation_send(patient=known, sent_by=None, base_url=base_url)
        return
    patient = Patient(legal_first_name=first_name, legal_last_name=last_name, email=email,
                      date_of_birth=date_of_birth, location=location)
    patient.full_clean()
    patient.save()
    invitation_send(patient=patient, sent_by=None, base_url=base_url)


def link_resolve(*, token: str, purpose: str | None = None) -> PatientLink:
    """The live link behind a token, or LinkUnusable saying why not."""
    if not token or len(token) > 100:
        raise LinkUnusable("unknown")
    link = PatientLink.objects.select_related("intake__patient__location").filter(token_hash=token_hash(token)).first()
    if link is None or (purpose and link.purpose != purpose):
        raise LinkUnusable("unknown")
    if link.state != "active":
        raise LinkUnusable(link.state, link)
    return link


@transaction.atomic
def link_verify_dob(*, link: PatientLink, date_of_birth: datetime.date) -> bool:
    """Check the date of birth; count a wrong one and lock the link at INTAKE_DOB_ATTEMPTS (DESIGN.md §6)."""
    link = PatientLink.objects.select_for_update().select_related("intake__patient").get(pk=link.pk)
    if link.state != "active":
        raise LinkUnusable(link.state, link)
    if date_of_birth == link.intake.patient.date_of_birth:
        if link.failed_dob_attempts:
            link.failed_dob_attempts = 0
            link.save(update_fields=["failed_dob_attempts"])
        return True
    link.failed_dob_attempts += 1
    if link.failed_dob_attempts >= settings.INTAKE_DOB_ATTEMPTS:
        link.locked_at = timezone.now()
    link.save(update_fields=["failed_dob_attempts", "locked_at"])
    return False


# --- The intake itself ---------------------------------------------------------------------------------


def _locked_intake(intake: Intake) -> Intake:
    return Intake.objects.select_for_update().select_related("patient__location").get(pk=intake.pk)


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
                                   "urgent_acknowledged_by", "updated_at"])
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


@transaction.atomic
def intake_urgent_acknowledge(*, intake: Intake, acknowledged_by) -> Intake:
    intake = _locked_intake(intake)
    if not intake.is_urgent:
        raise IntakeError("There is no urgent flag to acknowledge on this intake.")
    intake.urgent_acknowledged_at = timezone.now()
    intake.urgent_acknowledged_by = acknowledged_by
    intake.save()
    return intake


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
    intake.links.filter(purpose=LinkPurpose.INTAKE, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now)
    return intake


@transaction.atomic
def assessment_record(*, patient: Patient, instrument: str, answers: dict[str, Any], source: str,
                      intake: Intake | None = None, taken_at: datetime.datetime | None = None) -> Assessment:
    """Score on the server and store one questionnaire (CLINICAL.md §3)."""
    result = intake_steps.score_step(instrument, answers, pcl5_cutoff=settings.PCL5_CUTOFF)
    return Assessment.objects.create(
        patient=patient, intake=intake, instrument=instrument, source=source, answers=result.answers,
        total=result.total, band=result.band, band_label=result.band_label, urgent=result.urgent,
        taken_at=taken_at or timezone.now(),
    )


# --- Decisions -----------------------------------------------------------------------------------------


def dose_cap_mg_per_kg() -> Decimal:
    """The cap above which a target dose needs a written reason: the clinic's setting (CLINICAL.md §1,
    default 1.0), never above the floor PostgreSQL enforces (plan_dose_above_cap_has_reason)."""
    return min(Decimal(str(settings.IV_DOSE_CAP_MG_PER_KG)), DOSE_OVERRIDE_FLOOR_MG_PER_KG)


def _validated_plan(plan: dict[str, Any]) -> dict[str, Any]:
    route = plan.get("route")
    if route not in Route.values:
        raise IntakeError("Choose the route: IV infusion, IM injection or esketamine nasal spray.")
    raw_dose = plan.get("target_dose_mg_per_kg")
    reason = " ".join(str(plan.get("dose_override_reason") or "").split())
    dose: Decimal | None = None
    if route == Route.INTRANASAL:
        reason = ""  # esketamine is dosed per device, not per kg (CLINICAL.md §1)
    else:
        try:
            dose = Decimal(str(raw_dose)) if raw_dose not in (None, "") else None
        except InvalidOperation:
            dose = None
        if dose is None or not dose.is_finite() or dose <= 0:
            raise IntakeError("IV and IM plans need a target dose in mg/kg.")
        if not DOSE_MIN_MG_PER_KG <= dose <= DOSE_DB_CEILING_MG_PER_KG:
            raise IntakeError(f"A target dose must be between {DOSE_MIN_MG_PER_KG} and {DOSE_DB_CEILING_MG_PER_KG} "
                              "mg/kg: check the number (mg/kg, not mg).")
        cap = dose_cap_mg_per_kg()
        if dose > cap and not reason:
            raise IntakeError(f"A target dose above {cap} mg/kg needs a written reason.")
        if dose <= cap:
            reason = ""  # nothing to override: a stray reason would read as if the cap had been passed
    sessions = plan.get("number_of_sessions")
    if not isinstance(sessions, int) or not 1 <= sessions <= 52:
        raise IntakeError("The number of sessions must be between 1 and 52.")
    protocol = (plan.get("protocol_name") or "").strip()
    if not protocol:
        raise IntakeError("Name the protocol.")
    return {"route": route, "target_dose_mg_per_kg": dose, "number_of_sessions": sessions,
            "protocol_name": protocol, "dose_override_reason": reason[:500]}


@transaction.atomic
def intake_decide(*, intake: Intake, decided_by, kind: str, plan: dict[str, Any] | None = None,
                  message: str = "", sections: list[str] | None = None,
                  base_url: str = "") -> IntakeDecision:
    """A prescriber's signed decision: approve (with a treatment plan), ask for more information (the
    patient gets a new link back to the named sections) or decline (with a reason). Never edited: a later
    change is another call, another signed row.

    Only a submitted intake is decided (or an earlier decision changed): never one the patient is still
    editing. Every decision stops the patient's live intake links; a request for more information then
    issues a new one, returned once as ``decision.issued_link`` (None otherwise) for staff to pass on when
    the patient has no e-mail address."""
    if not decided_by.has_perm("patients.decide_intake"):
        raise IntakeError("Only a prescriber can decide on an intake.")
    intake = _locked_intake(intake)
    if not intake.is_decidable:
        raise BadTransition(f"This intake is {intake.get_status_display().lower()}: the patient has not sent it "
                            "(again) yet. Decide once it is submitted.")
    if kind not in DecisionKind.values:
        raise IntakeError("Choose approve, ask for more information, or decline.")
    message = (message or "").strip()
    if kind != DecisionKind.APPROVE and not message:
        raise IntakeError("Write the message to the patient." if kind == DecisionKind.REQUEST_INFO
                          else "Write the reason for declining.")
    clean_plan = _validated_plan(plan or {}) if kind == DecisionKind.APPROVE else None
    sections = [s for s in (sections or []) if s in intake_steps.STEPS_BY_SLUG]
    _set_status(intake, DECISION_STATUS[kind])
    intake.save()
    decision = IntakeDecision.objects.create(intake=intake, kind=kind, message=message, sections=sections,
                                             decided_by=decided_by)
    if clean_plan is not None:
        TreatmentPlan.objects.create(decision=decision, patient=intake.patient, **clean_plan)
    _links_revoke(intake=intake, purpose=LinkPurpose.INTAKE, revoked_by=decided_by)
    decision.issued_link = None
    if kind == DecisionKind.REQUEST_INFO:
        issued = _link_issue(intake=intake, purpose=LinkPurpose.INTAKE, created_by=decided_by, base_url=base_url)
        _link_email(patient=intake.patient, issued=issued, purpose=LinkPurpose.INTAKE, reason="request_info")
        decision.issued_link = issued
    return decision


# --- Consent and REMS ----------------------------------------------------------------------------------


def consent_document_current() -> ConsentDocument | None:
    return ConsentDocument.objects.order_by("-version").first()


@transaction.atomic
def consent_document_publish(*, title: str, body: str, published_by) -> ConsentDocument:
    """Publish the next consent version. From now on every patient must sign it before their next session."""
    if not title.strip() or not body.strip():
        raise IntakeError("A consent version needs a title and its full text.")
    ConsentDocument.objects.select_for_update().all().exists()  # serialise version numbers
    latest = ConsentDocument.objects.aggregate(latest=Max("version"))["latest"] or 0
    return ConsentDocument.objects.create(version=latest + 1, title=title.strip(), body=body.strip(),
                                          published_by=published_by)


@transaction.atomic
def consent_sign(*, patient: Patient, document: ConsentDocument, typed_name: str, ip_address: str | None,
                 user_agent: str, intake: Intake | None = None) -> ConsentSignature:
    """A typed-name signature of one exact consent version (CLINICAL.md §2). An intake is signed once per
    version: a second signature of the same version (a double click) raises AlreadySigned."""
    typed_name = " ".join((typed_name or "").split())
    if len(typed_name) < 2:
        raise IntakeError("Type your full name to sign.")
    current = consent_document_current()
    if current is None or current.pk != document.pk:
        raise IntakeError("This consent version has been replaced: read the current one and sign it.")
    if intake is not None:
        _locked_intake(intake)  # serialise two signings of one intake, so the check below holds
        existing = ConsentSignature.objects.filter(intake=intake, document=document).first()
        if existing is not None:
            raise AlreadySigned(existing)
    return ConsentSignature.objects.create(patient=patient, document=document, intake=intake,
                                           typed_name=typed_name[:200], ip_address=ip_address,
                                           user_agent=(user_agent or "")[:300])


@transaction.atomic
def consent_link_sign(*, link: PatientLink, document: ConsentDocument, typed_name: str, ip_address: str | None,
                      user_agent: str) -> ConsentSignature:
    """Sign through a consent link and use the link up, in one transaction with the link row locked: a
    double click waits for the first, then finds the link used (LinkUnusable("used")), never signs twice."""
    link = PatientLink.objects.select_for_update().select_related("intake__patient").get(pk=link.pk)
    if link.purpose != LinkPurpose.CONSENT:
        raise LinkUnusable("unknown")
    if link.state != "active":
        raise LinkUnusable(link.state, link)
    try:
        signature = consent_sign(patient=link.intake.patient, document=document, intake=link.intake,
                                 typed_name=typed_name, ip_address=ip_address, user_agent=user_agent)
    except AlreadySigned as already:  # signed this version already (e.g. in the intake): nothing more to do
        signature = already.signature
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return signature


@transaction.atomic
def rems_enrollment_record(*, patient: Patient, enrolled_on: datetime.date, recorded_by,
                           rems_patient_id: str = "") -> RemsEnrollment:
    """Record the Spravato REMS enrolment form (CLINICAL.md §2 [REG])."""
    if not recorded_by.has_perm("patients.add_remsenrollment"):
        raise IntakeError("Only a prescriber can record a REMS enrolment.")
    if enrolled_on > timezone.localdate():
        raise IntakeError("The enrolment date cannot be in the future.")
    return RemsEnrollment.objects.create(patient=patient, enrolled_on=enrolled_on, recorded_by=recorded_by,
                                         rems_patient_id=rems_patient_id.strip())

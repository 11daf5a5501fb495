"""A prescriber's decision on an intake, the treatment plan it carries, REMS enrolment."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from clinic.clinical import dose_cap_mg_per_kg
from clinic.timezones import local_today
from patients import intake_steps
from patients.models import (
    Intake,
    IntakeDecision,
    LinkPurpose,
    Patient,
    RemsEnrollment,
    Route,
    TreatmentPlan,
)
from patients.models.intake import DECISION_STATUS, DecisionKind
from patients.models.plan import DOSE_DB_CEILING_MG_PER_KG, DOSE_MIN_MG_PER_KG, ESKETAMINE_DOSES_MG

from .errors import BadTransition, IntakeError
from .intake import _set_status
from .links import _link_email, _link_issue, _links_revoke
from .locks import _locked_intake


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _validated_plan(plan: dict[str, Any]) -> dict[str, Any]:
    route = plan.get("route")
    if route not in Route.values:
        raise IntakeError("Choose the route: IV infusion, IM injection or esketamine nasal spray.")
    raw_dose = plan.get("target_dose_mg_per_kg")
    reason = _one_line(plan.get("dose_override_reason"))
    dose: Decimal | None = None
    esketamine_mg = None
    if route == Route.INTRANASAL:
        reason = ""  # esketamine is dosed per device, not per kg (CLINICAL.md §1)
        try:
            esketamine_mg = int(plan.get("esketamine_dose_mg") or 0)
        except (TypeError, ValueError):
            esketamine_mg = 0
        if esketamine_mg not in ESKETAMINE_DOSES_MG:
            raise IntakeError("Order the esketamine dose: 56 or 84 mg (the first session is always 56 mg).")
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
        cap = dose_cap_mg_per_kg(route)
        if dose > cap and not reason:
            raise IntakeError(f"A target dose above the {Route(route).label} cap of {cap} mg/kg needs a "
                              "written reason.")
        if dose <= cap:
            reason = ""  # nothing to override: a stray reason would read as if the cap had been passed
    sessions = plan.get("number_of_sessions")
    if not isinstance(sessions, int) or not 1 <= sessions <= 52:
        raise IntakeError("The number of sessions must be between 1 and 52.")
    protocol = (plan.get("protocol_name") or "").strip()
    if not protocol:
        raise IntakeError("Name the protocol.")
    return {"route": route, "target_dose_mg_per_kg": dose, "number_of_sessions": sessions,
            "protocol_name": protocol, "dose_override_reason": reason[:500], "esketamine_dose_mg": esketamine_mg}


def _approval_override(intake: Intake, plan: dict[str, Any]) -> str:
    """CLINICAL.md §2: no approval while an urgent flag is unacknowledged; with an absolute contraindication
    only with the prescriber's written reason (returned, to be kept with the decision). PostgreSQL holds the
    same rule (trigger decision_approval_safety)."""
    if intake.is_urgent:
        raise IntakeError("This intake has an urgent flag nobody has acknowledged yet. Acknowledge it (with what "
                          "was done) before approving.")
    reason = _one_line(plan.get("contraindication_override_reason"))[:1000]
    if intake.has_contraindication and not reason:
        raise IntakeError("The screening found an absolute contraindication: approving needs your written reason "
                          "for treating despite it.")
    return reason if intake.has_contraindication else ""


@transaction.atomic
def intake_decide(*, intake: Intake, decided_by, kind: str, plan: dict[str, Any] | None = None,
                  message: str = "", sections: list[str] | None = None) -> IntakeDecision:
    """A prescriber's signed decision: approve (with a treatment plan), ask for more information (the
    patient gets a new link back to the named sections) or decline (with a reason). Never edited: a later
    change is another call, another signed row. Who may decide (``patients.decide_intake``) is the view's
    check, as everywhere (README "Code map"); this service checks what may be decided.

    Only a submitted intake is decided (or an earlier decision changed): never one the patient is still
    editing. Every decision stops the patient's live intake links; a request for more information then
    issues a new one, returned once as ``decision.issued_link`` (None otherwise) for staff to pass on when
    the patient has no e-mail address."""
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
    override = _approval_override(intake, plan or {}) if kind == DecisionKind.APPROVE else ""
    sections = [s for s in (sections or []) if s in intake_steps.STEPS_BY_SLUG]
    _set_status(intake, DECISION_STATUS[kind])
    intake.save()
    decision = IntakeDecision.objects.create(intake=intake, kind=kind, message=message, sections=sections,
                                             decided_by=decided_by, contraindication_override_reason=override)
    if clean_plan is not None:
        TreatmentPlan.objects.create(decision=decision, patient=intake.patient, **clean_plan)
    _links_revoke(intake=intake, purpose=LinkPurpose.INTAKE, revoked_by=decided_by)
    decision.issued_link = None
    if kind == DecisionKind.REQUEST_INFO:
        issued = _link_issue(intake=intake, purpose=LinkPurpose.INTAKE, created_by=decided_by)
        _link_email(patient=intake.patient, issued=issued, purpose=LinkPurpose.INTAKE, reason="request_info")
        decision.issued_link = issued
    return decision


@transaction.atomic
def rems_enrollment_record(*, patient: Patient, enrolled_on: datetime.date, recorded_by,
                           rems_patient_id: str = "") -> RemsEnrollment:
    """Record the Spravato REMS enrolment form (CLINICAL.md §2 [REG]). Not dated after today at the patient's
    clinic: the server keeps UTC, already tomorrow every American evening."""
    if enrolled_on > local_today(patient.location.time_zone):
        raise IntakeError("The enrolment date cannot be in the future.")
    return RemsEnrollment.objects.create(patient=patient, enrolled_on=enrolled_on, recorded_by=recorded_by,
                                         rems_patient_id=rems_patient_id.strip())

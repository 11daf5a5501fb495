"""Reads of the patients app (DESIGN.md §3). Scheduling (sessions/) asks here whether a patient may be booked."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from clinic.paging import FirstPageCounted, counted_first_page
from clinic.prepared import PreparedAggregate, PreparedQuery
from patients.models import (
    Assessment,
    ConsentDocument,
    ConsentSignature,
    Intake,
    IntakeDecision,
    IntakeStatus,
    Patient,
    PatientLink,
    RemsEnrollment,
    Route,
    TreatmentPlan,
)

# --- Intakes -------------------------------------------------------------------------------------------


# A patient's page reads each of these on every view: prepared once (clinic.prepared, issue 13). Each sets the
# patient (or intake) it was asked for on the rows, as ``patient.intakes`` would have, so that nothing reads
# them again.
_INTAKE_LATEST = PreparedQuery(
    lambda *, patient_id: Intake.objects.filter(patient_id=patient_id).order_by("-created_at", "-id")[:1],
    patient_id=int)
_LINK_LIVE = PreparedQuery(
    lambda *, intake_id: PatientLink.objects.filter(intake_id=intake_id, revoked_at__isnull=True,
                                                    used_at__isnull=True).order_by("-created_at", "id")[:1],
    intake_id=int)
_REMS_ENROLLMENT_LATEST = PreparedQuery(
    lambda *, patient_id: RemsEnrollment.objects.filter(patient_id=patient_id).select_related("recorded_by")
    .order_by("-recorded_at", "id")[:1],
    patient_id=int)


_PATIENT_WITH_LOCATION = PreparedQuery(
    lambda *, public_id: Patient.objects.select_related("location").filter(public_id=public_id)[:1],
    public_id=uuid.UUID)


def patient_with_location(*, public_id: uuid.UUID) -> Patient | None:
    """The patient's page: the patient and their location (the page names it)."""
    return _PATIENT_WITH_LOCATION.first(public_id=public_id)


def intake_latest(*, patient: Patient) -> Intake | None:
    intake = _INTAKE_LATEST.first(patient_id=patient.pk)
    if intake is not None:
        intake.patient = patient
    return intake


def intake_link_live(*, intake: Intake) -> PatientLink | None:
    """The intake's link still waiting to be used (not revoked, not used), newest first."""
    link = _LINK_LIVE.first(intake_id=intake.pk)
    if link is not None:
        link.intake = intake
    return link


def rems_enrollment_latest(*, patient: Patient) -> RemsEnrollment | None:
    enrollment = _REMS_ENROLLMENT_LATEST.first(patient_id=patient.pk)
    if enrollment is not None:
        enrollment.patient = patient
    return enrollment


# What someone must act on: the default tab of the intake queue (issue 13). Decided and not-yet-submitted
# intakes are most of the table and grow for ever; they stay one click away. Migration 0014_perf_intake_queue
# adds the partial indexes that serve this tab's order.
OPEN_STATUSES = (IntakeStatus.SUBMITTED, IntakeStatus.NEEDS_INFO)
QUEUE_PAGE = 25  # intakes a page of the queue shows
OPEN = "open"
ALL = "all"
# The list never shows answers: leave the large JSON columns in the database.
_QUEUE_DEFERRED = ("answers", "drafts", "screening")


def intake_queue(*, status: str | None = None, urgent_first: bool = False) -> QuerySet[Intake]:
    """Intakes for the staff queue, the longest waiting first. ``status``: one status, ``"all"``, or
    ``"open"`` / None (submitted or needing information; for clinicians an unacknowledged urgent flag too,
    even on an unfinished intake). ``urgent_first`` (clinicians only: the flag is a clinical answer, which
    front desk never sees, not even as an order) puts unacknowledged urgent ones on top."""
    intakes = Intake.objects.select_related("patient", "patient__location").defer(*_QUEUE_DEFERRED)
    urgent = Q(urgent_at__isnull=False, urgent_acknowledged_at__isnull=True)
    if status in (None, "", OPEN):
        intakes = intakes.filter(Q(status__in=OPEN_STATUSES) | urgent if urgent_first else Q(status__in=OPEN_STATUSES))
    elif status != ALL:
        intakes = intakes.filter(status=status)
    if not urgent_first:
        return intakes.order_by("status_changed_at", "id")
    intakes = intakes.annotate(
        urgent_rank=Case(When(urgent, then=Value(0)), default=Value(1), output_field=IntegerField()))
    return intakes.order_by("urgent_rank", "status_changed_at", "id")


# The queue's default tab opens on its first page, read with the number of its rows (FirstPageCounted); for
# clinicians (urgent first) and for front desk. Prepared once: the same query on every view (issue 13).
OPEN_QUEUE_FIRST_PAGE = {urgent_first: PreparedQuery(
    lambda urgent_first=urgent_first: counted_first_page(intake_queue(urgent_first=urgent_first), QUEUE_PAGE))
    for urgent_first in (False, True)}
UNDECIDED_STATUSES = (IntakeStatus.INVITED, IntakeStatus.IN_PROGRESS, *OPEN_STATUSES)
_STATUS_COUNTS = PreparedQuery(
    lambda: Intake.objects.filter(status__in=UNDECIDED_STATUSES).order_by().values_list("status")
    .annotate(n=Count("status")).values_list("status", "n"))


def intake_queue_open(*, urgent_first: bool) -> FirstPageCounted:
    """The default tab: open work, its first page and its number read in one prepared query."""
    return FirstPageCounted(lambda: intake_queue(urgent_first=urgent_first), QUEUE_PAGE,
                            first_page=OPEN_QUEUE_FIRST_PAGE[urgent_first]())


def intake_status_counts() -> dict[str, int]:
    """How many intakes wait in each status that is still someone's work (an index-only count of those
    statuses, migration 0014_perf_intake_queue). Approved and declined intakes are history: they grow for
    ever, so they are not counted on every view of the queue."""
    counts = dict(_STATUS_COUNTS())
    return {status: counts.get(status, 0) for status in UNDECIDED_STATUSES}


def intake_latest_assessments(*, intake: Intake) -> QuerySet[Assessment]:
    """The latest result of each questionnaire of this intake. A resubmitted intake scores again; the
    earlier results stay stored (history) but the review shows what the prescriber decides on."""
    return intake.assessments.order_by("instrument", "-taken_at", "-id").distinct("instrument")


def intake_links(*, intake: Intake) -> QuerySet[PatientLink]:
    return intake.links.select_related("created_by", "revoked_by").order_by("-created_at")


def intake_decisions(*, intake: Intake) -> QuerySet[IntakeDecision]:
    return intake.decisions.select_related("decided_by", "treatment_plan").order_by("-decided_at", "-id")


@dataclass(frozen=True)
class FrontDeskSummary:
    """What front desk may see: status, contact and escort, never the clinical answers (DESIGN.md §1)."""

    status_label: str
    cleared_to_book: bool
    blockers: list[str]
    escort_name: str
    escort_phone: str
    emergency_name: str
    emergency_phone: str
    waiting_since: datetime.datetime | None
    plan: TreatmentPlan | None  # route and number of sessions are for front desk; the dose is not shown them


def front_desk_summary(*, patient: Patient, intake: Intake | None = None,
                       rems_enrolled: bool | None = None) -> FrontDeskSummary | None:
    """``intake``: the patient's latest, and ``rems_enrolled``: whether a REMS enrolment is recorded, when the
    caller has them already."""
    intake = intake or intake_latest(patient=patient)
    if intake is None:
        return None
    contacts = intake.answers.get("contacts") or {}
    plan = current_treatment_plan(patient=patient)
    blockers = _blockers(patient=patient, route=plan.route if plan else Route.IV, plan=plan,
                         rems_enrolled=rems_enrolled)
    return FrontDeskSummary(
        status_label=intake.get_status_display(), cleared_to_book=not blockers, blockers=blockers,
        escort_name=contacts.get("escort_name", ""), escort_phone=contacts.get("escort_phone", ""),
        emergency_name=contacts.get("emergency_name", ""), emergency_phone=contacts.get("emergency_phone", ""),
        waiting_since=intake.status_changed_at, plan=plan,
    )


# --- The interface scheduling depends on (sessions/ imports these) -------------------------------------


_DECISION_IN_FORCE = PreparedQuery(
    lambda *, patient_id: IntakeDecision.objects.filter(intake__patient_id=patient_id)
    .select_related("intake", "treatment_plan").order_by("-decided_at", "-id")[:1],
    patient_id=int)


def _decision_in_force(patient: Patient) -> IntakeDecision | None:
    """The latest decision on the patient's most recently decided intake, with its treatment plan if any
    (joined: an approval's plan is always wanted with it)."""
    decision = _DECISION_IN_FORCE.first(patient_id=patient.pk)
    if decision is not None:
        decision.intake.patient = patient
    return decision


def current_treatment_plan(*, patient: Patient) -> TreatmentPlan | None:
    """The treatment plan of the latest decision, if that decision is an approval still in force."""
    decision = _decision_in_force(patient)
    if decision is None or decision.kind != IntakeDecision.Kind.APPROVE:
        return None
    try:
        plan = decision.treatment_plan
    except TreatmentPlan.DoesNotExist:
        return None
    plan.decision = decision  # the override reason is shown with the plan: no second query
    return plan


def consent_document_current() -> ConsentDocument | None:
    """The consent every patient must have signed: the latest published version."""
    return ConsentDocument.objects.order_by("-version").first()


def consent_current_signed(patient_id) -> Exists:
    """The rule "consent is current", as an expression: ``patient_id`` (a value or an ``OuterRef``) signed the
    latest published version. A list (the day board) annotates with it, so its query count does not grow
    per row; ``consent_is_current`` asks it for one patient."""
    latest = ConsentDocument.objects.order_by("-version").values("pk")[:1]
    return Exists(ConsentSignature.objects.filter(patient_id=patient_id, document_id=Subquery(latest)))


def consent_is_current(*, patient: Patient) -> bool:
    return Patient.objects.filter(consent_current_signed(OuterRef("pk")), pk=patient.pk).exists()


_CONSENT_SIGNED = PreparedQuery(
    lambda *, patient_id: ConsentDocument.objects.order_by("-version")
    .annotate(signed=consent_current_signed(patient_id)).values_list("signed", flat=True)[:1],
    patient_id=int)


def _consent_signed(patient: Patient) -> bool | None:
    """Whether consent is current for the patient (``consent_current_signed``, the one rule), or None when no
    consent is published: the two questions of a patient's blockers in one query."""
    return _CONSENT_SIGNED.first(patient_id=patient.pk)


def booking_blockers(*, patient: Patient, route: str) -> list[str]:
    """The hard stops before a session can be booked, each saying what would lift it. [] = cleared."""
    return _blockers(patient=patient, route=route, plan=current_treatment_plan(patient=patient))


def _blockers(*, patient: Patient, route: str, plan: TreatmentPlan | None,
              rems_enrolled: bool | None = None) -> list[str]:
    blockers = []
    if plan is None:
        blockers.append("Intake not approved by a prescriber: a prescriber must review and approve the intake "
                        "before sessions can be booked.")
    elif plan.route != route:
        blockers.append(f"The approved treatment plan is for {plan.get_route_display()}, not "
                        f"{Route(route).label if route in Route.values else route}: book the planned route, "
                        "or ask a prescriber for a new plan.")
    signed = _consent_signed(patient)
    if signed is False:
        blockers.append("Consent not current: the patient has not signed the current consent version; send "
                        "them a consent link from their page.")
    elif signed is None:
        blockers.append("No consent document is published: a manager must publish one and the patient sign it.")
    if rems_enrolled is None and route == Route.INTRANASAL:
        rems_enrolled = patient.rems_enrollments.exists()
    if route == Route.INTRANASAL and not rems_enrolled:
        blockers.append("Spravato REMS enrolment not recorded: a prescriber must record the patient's REMS "
                        "enrolment on the patient page before esketamine can be booked.")
    return blockers


# --- Self-referrals (issue 8, item 9) ---------------------------------------------------------------------


def intake_requests_pending() -> QuerySet:
    from patients.models import IntakeRequest

    return IntakeRequest.objects.filter(status=IntakeRequest.Status.PENDING).select_related("location")


def intake_requests_pending_count() -> int:
    """For the home page and the navigation: how many self-referrals wait for front desk."""
    return _REQUESTS_PENDING.count()


_REQUESTS_PENDING = PreparedAggregate(intake_requests_pending, PreparedAggregate.COUNT)  # clinic.prepared


def intake_request_matches(requests) -> dict[int, list[Patient]]:
    """Patients on file each request may be (same e-mail, or same date of birth and last name), in one query:
    front desk merges the request into one of them instead of registering the person twice."""
    from django.db.models.functions import Lower

    requests = list(requests)
    if not requests:
        return {}
    emails = {r.email.lower() for r in requests}
    births = {r.date_of_birth for r in requests}
    candidates = list(Patient.objects.annotate(email_lower=Lower("email"))
                      .filter(Q(email_lower__in=emails) | Q(date_of_birth__in=births)).select_related("location"))
    return {r.pk: [p for p in candidates if p.email_lower == r.email.lower() or (
        p.date_of_birth == r.date_of_birth and p.legal_last_name.casefold() == r.last_name.casefold())]
        for r in requests}

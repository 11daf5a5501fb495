"""The intake's panels on the staff home page (clinic/home.py): counts that link to their lists, no names."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.timesince import timesince

from clinic.home import HomeCount, SharedAnswers
from clinic.prepared import PreparedAggregate, PreparedQuery
from patients.models import ConsentDocument, Intake, IntakeStatus
from patients.models.intake import URGENT_IMMEDIATE_PREFIX
from patients.selectors import intake_requests_pending_count


def _intakes(status: str = "") -> str:
    return reverse("patients:intake_list") + (f"?status={status}" if status else "")


def not_started_after() -> timedelta:
    return timedelta(days=getattr(settings, "HOME_INTAKE_NOT_STARTED_DAYS", 3))


# The home page's counts, each prepared once per process (clinic.prepared, issue 13): asked on every visit.
_INVITED_BEFORE = PreparedAggregate(
    lambda *, before: Intake.objects.filter(status=IntakeStatus.INVITED, status_changed_at__lte=before),
    PreparedAggregate.COUNT, before=datetime)
_URGENT_REASONS = PreparedQuery(
    lambda: Intake.objects.filter(urgent_at__isnull=False, urgent_acknowledged_at__isnull=True)
    .order_by().values_list("urgent_reasons", flat=True))
_WAITING_FOR_REVIEW = PreparedAggregate(lambda: Intake.objects.filter(status=IntakeStatus.SUBMITTED),
                                        {"n": Count("id"), "oldest": Min("status_changed_at")})
_CONSENT_IN_FORCE = PreparedQuery(lambda: ConsentDocument.objects.order_by("-version")[:1])


def front_desk_intakes(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Intake links sent days ago and never opened (a phone call helps), and self-referrals waiting."""
    days = not_started_after().days
    stale = _INVITED_BEFORE.count(before=now - not_started_after())
    return {"counts": [
        HomeCount(f"intakes invited {days} or more days ago and not started", stale,
                  _intakes(IntakeStatus.INVITED), "Every intake sent recently or already started."),
        HomeCount("self-referral requests waiting", shared(intake_requests_pending_count),
                  reverse("patients:intake_requests"), "No self-referral request is waiting."),
    ]}


def prescriber_intakes(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """Urgent intakes (immediate evaluation first), then the intakes waiting for review and the oldest wait."""
    urgent = _URGENT_REASONS()
    immediate = sum(any(str(r).startswith(URGENT_IMMEDIATE_PREFIX) for r in reasons) for reasons in urgent)
    waiting = _WAITING_FOR_REVIEW()
    age = f"oldest waiting {timesince(waiting['oldest'], now)}" if waiting["oldest"] else ""
    return {"counts": [
        HomeCount("urgent: immediate evaluation", immediate, _intakes(), "No intake needs immediate evaluation.",
                  urgent=True),
        HomeCount("urgent: same-day review", len(urgent) - immediate, _intakes(), "No intake needs same-day review.",
                  urgent=True),
        HomeCount("intakes waiting for your review", waiting["n"], _intakes(IntakeStatus.SUBMITTED),
                  "No intake is waiting for review.", note=age),
    ]}


def manager_consent(*, now: datetime, shared: SharedAnswers, works_at_id: int | None = None) -> dict:
    """The consent version in force (patients sign the newest before their next session)."""
    current = _CONSENT_IN_FORCE.first()
    return {"consent": current}

"""Self-referrals (issue 8, item 9): the public start page stores a request; front desk decides what it becomes.

Nothing a stranger types reaches the registry or anyone's inbox until staff have looked at it: a known e-mail
with a wrong date of birth no longer makes a duplicate patient, and a second request no longer replaces the
live link of an open intake.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from patients.models import IntakeRequest, Patient

from .errors import IntakeError
from .links import IssuedLink, invitation_send


def _pending(intake_request: IntakeRequest) -> IntakeRequest:
    locked = IntakeRequest.objects.select_for_update().get(pk=intake_request.pk)
    if locked.status != IntakeRequest.Status.PENDING:
        raise IntakeError(f"This request was already handled ({locked.get_status_display().lower()}).")
    return locked


def _decide(intake_request: IntakeRequest, *, status: str, by, patient: Patient | None = None) -> IntakeRequest:
    intake_request.status, intake_request.patient = status, patient
    intake_request.decided_at, intake_request.decided_by = timezone.now(), by
    intake_request.save(update_fields=["status", "patient", "decided_at", "decided_by"])
    return intake_request


@transaction.atomic
def intake_request_store(*, first_name: str, last_name: str, email: str, date_of_birth: datetime.date,
                         location) -> IntakeRequest:
    """One INSERT, whoever asks: no lookup, no e-mail (the same work and the same answer for everyone)."""
    intake_request = IntakeRequest(first_name=first_name, last_name=last_name, email=email,
                                   date_of_birth=date_of_birth, location=location)
    intake_request.full_clean()
    intake_request.save()
    return intake_request


@transaction.atomic
def intake_request_accept(*, intake_request: IntakeRequest, by) -> IssuedLink:
    """A new patient from the request, and the intake link by e-mail (after the commit)."""
    intake_request = _pending(intake_request)
    patient = Patient(legal_first_name=intake_request.first_name, legal_last_name=intake_request.last_name,
                      email=intake_request.email, date_of_birth=intake_request.date_of_birth,
                      location=intake_request.location, created_by=by)
    patient.full_clean()
    patient.save()
    issued = invitation_send(patient=patient, sent_by=by)  # the link is built from SITE_URL
    _decide(intake_request, status=IntakeRequest.Status.ACCEPTED, by=by, patient=patient)
    return issued


@transaction.atomic
def intake_request_merge(*, intake_request: IntakeRequest, patient: Patient, by) -> IntakeRequest:
    """The request was from a patient already on file: note it on the request. The patient's record, their
    intake and any live link stay as they are; nothing is sent (staff resend a link from the patient's page
    if the patient needs one)."""
    intake_request = _pending(intake_request)
    return _decide(intake_request, status=IntakeRequest.Status.MERGED, by=by, patient=patient)


@transaction.atomic
def intake_request_discard(*, intake_request: IntakeRequest, by) -> IntakeRequest:
    intake_request = _pending(intake_request)
    return _decide(intake_request, status=IntakeRequest.Status.DISCARDED, by=by)

"""Intake and consent links: issue, e-mail, revoke, resolve, the date-of-birth check; self-referral."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from patients.models import (
    Intake,
    IntakeStatus,
    LinkPurpose,
    Patient,
    PatientLink,
)
from patients.models.intake import OPEN_STATUSES

from .errors import IntakeError
from .patient_links import link_open, link_token_new, link_url, links_end

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedLink:
    link: PatientLink
    token: str  # shown once, never stored
    url: str


def _link_issue(*, intake: Intake, purpose: str, created_by) -> IssuedLink:
    token, hashed = link_token_new()
    now = timezone.now()
    link = PatientLink.objects.create(
        intake=intake, purpose=purpose, token_hash=hashed, created_by=created_by,
        created_at=now, expires_at=now + datetime.timedelta(days=settings.INTAKE_LINK_DAYS),
    )
    return IssuedLink(link=link, token=token, url=link_url(urlname="intake:link", token=token))


def _links_revoke(*, intake: Intake, purpose: str, revoked_by) -> int:
    return links_end(queryset=PatientLink.objects.filter(intake=intake, purpose=purpose), revoked_by=revoked_by)


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
def invitation_send(*, patient: Patient, sent_by, by_email: bool = True) -> IssuedLink:
    """Send (or resend) an intake link. Reuses the patient's open intake, or starts one; any earlier
    unused link to it stops working, so only the newest link is live."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    intake = _open_intake(patient)
    if intake is None:
        if patient.intakes.filter(status=IntakeStatus.SUBMITTED).exists():
            raise IntakeError("This patient's intake is submitted and waiting for a prescriber: no new link needed.")
        intake = Intake.objects.create(patient=patient, created_by=sent_by)
    _links_revoke(intake=intake, purpose=LinkPurpose.INTAKE, revoked_by=sent_by)
    issued = _link_issue(intake=intake, purpose=LinkPurpose.INTAKE, created_by=sent_by)
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
def consent_link_send(*, patient: Patient, sent_by, by_email: bool = True) -> IssuedLink:
    """A link for signing the current consent again (after a manager published a new version)."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)  # one live consent link at a time
    intake = patient.intakes.order_by("-created_at").first()
    if intake is None:
        raise IntakeError("This patient has no intake yet: send the intake link, which includes the consent.")
    _links_revoke(intake=intake, purpose=LinkPurpose.CONSENT, revoked_by=sent_by)
    issued = _link_issue(intake=intake, purpose=LinkPurpose.CONSENT, created_by=sent_by)
    if by_email and patient.email:
        _link_email(patient=patient, issued=issued, purpose=LinkPurpose.CONSENT)
    return issued


def intake_self_refer(*, first_name: str, last_name: str, email: str, date_of_birth: datetime.date,
                      location) -> None:
    """The public start page (issue 8, item 9). Stores a request for front desk and does nothing else: no
    lookup of the e-mail, no new patient, no e-mail, no new link (an open intake's live link survives), so
    that every answer costs the same and says nothing about who is known. See services/requests.py."""
    from .requests import intake_request_store

    intake_request_store(first_name=first_name, last_name=last_name, email=email, date_of_birth=date_of_birth,
                         location=location)


def link_resolve(*, token: str, purpose: str | None = None) -> PatientLink:
    """The live intake or consent link behind a token, or LinkUnusable saying why not."""
    links = PatientLink.objects.select_related("intake__patient__location")
    return link_open(queryset=links.filter(purpose=purpose) if purpose else links, token=token)

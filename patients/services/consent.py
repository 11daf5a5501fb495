"""Consent documents (versioned) and signatures."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from patients.models import (
    ConsentDocument,
    ConsentSignature,
    Intake,
    LinkPurpose,
    Patient,
    PatientLink,
)
from patients.selectors import consent_document_current

from .errors import AlreadySigned, IntakeError, LinkUnusable
from .locks import _locked_intake
from .patient_links import links_end


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
    links_end(queryset=PatientLink.objects.filter(pk=link.pk), used=True)
    return signature

"""Marking a Spravato REMS Patient Monitoring Form submitted (sessions/rems.py holds the form)."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions import rems
from sessions.models import Appointment, RemsSubmission
from sessions.selectors.rems import esketamine_sessions_given

from .ledger import LedgerRefused


def rems_site_blockers(*, location, protocol, start: datetime.datetime) -> list[str]:
    """Esketamine only at a location with a current Spravato REMS site certification on the session's day."""
    if protocol.route != rems.ROUTE:
        return []
    day = start.astimezone(zoneinfo.ZoneInfo(location.time_zone)).date()
    if location.rems_certified_on(day):
        return []
    expires = location.rems_certification_expires_on
    why = (f"expires on {expires:%d %b %Y}, before this session" if location.rems_certification_number and expires
           else "is not on file")
    return [f"{location.name}'s Spravato REMS site certification {why}: esketamine can only be given at a "
            "certified location. A manager records the certification number and expiry in Schedule settings "
            "(the location's page)."]


@transaction.atomic
def rems_form_submit(*, appointment: Appointment, submitted_by, confirmation_number: str,
                     submitted_at: datetime.datetime | None = None) -> RemsSubmission:
    """Record who sent the form from the REMS portal, when, and the confirmation number it showed."""
    if not submitted_by.has_perm("clinic_sessions.submit_rems_form"):
        raise LedgerRefused("Your role does not allow you to mark REMS forms submitted.")
    if appointment.protocol.route != rems.ROUTE or not esketamine_sessions_given().filter(pk=appointment.pk).exists():
        raise LedgerRefused("Only an esketamine session where the drug was given has a REMS monitoring form.")
    number = confirmation_number.strip()
    if not number:
        raise LedgerRefused("Type the confirmation number the REMS portal showed after sending the form.")
    try:
        with transaction.atomic():
            return RemsSubmission.objects.create(appointment=appointment, submitted_by=submitted_by,
                                                 submitted_at=submitted_at or timezone.now(),
                                                 confirmation_number=number)
    except IntegrityError as exc:
        raise LedgerRefused("This form has already been marked submitted.") from exc

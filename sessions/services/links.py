"""The appointment link the patient gets by e-mail, and what the patient does through it."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.models import Location
from sessions.models import Appointment, AppointmentLink
from sessions.selectors import link_location

from .errors import BookingRefused
from .locks import _locked

logger = logging.getLogger(__name__)

Status = Appointment.Status


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def appointment_link_issue(*, appointment: Appointment) -> str:
    """A fresh link for the appointment (replacing any earlier one). Returns the token: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    AppointmentLink.objects.update_or_create(
        appointment=appointment,
        defaults={"token_hash": _hash(token), "expires_at": appointment.end + timedelta(hours=1),
                  "revoked_at": None, "failed_checks": 0},
    )
    return token


def appointment_links_revoke(*, appointment: Appointment, now: datetime) -> None:
    """The link dies when the appointment is cancelled, moved or over."""
    AppointmentLink.objects.filter(appointment=appointment, revoked_at__isnull=True).update(revoked_at=now)


def appointment_link_find(*, token: str, now: datetime | None = None) -> AppointmentLink | None:
    """The live link for ``token``: not revoked, not expired, not locked by failed checks; else None."""
    now = now or timezone.now()
    link = (AppointmentLink.objects.select_related("appointment__patient", "appointment__location",
                                                   "appointment__protocol")
            .filter(token_hash=_hash(token or "")).first())
    if (link is None or link.revoked_at is not None or link.expires_at <= now
            or link.failed_checks >= settings.SESSIONS_LINK_MAX_DOB_FAILURES
            or not link.appointment.is_occupying):
        return None
    return link


def appointment_link_location(*, token: str) -> Location | None:
    """The clinic to call about a link that no longer works (its location's phone is not PHI)."""
    return link_location(token_hash=_hash(token or ""))


@transaction.atomic
def appointment_link_check_birth_date(*, link: AppointmentLink, date_of_birth) -> bool:
    """The date-of-birth check before anything shows; repeated failures lock the link."""
    link = AppointmentLink.objects.select_for_update().select_related("appointment__patient").get(pk=link.pk)
    if link.appointment.patient.date_of_birth == date_of_birth:
        return True
    link.failed_checks += 1
    link.save(update_fields=["failed_checks"])
    return False


@transaction.atomic
def appointment_prepare(*, appointment: Appointment, escort_name: str, escort_phone: str, fasting_understood: bool,
                        now: datetime | None = None) -> Appointment:
    """The patient confirms the escort (CLINICAL.md §1: no escort confirmed → the session cannot start) and
    acknowledges the fasting instructions."""
    if not escort_name.strip() or not escort_phone.strip():
        raise BookingRefused(["Give the name and phone number of the adult who will take you home."])
    if not fasting_understood:
        raise BookingRefused(["Please confirm you have read the fasting instructions."])
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status not in (Status.BOOKED, Status.CONFIRMED):
        # Once the patient is checked in, the staff have recorded who takes them home; a change from the
        # patient's phone mid-session would silently replace it.
        raise BookingRefused(["You are already checked in: please tell the clinic staff about any change to "
                              "who will take you home."])
    appointment.escort_name, appointment.escort_phone = escort_name.strip()[:120], escort_phone.strip()[:40]
    appointment.escort_confirmed_at = appointment.fasting_acknowledged_at = now
    appointment.save(update_fields=["escort_name", "escort_phone", "escort_confirmed_at", "fasting_acknowledged_at"])
    return appointment

"""The appointment link the patient gets by e-mail, and what the patient does through it. Tokens, the
date-of-birth check and the link's states are the one patient-link service's (patients.services)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from patients.services import link_open, link_token_new, links_end
from sessions.models import Appointment, AppointmentLink

from .errors import BookingRefused
from .locks import _locked

Status = Appointment.Status

_LINKS = AppointmentLink.objects.select_related("appointment__patient__location", "appointment__location",
                                                "appointment__protocol")


def appointment_link_issue(*, appointment: Appointment) -> str:
    """A fresh link for the appointment (replacing any earlier one). Returns the token: only its hash is kept."""
    token, hashed = link_token_new()
    AppointmentLink.objects.update_or_create(
        appointment=appointment,
        defaults={"token_hash": hashed, "created_at": timezone.now(),
                  "expires_at": appointment.end + timedelta(hours=1),
                  "revoked_at": None, "used_at": None, "locked_at": None, "failed_dob_attempts": 0},
    )
    return token


def appointment_links_revoke(*, appointment: Appointment, now: datetime) -> None:
    """The link dies when the appointment is over (used), or cancelled, moved or missed (revoked)."""
    links_end(queryset=AppointmentLink.objects.filter(appointment=appointment), now=now,
              used=appointment.status == Status.COMPLETED)


def appointment_link_open(*, token: str) -> AppointmentLink:
    """The live link for ``token``, or ``LinkUnusable`` (patients.services) saying why not."""
    return link_open(queryset=_LINKS, token=token)


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

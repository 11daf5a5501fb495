"""E-mails to the patient about their appointments: time, place, instructions, a link; nothing clinical."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sessions.courses import to_local
from sessions.models import Appointment, AppointmentEmail

logger = logging.getLogger(__name__)



def _notify(template: str, appointment: Appointment, *, links=(), **extra) -> None:
    """E-mail the patient (called once the booking has committed) and record whether it went out, as an
    ``AppointmentEmail`` row the page reads (``sessions.selectors.email_outcome``). A mail failure must not
    turn a saved booking into an error page, and the log line names the appointment by its public id only:
    no address, no name (DESIGN.md §6). No address on file: nothing to send, nothing recorded."""
    if not appointment.patient.email:
        return
    try:
        _send_patient_email(template, appointment, links=links, **extra)
    except Exception as exc:  # noqa: BLE001 - any backend failure (SMTP, DNS, TLS) is the same to the user
        logger.warning("Could not send the %s e-mail for appointment %s (%s)", template, appointment.public_id,
                       type(exc).__name__)
        sent = False
    else:
        sent = True
    AppointmentEmail.objects.create(appointment=appointment, kind=template, sent=sent)


def _send_patient_email(template: str, appointment: Appointment, *, links=(),
                        old_start: datetime | None = None) -> None:
    """Time, place, instructions and a link per appointment; no clinical detail (DESIGN.md §6)."""
    base = settings.SITE_URL.rstrip("/")
    zone = appointment.location.time_zone
    sessions = [{"local_start": to_local(a.start, zone),
                 "link": base + reverse("appointment_link", kwargs={"token": token})} for a, token in links]
    context = {
        "appointment": appointment,
        "local_start": to_local(appointment.start, zone),
        "old_local_start": to_local(old_start, zone) if old_start else None,
        "location": appointment.location,
        "fasting": appointment.protocol.fasting_instructions,
        "link": sessions[0]["link"] if sessions else "",
        "sessions": sessions,
        "clinic_name": settings.CLINIC_NAME,
    }
    with timezone.override(zone):  # the template's dates in the clinic's wall time
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        message = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[appointment.patient.email],
              fail_silently=False)

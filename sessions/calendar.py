"""A calendar file (RFC 5545) for one appointment: time, place, a link; nothing clinical (DESIGN.md §6).

Hand-written rather than a dependency: one VEVENT with escaped text and folded lines is all it takes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    data, out = line.encode(), []
    while len(data) > 75:
        cut = 75 if not out else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
    out.append(data)
    return "\r\n ".join(part.decode() for part in out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_ics(appointment, *, url: str, now: datetime | None = None) -> str:
    location = appointment.location
    place = ", ".join(part for part in (location.name, location.address.replace("\n", ", ")) if part)
    description = (f"Bring an adult who will take you home. No driving until the next day.\n"
                   f"Details and instructions: {url}")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{_escape(settings.CLINIC_NAME)}//Scheduling//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:{appointment.public_id}@{settings.CLINIC_NAME.lower().replace(' ', '-')}",
        f"DTSTAMP:{_stamp(now or datetime.now(UTC))}",
        f"DTSTART:{_stamp(appointment.start)}", f"DTEND:{_stamp(appointment.end)}",
        f"SUMMARY:{_escape('Appointment at ' + settings.CLINIC_NAME)}",
        f"LOCATION:{_escape(place)}", f"DESCRIPTION:{_escape(description)}", f"URL:{url}",
        "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

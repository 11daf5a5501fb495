"""Writing the access log: one helper for every page that shows patient data."""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from clinic.audit.models import AccessEvent


def access_event_record(
    *,
    request: HttpRequest,
    patient_id: uuid.UUID | None,
    object_type: str,
    object_id: str = "",
    action: str = AccessEvent.Action.VIEW,
) -> AccessEvent:
    """Record that the person behind ``request`` saw (or printed, exported) a patient's data."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return AccessEvent.objects.create(
        actor=actor,
        actor_label=str(actor) if actor else "Patient link",
        patient_id=patient_id,
        object_type=object_type,
        object_id=str(object_id)[:64],
        action=action,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind the production proxy, its X-Forwarded-For first hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return candidate or None

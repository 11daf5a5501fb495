"""Writing the access log: one helper for every page that shows patient data."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

from clinic.audit.models import AccessEvent
from clinic.prepared_insert import PreparedInsert


def access_event_record(
    *,
    request: HttpRequest,
    patient_id: uuid.UUID | None,
    object_type: str,
    object_id: str = "",
    action: str = AccessEvent.Action.VIEW,
    patient_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Record that the person behind ``request`` saw (or printed, exported, searched) a patient's data.

    A page about one patient gives ``patient_id``; a list or search gives ``patient_ids``, every patient it
    showed, in one event (an empty list is still an event: someone looked). Written on nearly every page, so
    through an insert prepared once (clinic.prepared_insert.PreparedInsert)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    _ACCESS_EVENT_INSERT(
        actor=actor,
        actor_label=str(actor) if actor else "Patient link",
        patient_id=patient_id,
        patient_ids=list(dict.fromkeys(patient_ids)),
        object_type=object_type,
        object_id=str(object_id)[:64],
        action=action,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


_ACCESS_EVENT_INSERT = PreparedInsert(AccessEvent)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as far as this server can trust it.

    X-Forwarded-For is written by whoever sends the request, so only the entries appended by our own
    proxies count: with N trusted proxies (CLINIC_TRUSTED_PROXY_COUNT), the client is the N-th address
    from the right. With none, REMOTE_ADDR. Rate limits and the access log rely on this.
    """
    proxies = settings.CLINIC_TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        candidate = forwarded[-proxies]
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    return candidate if _is_ip_address(candidate) else None


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def access_event_record_list(*, request: HttpRequest, patients: Iterable, object_type: str,
                             action: str = AccessEvent.Action.VIEW) -> None:
    """One event for a page listing patients (or rows that belong to patients): ``patients`` are objects
    with a ``public_id`` (a patient) or a ``patient`` (an intake, an appointment)."""
    ids = [getattr(item, "patient", item).public_id for item in patients]
    access_event_record(request=request, patient_id=None, patient_ids=ids, object_type=object_type, action=action)

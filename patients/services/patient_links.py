"""The one patient-link service (DESIGN.md §2, §6): intake, consent and appointment links are made, opened,
checked and ended here, whatever model holds them (a ``PatientLinkBase``).

A token comes from ``secrets`` and is shown once; only its SHA-256 is stored. A link serves one purpose and
is dead once that is done (used), when it expires or is revoked, or after ``INTAKE_DOB_ATTEMPTS`` wrong dates
of birth (locked). The count is re-read inside the row lock, so concurrent wrong guesses cannot pass the limit.
Links are built from ``SITE_URL`` only, never from the request's Host header."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import PatientLinkBase

from .errors import LinkUnusable

MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_token_new() -> tuple[str, str]:
    """(token, its SHA-256): the token goes to the patient once, the hash to the database."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def link_url(*, urlname: str, token: str) -> str:
    """The absolute address of a patient link, from ``SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + reverse(urlname, kwargs={"token": token})


def link_lookup(*, queryset: models.QuerySet, token: str) -> PatientLinkBase | None:
    """The link behind a token, live or dead (None when unknown)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return queryset.filter(token_hash=token_hash(token)).first()


def link_open(*, queryset: models.QuerySet, token: str) -> PatientLinkBase:
    """The live link behind a token, or ``LinkUnusable`` saying why not (with the link when it is known)."""
    link = link_lookup(queryset=queryset, token=token)
    if link is None:
        raise LinkUnusable("unknown")
    if link.state != "active":
        raise LinkUnusable(link.state, link)
    return link


@transaction.atomic
def link_verify_dob(*, link: PatientLinkBase, date_of_birth: datetime.date) -> bool:
    """Check the date of birth; count a wrong one and lock the link at ``INTAKE_DOB_ATTEMPTS``.

    The row is locked first and its state read again under the lock: of many guesses sent at once, each waits
    for the one before, so no more than the limit are ever counted and none is checked once the link locked."""
    locked = type(link).objects.select_for_update().get(pk=link.pk)
    if locked.state != "active":
        raise LinkUnusable(locked.state, locked)
    if date_of_birth == locked.link_patient.date_of_birth:
        if locked.failed_dob_attempts:
            locked.failed_dob_attempts = 0
            locked.save(update_fields=["failed_dob_attempts"])
        return True
    locked.failed_dob_attempts += 1
    if locked.failed_dob_attempts >= settings.INTAKE_DOB_ATTEMPTS:
        locked.locked_at = timezone.now()
    locked.save(update_fields=["failed_dob_attempts", "locked_at"])
    link.failed_dob_attempts, link.locked_at = locked.failed_dob_attempts, locked.locked_at
    return False


def link_attempts_left(link: PatientLinkBase) -> int:
    return max(0, settings.INTAKE_DOB_ATTEMPTS - link.failed_dob_attempts)


def links_end(*, queryset: models.QuerySet, now: datetime.datetime | None = None, used: bool = False,
              **fields) -> int:
    """End every live link in ``queryset``: used (its purpose is done) or revoked. Returns how many."""
    now = now or timezone.now()
    live = queryset.filter(revoked_at__isnull=True, used_at__isnull=True)
    return live.update(**({"used_at": now} if used else {"revoked_at": now}), **fields)

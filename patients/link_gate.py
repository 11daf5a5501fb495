"""The patient's side of every patient link (intake, consent, appointment): the date-of-birth gate, the proof
kept in the browser's session, and the one dead-link page. The rules themselves (hash, states, the count
and lock) are the one service's, ``patients.services.patient_links``; this module is what a view needs.

- Proving the date of birth rotates the session id (``cycle_key``): a session id seen before the proof
  (a shared computer, a planted cookie) never carries it.
- The proof lapses after ``INTAKE_SESSION_IDLE_MINUTES`` without activity and with the browser.
- Date-of-birth answers are rate-limited per client address in PostgreSQL (``INTAKE_DOB_RATE_PER_HOUR``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.models import Location
from patients import ratelimit
from patients.intake_forms import DobCheckForm
from patients.models import PatientLinkBase
from patients.services import LinkUnusable, link_attempts_left, link_verify_dob

PROOF_KEY = "patient-link-proof:{}"  # {"proven_at": epoch seconds, "seen_at": epoch seconds}

IDLE_MESSAGE = ("For your privacy, we ask for your date of birth again after {minutes} minutes without activity. "
                "Anything you saved is kept.")


def proof_key(link: PatientLinkBase) -> str:
    return PROOF_KEY.format(link.token_hash)


def proof_state(request, link: PatientLinkBase) -> str:
    """"proven", "idle" (proven in this session, but inactive too long) or "none". A proven check counts as
    activity and moves the idle clock on."""
    key = proof_key(link)
    proof = request.session.get(key)
    if not isinstance(proof, dict):
        return "none"
    now = timezone.now().timestamp()
    if now - float(proof.get("seen_at", 0)) > settings.INTAKE_SESSION_IDLE_MINUTES * 60:
        del request.session[key]
        return "idle"
    request.session[key] = {**proof, "seen_at": now}
    return "proven"


def _proof_record(request, link: PatientLinkBase) -> None:
    request.session.cycle_key()  # a new session id once the date of birth is proven
    now = timezone.now().timestamp()
    request.session[proof_key(link)] = {"proven_at": now, "seen_at": now}
    request.session.set_expiry(0)  # the cookie ends with the browser: a new visit proves the date of birth again


def clinic_phone(link: PatientLinkBase | None) -> str:
    """The clinic to call: the link's location, else the clinic's only active location."""
    location = link.link_location if link is not None else None
    if location is None:
        active = list(Location.objects.filter(is_active=True)[:2])
        location = active[0] if len(active) == 1 else None
    return location.phone if location else ""


def dead_link(request, link: PatientLinkBase | None = None, *, just_locked: bool = False) -> HttpResponse:
    """The one page for a link that does not work, whatever the reason (unknown, expired, revoked, used,
    locked): one status and the same words, with the clinic's phone. Only the answer that locks the link says
    so (``just_locked``): that person has just been told how many tries were left, so it tells them nothing
    new, and a visit after that sees the same page as any dead link."""
    return render(request, "patient_links/dead.html", {
        "crisis_line": settings.CRISIS_LINE, "clinic_phone": clinic_phone(link), "just_locked": just_locked},
        status=404)


def rate_limited(request) -> HttpResponse:
    return render(request, "intake/rate_limited.html", status=429)


def dob_gate(request, link: PatientLinkBase, *, intro: str,
             on_proof: Callable[[], HttpResponse]) -> HttpResponse | None:
    """None when the date of birth is proven in this session (the caller shows its page); else the response:
    the date-of-birth form (with how many tries remain), ``on_proof()`` right after a correct answer, the
    rate-limit page, or the dead-link page once the link locks."""
    state = proof_state(request, link)
    if state == "proven":
        return None
    if state == "idle" and request.method == "GET":
        messages.info(request, IDLE_MESSAGE.format(minutes=settings.INTAKE_SESSION_IDLE_MINUTES))
    form = DobCheckForm(request.POST if request.method == "POST" and "date_of_birth" in request.POST else None)
    if form.is_bound:
        if not ratelimit.hit(request=request, scope="patient-link-dob", limit=settings.INTAKE_DOB_RATE_PER_HOUR):
            return rate_limited(request)
        if form.is_valid():
            try:
                correct = link_verify_dob(link=link, date_of_birth=form.cleaned_data["date_of_birth"])
            except LinkUnusable as error:
                return dead_link(request, error.link)
            if correct:
                _proof_record(request, link)
                return on_proof()
            if link.locked_at:
                return dead_link(request, link, just_locked=True)
            left = link_attempts_left(link)
            form.add_error("date_of_birth", f"That date of birth does not match our records. "
                                            f"{left} more tr{'y' if left == 1 else 'ies'} before this link locks.")
    return render(request, "patient_links/dob_check.html", {
        "form": form, "intro": intro, "crisis_line": settings.CRISIS_LINE, "clinic_phone": clinic_phone(link)})

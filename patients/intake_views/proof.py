"""Starting an intake, opening a link, and the date-of-birth proof that guards it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic.models import Location
from patients import intake_steps, ratelimit, services
from patients.intake_forms import STEP_FORMS, DobCheckForm, StartIntakeForm
from patients.models import LinkPurpose, PatientLink

from .drafts import _raw, _step_forms

PROOF_KEY = "intake-proof:{}"  # {"proven_at": epoch seconds, "seen_at": epoch seconds}
PENDING_KEY = "intake-pending:{}"  # a step POST that arrived after the proof lapsed: {"step", "raw"}
UNUSABLE_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 200, "locked": 403}


def _crisis_context(link: PatientLink | None = None) -> dict:
    location = link.intake.patient.location if link else Location.objects.filter(is_active=True).first()
    return {"crisis_line": settings.CRISIS_LINE, "clinic_phone": location.phone if location else ""}


def _unusable(request, error: services.LinkUnusable):
    if error.link is not None and _proof_state(request, error.link) != "proven":
        # A dead link seen before a date-of-birth proof in this browser (a forwarded e-mail, a shared
        # computer): one neutral page and one status for every reason, so that holding the link does not
        # tell anyone that this person applied, was sent a new link or locked it (DESIGN.md §6).
        return render(request, "intake/link_inactive.html", _crisis_context(error.link), status=410)
    context = {"reason": error.reason, "purpose": error.link.purpose if error.link else "",
               **_crisis_context(error.link)}
    return render(request, "intake/link_unusable.html", context, status=UNUSABLE_STATUS[error.reason])


def _proof_state(request, link: PatientLink) -> str:
    """"proven", "idle" (proven in this session, but inactive too long) or "none". A proven check counts as
    activity and moves the idle clock on."""
    key = PROOF_KEY.format(link.token_hash)
    proof = request.session.get(key)
    if not isinstance(proof, dict):
        return "none"
    now = timezone.now().timestamp()
    if now - float(proof.get("seen_at", 0)) > settings.INTAKE_SESSION_IDLE_MINUTES * 60:
        del request.session[key]
        return "idle"
    request.session[key] = {**proof, "seen_at": now}
    return "proven"


def _proven(request, link: PatientLink) -> bool:
    return _proof_state(request, link) == "proven"

IDLE_MESSAGE = ("For your privacy, we ask for your date of birth again after {minutes} minutes without activity. "
                "Anything you saved is kept.")

STASHED_MESSAGE = ("For your privacy, please enter your date of birth again. What you just typed is kept: you "
                   "will see it on the next page, ready to save.")


def _resolve(request, token: str, purpose: str = LinkPurpose.INTAKE, step: str | None = None):
    """(link, None) when the link is live and the date of birth proven in this session; else (None, response).

    A step answer posted after the proof lapsed is kept in this browser's session (not in the intake: nothing
    reaches the patient's record before the date of birth is proven again) and becomes the step's draft once
    it is."""
    try:
        link = services.link_resolve(token=token, purpose=purpose)
    except services.LinkUnusable as error:
        return None, _unusable(request, error)
    state = _proof_state(request, link)
    if state != "proven":
        if request.method == "POST" and step in STEP_FORMS and link.intake.is_editable:
            form, formset = _step_forms(link.intake, step, request.POST)
            request.session[PENDING_KEY.format(link.token_hash)] = {"step": step,
                                                                    "raw": _raw(request, form, formset)}
            messages.info(request, STASHED_MESSAGE)
        elif state == "idle":
            messages.info(request, IDLE_MESSAGE.format(minutes=settings.INTAKE_SESSION_IDLE_MINUTES))
        return None, redirect("intake:link", token=token)
    return link, None


def start(request):
    """Self-referral: stored as a request for front desk; the same answer whoever asks."""
    locations = list(Location.objects.filter(is_active=True))
    form = StartIntakeForm(request.POST or None, locations=locations)
    if request.method == "POST":
        if not ratelimit.hit(request=request, scope="intake-start", limit=settings.INTAKE_START_RATE_PER_HOUR):
            return render(request, "intake/rate_limited.html", status=429)
        if form.is_valid() and locations:
            data = form.cleaned_data
            # One stored request, whoever asks: the same work and the same neutral answer for everyone; front
            # desk decides what it becomes (issue 8, item 9).
            services.intake_self_refer(
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                date_of_birth=data["date_of_birth"], location=data.get("location") or locations[0])
            return redirect("intake:start_done")
    return render(request, "intake/start.html", {"form": form, "no_location": not locations})


def start_done(request):
    return render(request, "intake/start_done.html")


def link(request, token: str):
    """Open a link: prove the date of birth, then carry on where you left off."""
    try:
        live = services.link_resolve(token=token)
    except services.LinkUnusable as error:
        return _unusable(request, error)
    if request.method == "GET":
        state = _proof_state(request, live)
        if state == "proven":
            return _continue(request, live, token)
        if state == "idle":
            messages.info(request, IDLE_MESSAGE.format(minutes=settings.INTAKE_SESSION_IDLE_MINUTES))
    form = DobCheckForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit(request=request, scope="intake-dob", limit=settings.INTAKE_DOB_RATE_PER_HOUR):
            return render(request, "intake/rate_limited.html", status=429)
        if form.is_valid():
            try:
                correct = services.link_verify_dob(link=live, date_of_birth=form.cleaned_data["date_of_birth"])
            except services.LinkUnusable as error:
                return _unusable(request, error)
            if correct:
                request.session.cycle_key()
                now = timezone.now().timestamp()
                request.session[PROOF_KEY.format(live.token_hash)] = {"proven_at": now, "seen_at": now}
                # The cookie ends with the browser: a new visit proves the date of birth again (DESIGN.md §6).
                request.session.set_expiry(0)
                return _continue(request, live, token)
            live.refresh_from_db()
            if live.locked_at:
                return _unusable(request, services.LinkUnusable("locked", live))
            left = settings.INTAKE_DOB_ATTEMPTS - live.failed_dob_attempts
            form.add_error("date_of_birth", f"That date of birth does not match our records. "
                                            f"{left} more tr{'y' if left == 1 else 'ies'} before this link locks.")
    return render(request, "intake/dob_check.html", {"form": form})


def _continue(request, link: PatientLink, token: str) -> HttpResponseRedirect:
    if link.purpose == LinkPurpose.CONSENT:
        return redirect("intake:consent_only", token=token)
    intake = link.intake
    if not intake.is_editable:  # read-only: the review with "what happens next", never back into the steps
        return redirect("intake:step", token=token, step="review")
    pending = request.session.pop(PENDING_KEY.format(link.token_hash), None)
    if (isinstance(pending, dict) and pending.get("step") in STEP_FORMS and isinstance(pending.get("raw"), dict)
            and services.intake_draft_save(intake=intake, step=pending["step"], raw=pending["raw"])):
        messages.info(request, "Welcome back. What you typed before is below: check it and save.")
        return redirect("intake:step", token=token, step=pending["step"])
    if intake.status == "needs_info" and intake.answers:
        return redirect("intake:step", token=token, step="review")
    return redirect("intake:step", token=token, step=intake_steps.first_open_step(intake.answers).slug)

"""Starting an intake, opening a link, and the date-of-birth proof that guards it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render

from clinic.models import Location
from patients import intake_steps, link_gate, ratelimit, services
from patients.intake_forms import STEP_FORMS, StartIntakeForm
from patients.link_gate import IDLE_MESSAGE, PROOF_KEY, clinic_phone, proof_state  # noqa: F401 (re-exported)
from patients.models import LinkPurpose, PatientLink

from .drafts import _raw, _step_forms

PENDING_KEY = "intake-pending:{}"  # a step POST that arrived after the proof lapsed: {"step", "raw"}

UNUSABLE_STATUS = {"expired": 410, "revoked": 410, "used": 200, "locked": 403}


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def clinic_hours_text(location: Location | None) -> str:
    """When the clinic reads answers, in the patient's words ("Monday to Friday, 09:00–17:00")."""
    if location is None:
        return "the clinic's opening hours"
    days = sorted(location.open_weekdays or [])
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        named = f"{_DAY_NAMES[days[0]]} to {_DAY_NAMES[days[-1]]}"
    else:
        named = ", ".join(_DAY_NAMES[day] for day in days) or "opening days"
    return f"{named}, {location.opens_at:%H:%M}–{location.closes_at:%H:%M}"


def _crisis_context(link: PatientLink | None = None) -> dict:
    """CLINICAL.md §3: crisis resources, and an honest word on when the clinic reads answers."""
    location = link.intake.patient.location if link else Location.objects.filter(is_active=True).first()
    return {"crisis_line": settings.CRISIS_LINE, "clinic_phone": clinic_phone(link),
            "clinic_hours": clinic_hours_text(location), "flagged": bool(link and link.intake.urgent_at)}


def _unusable(request, error: services.LinkUnusable):
    if error.link is None or proof_state(request, error.link) != "proven":
        # A dead link seen before a date-of-birth proof in this browser (a forwarded e-mail, a shared
        # computer): the one neutral page of every patient link, so that holding the link does not tell
        # anyone that this person applied, was sent a new link or locked it (DESIGN.md §6).
        return link_gate.dead_link(request, error.link)
    # Proven in this browser: the patient may learn why (e.g. "your intake has been sent").
    context = {"reason": error.reason, "purpose": error.link.purpose if error.link else "",
               **_crisis_context(error.link)}
    return render(request, "intake/link_unusable.html", context, status=UNUSABLE_STATUS[error.reason])


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
    state = proof_state(request, link)
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
            return link_gate.rate_limited(request)
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
    carry_on = lambda: _continue(request, live, token)  # noqa: E731
    return link_gate.dob_gate(request, live, intro="Enter your date of birth to open your intake form.",
                              on_proof=carry_on) or carry_on()


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

"""Patient-facing pages (no account): the public start page and the intake behind a patient link.

Security (DESIGN.md §6): the token is looked up by its SHA-256; before anything shows, the patient proves
their date of birth, and the proof lives in the Django session keyed by the token's hash (never a patient id
in a URL). The proof ends with the browser (a cookie without an expiry) and after
INTAKE_SESSION_IDLE_MINUTES without activity, so a phone left on a table or a new visit asks again. Five
wrong dates lock the link; the public pages are rate-limited.
"""

from __future__ import annotations

import contextlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit.services import access_event_record, client_ip
from clinic.models import Location
from patients import intake_steps, ratelimit, services
from patients.intake_forms import STEP_FORMS, ConsentForm, DobCheckForm, StartIntakeForm, TrialForm, TrialFormSet
from patients.models import ConsentDocument, LinkPurpose, PatientLink

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
    """Self-referral: the same answer whether or not the e-mail is known; the link goes by e-mail."""
    locations = list(Location.objects.filter(is_active=True))
    form = StartIntakeForm(request.POST or None, locations=locations)
    if request.method == "POST":
        if not ratelimit.hit(request=request, scope="intake-start", limit=settings.INTAKE_START_RATE_PER_HOUR):
            return render(request, "intake/rate_limited.html", status=429)
        if form.is_valid() and locations:
            data = form.cleaned_data
            # The same neutral answer either way: this page never says whether someone is known.
            with contextlib.suppress(services.IntakeError):
                services.intake_self_refer(
                    first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                    date_of_birth=data["date_of_birth"], location=data.get("location") or locations[0],
                    base_url=request.build_absolute_uri("/"))
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


def _progress(intake, current: str) -> dict:
    steps = intake_steps.steps_for(intake.answers)
    slugs = [step.slug for step in steps]
    number = slugs.index(current) + 1 if current in slugs else len(steps)
    done = {slug for slug in slugs if intake.answers.get(slug)}
    if intake.signatures.exists():
        done.add("consent")
    return {"steps": steps, "step_number": number, "step_count": len(steps), "done_steps": done,
            "current_step": intake_steps.STEPS_BY_SLUG[current]}


def _querydict(raw: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


def _raw(request, form, formset=None) -> dict[str, list[str]]:
    """What was typed into a step, for its draft: only the names the step's form and formset read (anything
    else in a POST is noise or an attack), without NUL characters, lengths capped (services.clean_draft)."""
    allowed = form.posted_names() | (formset.posted_names() if formset is not None else set())
    return services.clean_draft({key: request.POST.getlist(key) for key in request.POST if key in allowed})


def _step_forms(intake, slug: str, data=None):
    """The step's form (and, for past treatments, the trial formset), bound to data or a saved draft."""
    form_class = STEP_FORMS[slug]
    saved = intake.answers.get(slug) or {}
    if data is None and slug in intake.drafts:
        data = _querydict(intake.drafts[slug])
    form = form_class(data, initial=form_class.initial_from(saved)) if data is not None else form_class(
        initial=form_class.initial_from(saved))
    formset = None
    if slug == "treatments":
        rows = [TrialForm.initial_from(row) for row in saved.get("trials", [])]
        formset = TrialFormSet(data, prefix="trials") if data is not None else TrialFormSet(
            prefix="trials", initial=rows)
    return form, formset


NOT_EDITABLE_MESSAGE = ("Your intake has already been sent to the clinic, so it can no longer be changed here. "
                        "If something was wrong or has changed, please call us.")


def step(request, token: str, step: str):
    link, response = _resolve(request, token, step=step)
    if response:
        return response
    intake = link.intake
    if step not in intake_steps.STEPS_BY_SLUG or (not intake.is_editable and step != "consent"):
        # A read-only intake shows the review ("what happens next"); redirecting back to a step would loop.
        slug = intake_steps.first_open_step(intake.answers).slug if intake.is_editable else "review"
        if step != "review":
            return redirect("intake:step", token=token, step=slug)
    if step == "consent":
        return _consent_step(request, link, token)
    if step == "review":
        return _review_step(request, link, token)
    form, formset = _step_forms(intake, step, request.POST if request.method == "POST" else None)
    crisis_now = False
    if request.method == "POST":
        if form.is_valid() and (formset is None or formset.is_valid()):
            data = form.to_answers()
            if formset is not None:
                data["trials"] = formset.answers()
            try:
                intake = services.intake_step_save(intake=intake, step=step, data=data)
            except services.IntakeNotEditable:  # sent from another tab or phone meanwhile
                messages.info(request, NOT_EDITABLE_MESSAGE)
                return redirect("intake:step", token=token, step="review")
            if step in intake_steps.QUESTIONNAIRE_STEPS and _step_is_urgent(step, data):
                return redirect("intake:crisis", token=token)
            if "add_trial" in request.POST:  # saved; back to the same step with a new empty box
                return redirect("intake:step", token=token, step=step)
            return redirect("intake:step", token=token,
                            step=intake_steps.next_step(intake.answers, after=step).slug)
        if formset is not None and "add_trial" in request.POST:
            form, formset = _with_another_trial_row(request, form, formset)
            raw = _raw(request, form, formset)
            if not formset.is_bound:  # the rows were fine: a reload of the draft keeps the new empty box too
                raw[formset.management_form.add_prefix("TOTAL_FORMS")] = [str(formset.total_form_count())]
        else:
            # Not complete, but a high-risk answer already given escalates now (CLINICAL.md §3).
            reasons = intake_steps.partial_urgent_reasons(step, form)
            if reasons:
                services.intake_urgent_flag(intake=intake, reasons=reasons)
                crisis_now = True
            raw = _raw(request, form, formset)
        if not services.intake_draft_save(intake=intake, step=step, raw=raw):
            messages.info(request, NOT_EDITABLE_MESSAGE)
            return redirect("intake:step", token=token, step="review")
    else:
        access_event_record(request=request, patient_id=intake.patient.public_id,
                            object_type=f"intake step ({step})", object_id=str(intake.public_id))
    context = {"form": form, "formset": formset, "token": token, "intake": intake, "crisis_now": crisis_now,
               "latest_request": _latest_request(intake), **_progress(intake, step), **_crisis_context(link)}
    return render(request, "intake/step.html", context)


def _with_another_trial_row(request, form, formset):
    """"Save and add another medicine" on a page not finished yet: only the medicine rows are checked.

    The patient is still filling the page in, so the ECT / TMS / therapy questions below are shown as typed
    but unbound (no red "required" on questions they have not reached). Rows that are fine come back with
    one more empty box; a row with a mistake comes back bound, with its message, and no new box yet.
    The caller keeps everything typed as a draft."""
    posted = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if key in request.POST:
            multiple = isinstance(field, forms.MultipleChoiceField)
            posted[name] = request.POST.getlist(key) if multiple else request.POST.get(key)
    form = type(form)(initial=posted)
    if not formset.is_valid():
        return form, formset
    rows = []
    for row in formset.forms:
        if row.has_changed() and row.cleaned_data and not formset._should_delete_form(row):
            rows.append({key: value for key, value in row.cleaned_data.items() if key != "DELETE"})
    return form, TrialFormSet(prefix="trials", initial=rows)


def _step_is_urgent(step: str, data: dict) -> bool:
    try:
        return intake_steps.score_step(step, data).urgent
    except ValueError:
        return False


def _latest_request(intake):
    if intake.status != "needs_info":
        return None
    return intake.decisions.filter(kind="request_info").order_by("-decided_at").first()


def _document_read(form: ConsentForm, current: ConsentDocument) -> ConsentDocument:
    """The consent version the patient had on screen (the form's hidden version), else the current one."""
    version = form.cleaned_data.get("version")
    if version and version != current.version:
        return ConsentDocument.objects.filter(version=version).first() or current
    return current


def _consent_refused(request, document: ConsentDocument, error: Exception, **kwargs) -> ConsentForm:
    """The form again, now carrying the current version (so the next click signs what is on screen)."""
    data = request.POST.copy()
    data["version"] = str(document.version)
    form = ConsentForm(data, document=document, **kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form


def _consent_step(request, link: PatientLink, token: str):
    intake = link.intake
    document = services.consent_document_current()
    signature = services.intake_current_signature(intake)
    last_name = intake.patient.legal_last_name
    form = ConsentForm(request.POST or None, expected_last_name=last_name, document=document)
    if request.method == "POST" and intake.is_editable and document and form.is_valid():
        try:
            services.consent_sign(patient=intake.patient, document=_document_read(form, document), intake=intake,
                                  typed_name=form.cleaned_data["typed_name"], ip_address=client_ip(request),
                                  user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except services.AlreadySigned:  # a double click: the first click signed
            return redirect("intake:step", token=token, step="review")
        except services.IntakeError as error:
            form = _consent_refused(request, document, error, expected_last_name=last_name)
        else:
            return redirect("intake:step", token=token, step="review")
    context = {"form": form, "document": document, "signature": signature, "token": token, "intake": intake,
               **_progress(intake, "consent"), **_crisis_context(link)}
    return render(request, "intake/consent.html", context)


def _review_step(request, link: PatientLink, token: str):
    intake = link.intake
    access_event_record(request=request, patient_id=intake.patient.public_id, object_type="intake review (patient)",
                        object_id=str(intake.public_id))
    missing = intake_steps.missing_steps(intake.answers)
    context = {"intake": intake, "token": token, "missing": missing, "summary": intake_summary(intake),
               "signature": services.intake_current_signature(intake), "latest_request": _latest_request(intake),
               **_progress(intake, "review"), **_crisis_context(link)}
    return render(request, "intake/review.html", context)


@require_POST
def submit(request, token: str):
    link, response = _resolve(request, token)
    if response:
        return response
    try:
        services.intake_submit(intake=link.intake)
    except services.IntakeError as error:
        messages.error(request, str(error))
        return redirect("intake:step", token=token, step="review")
    return redirect("intake:link", token=token)  # the link is now used: it shows what happens next


def crisis(request, token: str):
    link, response = _resolve(request, token)
    if response:
        return response
    intake = link.intake
    next_slug = intake_steps.first_open_step(intake.answers).slug if intake.is_editable else "review"
    return render(request, "intake/crisis.html", {"token": token, "next_step": next_slug, **_crisis_context(link)})


def consent_only(request, token: str):
    """A consent link: sign the current consent version again (after a manager published a new one)."""
    link, response = _resolve(request, token, purpose=LinkPurpose.CONSENT)
    if response:
        return response
    document = services.consent_document_current()
    last_name = link.intake.patient.legal_last_name
    form = ConsentForm(request.POST or None, expected_last_name=last_name, document=document)
    if request.method == "POST" and document and form.is_valid():
        try:
            services.consent_link_sign(link=link, document=_document_read(form, document),
                                       typed_name=form.cleaned_data["typed_name"], ip_address=client_ip(request),
                                       user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except services.LinkUnusable as error:  # e.g. a double click: the first click signed and used the link
            return _unusable(request, error)
        except services.IntakeError as error:  # e.g. a newer version was published while the patient read
            form = _consent_refused(request, document, error, expected_last_name=last_name)
        else:
            return render(request, "intake/consent_done.html", _crisis_context(link))
    return render(request, "intake/consent_only.html", {"form": form, "document": document, "token": token,
                                                        **_crisis_context(link)})


def intake_summary(intake) -> list[dict]:
    """The saved answers as labelled rows per step, for the patient's review and the prescriber's summary."""
    from patients.summary import summarise

    return summarise(intake.answers)

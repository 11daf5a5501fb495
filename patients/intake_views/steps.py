"""The intake's steps, the consent step, review, submission, the crisis page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinic.audit.services import access_event_record, client_ip
from patients import intake_steps, services
from patients.intake_forms import ConsentForm, TrialFormSet
from patients.models import ConsentDocument, LinkPurpose, PatientLink

from .drafts import _raw, _step_forms
from .proof import _crisis_context, _resolve, _unusable

NOT_EDITABLE_MESSAGE = ("Your intake has already been sent to the clinic, so it can no longer be changed here. "
                        "If something was wrong or has changed, please call us.")


def _progress(intake, current: str) -> dict:
    steps = intake_steps.steps_for(intake.answers)
    slugs = [step.slug for step in steps]
    number = slugs.index(current) + 1 if current in slugs else len(steps)
    done = {slug for slug in slugs if intake.answers.get(slug)}
    if intake.signatures.exists():
        done.add("consent")
    return {"steps": steps, "step_number": number, "step_count": len(steps), "done_steps": done,
            "current_step": intake_steps.STEPS_BY_SLUG[current]}


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
    access_event_record(request=request, patient_id=intake.patient.public_id, object_type="intake step (consent)",
                        object_id=str(intake.public_id))
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
    access_event_record(request=request, patient_id=link.intake.patient.public_id, object_type="consent link",
                        object_id=str(link.intake.public_id))
    return render(request, "intake/consent_only.html", {"form": form, "document": document, "token": token,
                                                        **_crisis_context(link)})


def intake_summary(intake) -> list[dict]:
    """The saved answers as labelled rows per step, for the patient's review and the prescriber's summary."""
    from patients.summary import summarise

    return summarise(intake.answers)

"""A step's forms, bound to what was posted or saved as a draft."""

from __future__ import annotations

from django.http import QueryDict

from patients import services
from patients.intake_forms import STEP_FORMS, TrialForm, TrialFormSet


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

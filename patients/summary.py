"""Saved intake answers as readable, labelled rows (the patient's review page and the prescriber's summary)."""

from __future__ import annotations

from typing import Any

from patients import intake_steps, scoring, screening
from patients.intake_forms import STEP_FORMS, TRIAL_RESPONSE_CHOICES, TrialForm

_WORDS = {True: "Yes", False: "No", None: "Not sure / not answered"}


def _shown(value: Any, choices: dict | None = None) -> str:
    if value == screening.UNSURE:
        return "Not sure"
    if isinstance(value, bool) or value is None:
        return _WORDS[value]
    if isinstance(value, list):
        return ", ".join(_shown(item, choices) for item in value) or "—"
    if choices and str(value) in choices:
        return str(choices[str(value)])
    return str(value) if value != "" else "—"


def _field_rows(slug: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    form = STEP_FORMS[slug]()
    rows = []
    for key, value in data.items():
        if key == "trials":
            continue
        field = form.fields.get(key)
        label = str(field.label) if field else key.replace("_", " ").capitalize()
        choices = dict(getattr(field, "choices", [])) if field is not None else None
        rows.append((label, _shown(value, {str(k): v for k, v in (choices or {}).items()})))
    return rows


def _feet_inches(cm: float) -> str:
    feet, inches = divmod(round(cm / 2.54), 12)
    return f"{feet} ft {inches} in"


def _about_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    data = dict(data)
    height, weight = data.pop("height_cm", None), data.pop("weight_kg", None)
    rows = _field_rows("about", data)
    rows.insert(1, ("Height", f"{height} cm ({_feet_inches(height)})" if height else "—"))
    rows.insert(2, ("Weight", f"{weight} kg ({round(weight / 0.45359237)} lb)" if weight else "—"))
    return rows


def _medical_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    checklist = data.get("checklist", {})
    rows = [(item.question, _shown(checklist.get(item.key))) for item in screening.MEDICAL_CHECKLIST]
    # An answer to a question since replaced is shown as it was given (nothing saved is hidden).
    rows += [(f"{item.question} (earlier version of the form)", _shown(checklist[item.key]))
             for item in screening.RETIRED_CHECKLIST if item.key in checklist]
    if data.get("stroke_when"):
        rows.append(("When was the stroke or TIA?", data["stroke_when"]))
    return rows


def _medication_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = _field_rows("medications", {k: v for k, v in data.items() if k != "classes"})
    classes = data.get("classes")
    if classes is None:
        return [*rows, ("Medicine classes (yes / no / not sure)", "Not asked (saved before these questions)")]
    return rows + [(question, _shown(classes.get(key)))
                   for key, question in screening.MEDICATION_CLASS_QUESTIONS.items()]


def _questionnaire_rows(slug: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    instrument = scoring.INSTRUMENTS[intake_steps.QUESTIONNAIRE_STEPS[slug]]
    options = dict(instrument.options)
    rows = []
    for key, text in instrument.items:
        value = data.get(key)
        shown = _WORDS[value] if isinstance(value, bool) else options.get(value, "Not asked")
        rows.append((text, shown if value is not None else "Not asked"))
    return rows


def trial_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    responses = dict(TRIAL_RESPONSE_CHOICES)
    return [{
        "drug": row.get("drug", ""), "dose": row.get("dose", ""), "weeks": str(row.get("weeks", "")),
        "adequate_dose": _shown(row.get("adequate_dose")), "current_episode": _shown(row.get("current_episode")),
        "response": responses.get(row.get("response") or "unknown", "I don't know"),
        "why_stopped": row.get("why_stopped", ""),
    } for row in data.get("trials", [])]


TRIAL_HEADINGS = [str(TrialForm.base_fields[key].label) for key in
                  ("drug", "dose", "weeks", "adequate_dose", "current_episode", "response", "why_stopped")]


def summarise(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """One section per saved step, in intake order: title, rows of (question, answer), and trials if any."""
    sections = []
    for step in intake_steps.steps_for(answers):
        data = answers.get(step.slug)
        if step.slug not in intake_steps.ANSWER_STEPS:
            continue
        section = {"slug": step.slug, "title": step.title, "saved": bool(data), "rows": [], "trials": None}
        if data:
            if step.slug == "about":
                section["rows"] = _about_rows(data)
            elif step.slug == "medical":
                section["rows"] = _medical_rows(data)
            elif step.slug == "medications":
                section["rows"] = _medication_rows(data)
            elif step.slug in intake_steps.QUESTIONNAIRE_STEPS:
                section["rows"] = _questionnaire_rows(step.slug, data)
            else:
                section["rows"] = _field_rows(step.slug, data)
            if step.slug == "treatments":
                section["trials"] = trial_rows(data)
        sections.append(section)
    return sections

"""About you, contacts and escort, mental-health history, past treatments, medicines, the medical checklist."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from clinic.phones import PhoneField
from patients import screening
from patients.intake_steps import REASONS

from .common import _FROM_BOOL, _TO_BOOL, YES_NO_UNSURE, StepForm, _yes_no


class AboutForm(StepForm):
    preferred_name = forms.CharField(label="Name you like to be called (optional)", max_length=100, required=False)
    sex = forms.ChoiceField(label="Sex", choices=(("female", "Female"), ("male", "Male"), ("intersex", "Intersex"),
                                                  ("undisclosed", "Prefer not to say")), widget=forms.RadioSelect)
    # Height one of two ways: feet and inches, or one number whose unit the patient picks (never preselected,
    # CLINICAL.md §2: "units explicit"). Either way it is stored as ``height_cm``.
    height_feet = forms.IntegerField(label="Height: feet", min_value=0, max_value=9, required=False,
                                     help_text="For example 5 ft 6 in: 5 here and 6 in inches.")
    height_inches = forms.DecimalField(label="and inches", min_value=0, max_value=11, max_digits=3,
                                       decimal_places=1, required=False)
    height = forms.DecimalField(label="Or your height as one number", max_digits=5, decimal_places=1, min_value=0,
                                required=False, help_text="In inches (5 ft 6 in = 66) or centimetres: choose below.")
    height_unit = forms.ChoiceField(label="Height in", choices=(("in", "inches"), ("cm", "centimetres")),
                                    widget=forms.RadioSelect, required=False)
    weight = forms.DecimalField(label="Weight", max_digits=5, decimal_places=1, min_value=0,
                                help_text="Your dose is worked out from your weight.")
    weight_unit = forms.ChoiceField(label="Weight in", choices=(("lb", "pounds"), ("kg", "kilograms")),
                                    widget=forms.RadioSelect)
    bmi_confirmed = forms.BooleanField(
        label="Yes, my height and weight are right", required=False,
        help_text="Tick this only if we ask you to check your height and weight.")
    primary_care = forms.CharField(label="Your primary care doctor (name and practice)", max_length=200,
                                   required=False)
    referring_clinician = forms.CharField(label="Who referred you (optional)", max_length=200, required=False)
    reasons = forms.MultipleChoiceField(label="What would you like treatment for?", choices=REASONS,
                                        widget=forms.CheckboxSelectMultiple)

    def clean(self):
        data = super().clean()
        self._clean_height(data)
        if data.get("weight") is not None and data.get("weight_unit"):
            kg = data["weight"] * (Decimal("0.45359237") if data["weight_unit"] == "lb" else 1)
            if not Decimal(30) <= kg <= Decimal(350):
                self.add_error("weight", "That weight looks impossible: check the number and the unit "
                                         "(66–770 lb; 30–350 kg).")
            data["weight_kg"] = float(round(kg, 1))
        if not self.errors and "height_cm" in data and "weight_kg" in data:
            self._check_bmi(data)
        return data

    def _clean_height(self, data) -> None:
        """Feet and inches, or one number with its unit, never both; the result is ``height_cm``."""
        if any(name in self.errors for name in ("height", "height_unit", "height_feet", "height_inches")):
            return
        feet, inches, number, unit = (data.get(name) for name in ("height_feet", "height_inches", "height",
                                                                 "height_unit"))
        if feet is not None and number is not None:
            self.add_error("height", "Give your height one way: feet and inches, or one number, not both.")
            return
        if feet is None and inches is not None:
            self.add_error("height_feet", "Give the feet as well (for example 5 ft 6 in: 5 and 6).")
            return
        if feet is not None:
            cm, field, data["height_shown"] = (feet * 12 + (inches or 0)) * Decimal("2.54"), "height_feet", \
                f"{feet} ft {inches or 0} in"
        elif number is None:
            self.add_error("height", "Please give your height: in feet and inches, or as one number.")
            return
        elif not unit:
            self.add_error("height_unit", "Choose inches or centimetres for your height.")
            return
        else:
            cm, field, data["height_shown"] = number * (Decimal("2.54") if unit == "in" else 1), "height", \
                f"{number} {unit}"
        if not Decimal(100) <= cm <= Decimal(250):
            self.add_error(field, "That height looks impossible: check the number and the unit "
                                  "(4 ft 0 in to 8 ft 2 in; 100–250 cm).")
        data["height_cm"] = float(round(cm, 1))

    def _check_bmi(self, data) -> None:
        """CLINICAL.md §2: a BMI outside 15–60 asks the patient to confirm before saving (70 typed in pounds
        but meant in kilograms would otherwise become 31.8 kg, and a dose worked out from it)."""
        metres = Decimal(str(data["height_cm"])) / 100
        bmi = Decimal(str(data["weight_kg"])) / (metres * metres)
        data["bmi"] = float(round(bmi, 1))
        if not BMI_PLAUSIBLE[0] <= bmi <= BMI_PLAUSIBLE[1] and not data.get("bmi_confirmed"):
            self.add_error("bmi_confirmed", forms.ValidationError(
                f"Please check: {data['height_shown']} and {data['weight']} {data['weight_unit']} "
                f"is unusual for an adult. If a unit is wrong (pounds or kilograms, inches or centimetres), "
                f"correct it; if both are right, tick the box to confirm.", code="bmi_unusual"))

    def to_answers(self):
        keys = ("preferred_name", "sex", "height_cm", "weight_kg", "primary_care", "referring_clinician", "reasons")
        answers = {key: self.cleaned_data[key] for key in keys}
        answers["bmi_confirmed"] = bool(self.cleaned_data.get("bmi_confirmed"))
        return answers

    @classmethod
    def initial_from(cls, saved):
        initial = dict(saved)
        if "height_cm" in saved:
            initial.update(height=saved["height_cm"], height_unit="cm", weight=saved["weight_kg"], weight_unit="kg")
        return initial


BMI_PLAUSIBLE = (Decimal(15), Decimal(60))  # CLINICAL.md §2: outside this, the patient confirms


class ContactsForm(StepForm):
    phone = PhoneField(label="Your mobile phone")
    address = forms.CharField(label="Home address", widget=forms.Textarea(attrs={"rows": 2}), max_length=400)
    emergency_name = forms.CharField(label="Emergency contact: name", max_length=150)
    emergency_phone = PhoneField(label="Emergency contact: phone")
    emergency_relationship = forms.CharField(label="Emergency contact: how you know them", max_length=80)
    escort_name = forms.CharField(
        label="Escort: name", max_length=150,
        help_text="An adult who takes you home after each treatment. You cannot drive until the next day.")
    escort_phone = PhoneField(label="Escort: phone")


class PsychiatricForm(StepForm):
    diagnoses = forms.CharField(label="Mental health diagnoses you have been given", max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    episode_months = forms.IntegerField(label="How many months has this episode of feeling unwell lasted?",
                                        min_value=0, max_value=1200)
    hospitalisations = forms.IntegerField(label="How many times have you been in hospital for your mental health?",
                                          min_value=0, max_value=200)
    suicide_attempts = _yes_no("Have you ever tried to end your life?")
    substance_use = forms.CharField(label="Alcohol or drug use (how much, how often); leave empty if none",
                                    required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    family_psychosis = _yes_no("Has anyone in your family had psychosis, schizophrenia or bipolar disorder?",
                               unsure=True)

    def to_answers(self):
        data = dict(self.cleaned_data)
        data["suicide_attempts"] = _TO_BOOL[data["suicide_attempts"]]
        return data

    @classmethod
    def initial_from(cls, saved):
        initial = dict(saved)
        if "suicide_attempts" in saved:
            initial["suicide_attempts"] = _FROM_BOOL[saved["suicide_attempts"]]
        return initial

TRIAL_RESPONSE_CHOICES = (("", "Choose…"), *screening.TRIAL_RESPONSES.items(), ("unknown", "I don't know"))


class TrialForm(forms.Form):
    """One antidepressant trial (CLINICAL.md §2): drug, dose, weeks, response, why stopped."""

    drug = forms.CharField(label="Medicine", max_length=100)
    dose = forms.CharField(label="Highest dose", max_length=50, help_text="e.g. 150 mg a day")
    weeks = forms.IntegerField(label="Weeks at that dose", min_value=0, max_value=1040)
    adequate_dose = forms.ChoiceField(label="Did your doctor say it was a full dose?", choices=YES_NO_UNSURE,
                                      widget=forms.RadioSelect)
    current_episode = forms.ChoiceField(label="Was it during this episode?", choices=YES_NO_UNSURE,
                                        widget=forms.RadioSelect)
    response = forms.ChoiceField(label="How much did it help?", choices=TRIAL_RESPONSE_CHOICES)
    why_stopped = forms.CharField(label="Why you stopped", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        for name in getattr(self, "required_when_filled", ()):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, forms.ValidationError(self.fields[name].error_messages["required"],
                                                           code="required"))
        return data

    def to_answer(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("DELETE", None)  # the formset's "remove this medicine" box, not an answer
        data["adequate_dose"] = _TO_BOOL[data["adequate_dose"]]
        data["current_episode"] = _TO_BOOL[data["current_episode"]]
        data["response"] = None if data["response"] == "unknown" else data["response"]
        return data

    @staticmethod
    def initial_from(saved: dict[str, Any]) -> dict[str, Any]:
        return {**saved, "adequate_dose": _FROM_BOOL[saved.get("adequate_dose")],
                "current_episode": _FROM_BOOL[saved.get("current_episode")],
                "response": saved.get("response") or "unknown"}


class BaseTrialFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        self.helper = helper

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this medicine from my list"
        if form.empty_permitted:
            # The blank row a patient may leave empty: no "required" marks on it (issue 12 #8); once anything is
            # typed in it, TrialForm.clean asks for the rest as before.
            form.required_when_filled = [name for name in TrialForm.base_fields if form.fields[name].required]
            for name in form.required_when_filled:
                form.fields[name].required = False

    def posted_names(self) -> set[str]:
        """The POST names this formset reads (management form and each row's fields), for drafts."""
        names = {self.management_form.add_prefix(name) for name in self.management_form.fields}
        row_fields = [*TrialForm.base_fields, "DELETE"]
        for index in range(self.max_num):  # rows beyond max_num are refused (validate_max) anyway
            names.update(f"{self.add_prefix(index)}-{name}" for name in row_fields)
        return names

    def answers(self) -> list[dict[str, Any]]:
        """The rows the patient filled in and did not remove."""
        return [row.to_answer() for row in self.forms
                if row.has_changed() and row.cleaned_data and not self._should_delete_form(row)]

TrialFormSet = forms.formset_factory(TrialForm, formset=BaseTrialFormSet, extra=1, max_num=30, validate_max=True,
                                     can_delete=True)


class TreatmentsForm(StepForm):
    ect = _yes_no("Have you had ECT (electroconvulsive therapy)?")
    tms = _yes_no("Have you had TMS (transcranial magnetic stimulation)?")
    psychotherapy = _yes_no("Have you had talking therapy (psychotherapy)?")
    psychotherapy_detail = forms.CharField(label="What kind, and for how long? (optional)", max_length=500,
                                           required=False)

    def to_answers(self):
        return {key: _TO_BOOL[value] if key in ("ect", "tms", "psychotherapy") else value
                for key, value in self.cleaned_data.items()}

    @classmethod
    def initial_from(cls, saved):
        return {key: _FROM_BOOL[value] if key in ("ect", "tms", "psychotherapy") else value
                for key, value in saved.items() if key != "trials"}


class MedicationsForm(StepForm):
    medications = forms.CharField(
        label="Medicines you take now, one per line, with the dose", required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Include sleeping pills, pain medicines and supplements. Leave empty if you take none.")
    allergies = forms.CharField(
        label="Allergies, and any bad reaction to an anaesthetic", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Write “none” if you have none.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # CLINICAL.md §2: yes / no / not sure per class beside the free text (name matching misses misspellings).
        for drug_class, question in screening.MEDICATION_CLASS_QUESTIONS.items():
            self.fields[f"class_{drug_class}"] = _yes_no(question, unsure=True)

    def to_answers(self):
        lines = [line.strip() for line in self.cleaned_data["medications"].splitlines() if line.strip()]
        classes = {drug_class: _checklist_value(self.cleaned_data[f"class_{drug_class}"])
                   for drug_class in screening.MEDICATION_CLASS_QUESTIONS}
        return {"medications": lines, "allergies": self.cleaned_data["allergies"].strip(), "classes": classes}

    @classmethod
    def initial_from(cls, saved):
        initial = {"medications": "\n".join(saved.get("medications", [])), "allergies": saved.get("allergies", "")}
        for drug_class, value in (saved.get("classes") or {}).items():
            initial[f"class_{drug_class}"] = _checklist_choice(value)
        return initial


def _checklist_value(choice: str) -> bool | str | None:
    """yes → True, no → False, not sure → "unsure" (kept as such: it counts as review, CLINICAL.md §2)."""
    return screening.UNSURE if choice == "unsure" else _TO_BOOL[choice]


def _checklist_choice(value) -> str:
    return "unsure" if value == screening.UNSURE else _FROM_BOOL.get(value, "")


class MedicalForm(StepForm):
    """The contraindication checklist in plain words (patients.screening.MEDICAL_CHECKLIST), each question
    with "Not sure" (CLINICAL.md §2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in screening.MEDICAL_CHECKLIST:
            self.fields[item.key] = _yes_no(item.question, unsure=True)
            if item.key == "stroke_or_tia":
                self.fields["stroke_when"] = forms.CharField(
                    label="If yes: when was it? (month and year, roughly)", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("stroke_or_tia") == "yes" and not (data.get("stroke_when") or "").strip():
            self.add_error("stroke_when", "Please tell us roughly when (month and year).")
        return data

    def to_answers(self):
        checklist = {item.key: _checklist_value(self.cleaned_data[item.key]) for item in screening.MEDICAL_CHECKLIST}
        return {"checklist": checklist, "stroke_when": (self.cleaned_data.get("stroke_when") or "").strip()}

    @classmethod
    def initial_from(cls, saved):
        initial = {key: _checklist_choice(value) for key, value in saved.get("checklist", {}).items()}
        initial["stroke_when"] = saved.get("stroke_when", "")
        return initial

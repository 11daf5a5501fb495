"""Patient-facing forms: the public start page, the date-of-birth check and one form per intake step.

Each step form turns its cleaned data into plain JSON (``to_answers``) and back (``initial_from``); the
questions of the medical checklist and of the questionnaires come from ``patients.screening`` and
``patients.scoring``, never retyped here.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from patients import scoring, screening
from patients.intake_steps import REASONS

MIN_AGE_YEARS = 18  # CLINICAL.md §2: date of birth (18+)
YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_UNSURE = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
_TO_BOOL = {"yes": True, "no": False, "unsure": None, "": None}
_FROM_BOOL = {True: "yes", False: "no", None: "unsure"}
PHONE_RE = re.compile(r"^\+?[\d\s().-]{7,25}$")


def _helper(button: str = "Save and continue") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if button:
        helper.add_input(Submit("save", button, css_class="btn-lg"))
    return helper


def age_on(dob: datetime.date, today: datetime.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def clean_adult_dob(dob: datetime.date) -> datetime.date:
    today = timezone.localdate()
    if dob > today:
        raise forms.ValidationError("The date of birth cannot be in the future.", code="future")
    if dob.year < 1900:
        raise forms.ValidationError("Check the year of birth.", code="too_old")
    if age_on(dob, today) < MIN_AGE_YEARS:
        raise forms.ValidationError("Treatment here is for adults: you need to be 18 or older.", code="under_18")
    return dob


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_RE.match(value) or len(re.sub(r"\D", "", value)) < 7):
        raise forms.ValidationError("Enter a phone number with its area code, e.g. 555 010 0123.", code="phone")
    return value


def _yes_no(label: str, *, unsure: bool = False, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO_UNSURE if unsure else YES_NO, widget=forms.RadioSelect,
                             required=required, help_text=help_text)


class DateInput(forms.DateInput):
    input_type = "date"


# --- Public pages --------------------------------------------------------------------------------------


class StartIntakeForm(forms.Form):
    first_name = forms.CharField(label="First name (legal)", max_length=100)
    last_name = forms.CharField(label="Last name (legal)", max_length=100)
    email = forms.EmailField(label="E-mail", max_length=254, help_text="We send your private intake link here.")
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput)

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        locations = list(locations or [])
        if len(locations) > 1:
            self.fields["location"] = forms.ModelChoiceField(
                queryset=type(locations[0]).objects.filter(pk__in=[loc.pk for loc in locations]),
                label="Which clinic?", empty_label=None)
        self.helper = _helper("Send me my link")

    def clean_date_of_birth(self):
        return clean_adult_dob(self.cleaned_data["date_of_birth"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class DobCheckForm(forms.Form):
    date_of_birth = forms.DateField(label="Your date of birth", widget=DateInput,
                                    help_text="To keep your answers private, we check this on each visit.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Continue")


# --- Intake steps --------------------------------------------------------------------------------------


class StepForm(forms.Form):
    button = "Save and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self.button)

    def to_answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, saved: dict[str, Any]) -> dict[str, Any]:
        return dict(saved)

    def posted_names(self) -> set[str]:
        """The POST names this form reads: the only ones worth keeping in a draft."""
        return {self.add_prefix(name) for name in self.fields}


class AboutForm(StepForm):
    preferred_name = forms.CharField(label="Name you like to be called (optional)", max_length=100, required=False)
    sex = forms.ChoiceField(label="Sex", choices=(("female", "Female"), ("male", "Male"), ("intersex", "Intersex"),
                                                  ("undisclosed", "Prefer not to say")), widget=forms.RadioSelect)
    height = forms.DecimalField(label="Height", max_digits=5, decimal_places=1, min_value=0,
                                help_text="In inches (5 ft 6 in = 66) or centimetres: choose below.")
    height_unit = forms.ChoiceField(label="Height in", choices=(("in", "inches"), ("cm", "centimetres")),
                                    widget=forms.RadioSelect, initial="in")
    weight = forms.DecimalField(label="Weight", max_digits=5, decimal_places=1, min_value=0,
                                help_text="Your dose is worked out from your weight.")
    weight_unit = forms.ChoiceField(label="Weight in", choices=(("lb", "pounds"), ("kg", "kilograms")),
                                    widget=forms.RadioSelect, initial="lb")
    primary_care = forms.CharField(label="Your primary care doctor (name and practice)", max_length=200,
                                   required=False)
    referring_clinician = forms.CharField(label="Who referred you (optional)", max_length=200, required=False)
    reasons = forms.MultipleChoiceField(label="What would you like treatment for?", choices=REASONS,
                                        widget=forms.CheckboxSelectMultiple)

    def clean(self):
        data = super().clean()
        if data.get("height") is not None and data.get("height_unit"):
            cm = data["height"] * (Decimal("2.54") if data["height_unit"] == "in" else 1)
            if not Decimal(100) <= cm <= Decimal(250):
                self.add_error("height", "That height looks impossible: check the number and the unit "
                                         "(4 ft 0 in to 8 ft 2 in; 100–250 cm).")
            data["height_cm"] = float(round(cm, 1))
        if data.get("weight") is not None and data.get("weight_unit"):
            kg = data["weight"] * (Decimal("0.45359237") if data["weight_unit"] == "lb" else 1)
            if not Decimal(30) <= kg <= Decimal(350):
                self.add_error("weight", "That weight looks impossible: check the number and the unit "
                                         "(66–770 lb; 30–350 kg).")
            data["weight_kg"] = float(round(kg, 1))
        return data

    def to_answers(self):
        keys = ("preferred_name", "sex", "height_cm", "weight_kg", "primary_care", "referring_clinician", "reasons")
        return {key: self.cleaned_data[key] for key in keys}

    @classmethod
    def initial_from(cls, saved):
        initial = dict(saved)
        if "height_cm" in saved:
            initial.update(height=saved["height_cm"], height_unit="cm", weight=saved["weight_kg"], weight_unit="kg")
        return initial


class ContactsForm(StepForm):
    phone = forms.CharField(label="Your mobile phone", max_length=40)
    address = forms.CharField(label="Home address", widget=forms.Textarea(attrs={"rows": 2}), max_length=400)
    emergency_name = forms.CharField(label="Emergency contact: name", max_length=150)
    emergency_phone = forms.CharField(label="Emergency contact: phone", max_length=40)
    emergency_relationship = forms.CharField(label="Emergency contact: how you know them", max_length=80)
    escort_name = forms.CharField(
        label="Escort: name", max_length=150,
        help_text="An adult who takes you home after each treatment. You cannot drive until the next day.")
    escort_phone = forms.CharField(label="Escort: phone", max_length=40)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_emergency_phone(self):
        return clean_phone(self.cleaned_data["emergency_phone"])

    def clean_escort_phone(self):
        return clean_phone(self.cleaned_data["escort_phone"])


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

    def to_answers(self):
        lines = [line.strip() for line in self.cleaned_data["medications"].splitlines() if line.strip()]
        return {"medications": lines, "allergies": self.cleaned_data["allergies"].strip()}

    @classmethod
    def initial_from(cls, saved):
        return {"medications": "\n".join(saved.get("medications", [])), "allergies": saved.get("allergies", "")}


class MedicalForm(StepForm):
    """The contraindication checklist in plain words (patients.screening.MEDICAL_CHECKLIST)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in screening.MEDICAL_CHECKLIST:
            self.fields[item.key] = _yes_no(item.question)

    def to_answers(self):
        return {"checklist": {item.key: _TO_BOOL[self.cleaned_data[item.key]] for item in screening.MEDICAL_CHECKLIST}}

    @classmethod
    def initial_from(cls, saved):
        return {key: _FROM_BOOL[value] for key, value in saved.get("checklist", {}).items()}


class QuestionnaireForm(StepForm):
    """PHQ-9, GAD-7 or PCL-5 from ``patients.scoring.INSTRUMENTS``: one radio group per item."""

    instrument_code = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instrument = scoring.INSTRUMENTS[self.instrument_code]
        self.stem = instrument.stem
        choices = [(str(value), label) for value, label in instrument.options]
        for number, (key, text) in enumerate(instrument.items, start=1):
            self.fields[key] = forms.TypedChoiceField(label=f"{number}. {text}", choices=choices, coerce=int,
                                                      widget=forms.RadioSelect)

    @classmethod
    def initial_from(cls, saved):
        return {key: str(value) for key, value in saved.items()}

    def partial_answers(self) -> dict[str, Any]:
        """After a failed validation: the items that were answered readably (cleaned_data keeps those)."""
        return {key: value for key, value in getattr(self, "cleaned_data", {}).items() if isinstance(value, int)}


class Phq9Form(QuestionnaireForm):
    instrument_code = scoring.PHQ9


class Gad7Form(QuestionnaireForm):
    instrument_code = scoring.GAD7


class Pcl5Form(QuestionnaireForm):
    instrument_code = scoring.PCL5


class CssrsForm(StepForm):
    """The C-SSRS screener with its skip logic (CLINICAL.md §3): Q3–5 only after a yes to Q2, 'within 3
    months' only after a yes to Q6. Without JavaScript every question shows, with a note saying when to answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stem = scoring.CSSRS_STEM
        for number, (key, text) in enumerate(scoring.CSSRS_ITEMS, start=1):
            follows = "q2" if key in scoring.CSSRS_ASKED_IF_Q2_YES else "q6" if key == "q6_recent" else None
            label = f"{number if key != 'q6_recent' else '6b'}. {text}" if key != "q6_recent" else f"6b. {text}"
            help_text = f"Answer only if you said Yes to question {follows[1:]}." if follows else ""
            field = _yes_no(label, required=follows is None, help_text=help_text)
            field.widget.attrs["data-follows"] = follows or ""
            self.fields[key] = field

    def clean(self):
        data = super().clean()
        for key, parent in (("q3", "q2"), ("q4", "q2"), ("q5", "q2"), ("q6_recent", "q6")):
            if data.get(parent) == "yes" and not data.get(key):
                self.add_error(key, "Please answer this question (you said Yes to the one before).")
        return data

    def to_answers(self):
        data = {key: _TO_BOOL.get(self.cleaned_data.get(key) or "") for key, _ in scoring.CSSRS_ITEMS}
        if data["q2"] is not True:
            data.update(q3=None, q4=None, q5=None)
        if data["q6"] is not True:
            data["q6_recent"] = None
        return data

    @classmethod
    def initial_from(cls, saved):
        return {key: _FROM_BOOL[value] for key, value in saved.items() if value is not None}

    def partial_answers(self) -> dict[str, bool]:
        """After a failed validation: the questions answered yes or no so far (skip logic not applied)."""
        answered = {key: _TO_BOOL.get(value) for key, value in getattr(self, "cleaned_data", {}).items()}
        return {key: value for key, value in answered.items() if isinstance(value, bool)}


# Letters that carry no combining accent to strip (NFKD leaves them whole): what a plain keyboard types.
_PLAIN_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                                "ı": "i"})


def name_key(text: str) -> str:
    """A name reduced for comparing typed signatures: no accents, no case, no spaces or punctuation.

    A patient on a phone keyboard signs "Zoe Nunez" or "nunez obrien" for "Zoë Ñúñez-O'Brien": that is the
    same person signing, not a mismatch to refuse. Only the comparison uses this; the signature keeps the
    name as typed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_PLAIN_LETTERS)
    return "".join(ch for ch in decomposed if ch.isalnum())


class ConsentForm(forms.Form):
    agree = forms.BooleanField(label="I have read the consent above and I agree to it.")
    typed_name = forms.CharField(label="Type your full name to sign", max_length=200)
    # The version the patient read: if a manager publishes a newer one meanwhile, the signature is refused
    # rather than silently attached to a text the patient never saw.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, expected_last_name: str = "", document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_last_name = expected_last_name
        if document is not None:
            self.fields["version"].initial = document.version
        self.helper = _helper("Sign consent")

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Type your full name to sign.", code="short")
        if self.expected_last_name and name_key(self.expected_last_name) not in name_key(name):
            raise forms.ValidationError(f"Type your full legal name, including “{self.expected_last_name}”.",
                                        code="name_mismatch")
        return name


STEP_FORMS: dict[str, type[StepForm]] = {
    "about": AboutForm, "contacts": ContactsForm, "psychiatric": PsychiatricForm, "treatments": TreatmentsForm,
    "medications": MedicationsForm, "medical": MedicalForm, "phq9": Phq9Form, "gad7": Gad7Form,
    "cssrs": CssrsForm, "pcl5": Pcl5Form,
}

"""What every intake form shares: yes/no fields, the adult-age and phone rules, dates, the start
and date-of-birth forms."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from clinic.phones import phone_parse
from patients.validators import adult_date_of_birth_validate

YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_UNSURE = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
_TO_BOOL = {"yes": True, "no": False, "unsure": None, "": None}
_FROM_BOOL = {True: "yes", False: "no", None: "unsure"}


def _helper(button: str = "Save and continue") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if button:
        helper.add_input(Submit("save", button, css_class="btn-lg"))
    return helper


def clean_adult_dob(dob: datetime.date) -> datetime.date:
    """The patient's own date of birth (the intake, the start page): the one adult-age rule, in their words."""
    return adult_date_of_birth_validate(dob, under_18="Treatment here is for adults: you need to be 18 or older.")


def clean_phone(value: str) -> str:
    """A typed phone in E.164 (clinic/phones.py), or the clear message; forms use ``PhoneField`` directly."""
    try:
        return phone_parse(value)
    except ValueError as exc:
        raise forms.ValidationError(str(exc), code="phone") from None


def _yes_no(label: str, *, unsure: bool = False, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO_UNSURE if unsure else YES_NO, widget=forms.RadioSelect,
                             required=required, help_text=help_text)


class DateInput(forms.DateInput):
    input_type = "date"


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

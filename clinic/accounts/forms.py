from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class TokenForm(forms.Form):
    """The six-digit code from the authenticator app."""

    token = forms.RegexField(
        regex=r"^\s*\d{6}\s*$", label="Six-digit code", max_length=12,
        error_messages={"invalid": "Enter the six digits your authenticator app shows now."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, submit_label: str = "Confirm", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form carries the "next" field
        self.helper.add_input(Submit("confirm", submit_label))

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class SignInCodeForm(TokenForm):
    """At sign-in: the six digits from the app, or one of the ten recovery codes given at enrolment."""

    token = forms.RegexField(
        regex=r"^\s*(\d{6}|[A-Za-z2-7]{4}\s?[A-Za-z2-7]{4})\s*$", label="Six-digit code or recovery code",
        max_length=20,
        error_messages={"invalid": "Enter the six digits your authenticator app shows now, or a recovery code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip().lower()


class WorksAtForm(forms.Form):
    """Where this person works today: their home page and day board open on it."""

    works_at = forms.ModelChoiceField(
        queryset=None, required=False, label="Location", empty_label="Every location",
        help_text="A manager's census on the home page always shows every location.",
        error_messages={"invalid_choice": "Choose one of the clinic's open locations."},
    )

    def __init__(self, *args, **kwargs):
        from clinic.models import Location

        super().__init__(*args, **kwargs)
        self.fields["works_at"].queryset = Location.objects.filter(is_active=True).order_by("name")

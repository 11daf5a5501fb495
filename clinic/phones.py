"""One phone type for the whole app (issue 12 #6): staff registration, the intake's contacts and the location
all parse with ``phonenumbers`` in the clinic's country (settings.CLINIC_COUNTRY), store E.164 ("+15550100142")
and show the clinic's national format ("(555) 010-0142"; a foreign number in its international format).

A number must be complete (area code included): "call me maybe" or "555 0123" is refused with a clear message.
Fictional 555 numbers are accepted (``is_possible``, not ``is_valid``: the numbering plan changes faster than
the library, and a front desk cannot argue with it). Anything stored before this that does not parse is shown as
it was typed."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings

PHONE_MESSAGE = "Enter a phone number with its area code, e.g. 555 010 0123 (or +44 20 7946 0018 from abroad)."
PHONE_MAX_LENGTH = 40  # what a person may type; E.164 itself is at most 16 characters


def phone_parse(value: str, *, region: str | None = None) -> str:
    """The E.164 form of what was typed, or "" for nothing; ValueError when it is not a complete phone number."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region or settings.CLINIC_COUNTRY)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(PHONE_MESSAGE) from exc
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError(PHONE_MESSAGE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """A stored phone in the clinic's format: national for the clinic's country, international otherwise; a
    legacy value that does not parse, as it was typed."""
    value = (value or "").strip()
    if not value.startswith("+"):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return value
    own = number.country_code == phonenumbers.country_code_for_region(settings.CLINIC_COUNTRY)
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if own else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


class PhoneField(forms.CharField):
    """The form field for every phone: cleans to E.164, shows a stored value in the clinic's format."""

    default_error_messages = {"phone": PHONE_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "type": "tel", "autocomplete": "tel", "inputmode": "tel"}

    def prepare_value(self, value):
        return phone_display(value) if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return phone_parse(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["phone"], code="phone") from None

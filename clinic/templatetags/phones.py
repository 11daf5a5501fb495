"""``{{ patient.phone|phone }}``: a stored E.164 phone in the clinic's format (clinic/phones.py). A builtin
(settings TEMPLATES), so no template needs to load it."""

from django import template

from clinic.phones import phone_display

register = template.Library()


@register.filter
def phone(value) -> str:
    return phone_display(value or "")

"""Validation rules more than one form asks (one rule, one place)."""

from __future__ import annotations

import datetime

from django import forms

from clinic.templatetags.local_time import clinic_time_zone
from clinic.timezones import local_today

MIN_AGE_YEARS = 18  # CLINICAL.md §2: date of birth (18+)


def age_on(dob: datetime.date, today: datetime.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def adult_date_of_birth_validate(dob: datetime.date, *, under_18: str) -> datetime.date:
    """The adult-age rule (CLINICAL.md §2: adults only): a real date of birth, 18 or older today (the clinic's
    day: the server keeps UTC, already tomorrow every American evening). ``under_18`` is the refusal in the words
    of whoever typed it (the patient, or staff for them)."""
    today = local_today(clinic_time_zone())
    if dob > today:
        raise forms.ValidationError("The date of birth cannot be in the future.", code="future")
    if dob.year < 1900:
        raise forms.ValidationError("Check the year of birth.", code="too_old")
    if age_on(dob, today) < MIN_AGE_YEARS:
        raise forms.ValidationError(under_18, code="under_18")
    return dob

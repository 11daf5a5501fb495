"""One adult-age rule (patients/validators.py) and one "consent is current" rule (patients/selectors.py),
asked by every form and read that needs them (issue 7)."""

import datetime
from unittest import mock

import pytest

from patients import validators
from patients.forms import PatientForm
from patients.intake_forms import StartIntakeForm


def _seventeen_today() -> datetime.date:
    today = datetime.date.today()
    return today.replace(year=today.year - 17)


@pytest.mark.parametrize("form_class", [PatientForm, StartIntakeForm])
def test_staff_and_patient_forms_ask_the_one_adult_age_rule(db, form_class):
    form = form_class({"date_of_birth": _seventeen_today().isoformat()})
    assert not form.is_valid()
    assert form.has_error("date_of_birth", code="under_18")
    # Lower the one rule's age and both forms follow: there is no second copy.
    with mock.patch.object(validators, "MIN_AGE_YEARS", 17):
        form = form_class({"date_of_birth": _seventeen_today().isoformat()})
        form.is_valid()
        assert not form.has_error("date_of_birth")


def test_the_adult_age_is_counted_on_the_clinics_day_not_the_servers(location):
    """At 20:00 in New York on the eve of an 18th birthday it is already the birthday in UTC (the server's
    zone): the patient is still 17 at the clinic."""
    import time_machine

    assert location.time_zone == "America/New_York"
    eve = datetime.datetime(2030, 1, 14, 20, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    with time_machine.travel(eve, tick=False):
        with pytest.raises(validators.forms.ValidationError) as refused:
            validators.adult_date_of_birth_validate(datetime.date(2012, 1, 15), under_18="Adults only.")
        assert refused.value.code == "under_18"
        assert validators.adult_date_of_birth_validate(datetime.date(2012, 1, 14), under_18="-") == \
            datetime.date(2012, 1, 14)

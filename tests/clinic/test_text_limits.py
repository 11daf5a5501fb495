"""Every free text has a maximum (issue 12 #7): in each form, and in the database (a CHECK on every TextField a
person writes). A 5000-character primary-care name is refused with a clear message and nothing else is lost."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.db import IntegrityError, connection, transaction

from patients.intake_forms.history import AboutForm
from tests.factories import LocationFactory
from tests.patients.intake_helpers import STEP_POSTS

pytestmark = pytest.mark.django_db


def _form_classes():
    for package in ("clinic", "patients", "sessions"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            if any(part in info.name for part in ("migrations", "management", "settings")):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_free_text_field_of_every_form_has_a_maximum():
    unlimited = [f"{cls.__module__}.{cls.__name__}.{name}" for cls in _form_classes()
                 for name, field in cls.base_fields.items()
                 if isinstance(field, forms.CharField) and field.max_length is None
                 and not isinstance(field.widget, (forms.HiddenInput, forms.PasswordInput))
                 and not field.validators]
    assert unlimited == []


def test_a_5000_character_primary_care_name_is_refused_and_the_rest_is_kept():
    form = AboutForm(data={**STEP_POSTS["about"], "primary_care": "x" * 5000})
    assert not form.is_valid()
    assert "at most 200 characters" in form.errors["primary_care"][0]
    assert form["weight"].value() == "150" and form["height"].value() == "66"


@pytest.mark.parametrize(("table", "column"), [
    ("clinic_location", "address"), ("patients_consentdocument", "body"), ("patients_intakedecision", "message"),
    ("patients_treatmentplan", "dose_override_reason"), ("clinic_sessions_addendum", "text"),
    ("clinic_sessions_predosecheck", "medication_changes"), ("clinic_sessions_doseorder", "cap_override_reason"),
])
def test_each_free_text_column_has_a_length_check(table, column):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [f"{table}_{column}_max_length"])
        assert cursor.fetchone() is not None, f"{table}_{column}_max_length is missing"


def test_the_database_refuses_an_overlong_address_directly():
    LocationFactory()
    with (pytest.raises(IntegrityError, match="clinic_location_address_max_length"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("UPDATE clinic_location SET address = repeat('x', 401)")

"""The record's forms' HTML: an empty sign or addendum form is rendered once per process (issue 13), and is the
same HTML crispy renders each time; a form with input and errors is rendered anew."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

from sessions.record_forms import AddendumForm, DischargeForm, SignForm
from sessions.templatetags.sessions_tags import record_form


def test_an_empty_sign_or_addendum_form_is_crispys_html():
    for form_class in (SignForm, AddendumForm):
        assert record_form(form_class(time_zone="America/Chicago")) == as_crispy_form(form_class())


def test_a_form_with_errors_shows_them():
    form = AddendumForm({"text": "", "secret": ""})
    assert not form.is_valid()
    html = record_form(form)
    assert html == as_crispy_form(form)
    assert "This field is required." in html


def test_a_form_with_times_is_not_kept():
    assert not getattr(DischargeForm, "same_html_when_empty", False)

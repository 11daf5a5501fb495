"""The lists' filters (clinic.forms.FilterForm): the empty filter's HTML is kept per set of choices (issue 13)."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField

from clinic.audit.forms import AccessLogFilterForm
from patients.report_views import AccessReportFilterForm


def _plain(form_class):
    """The filter as crispy lays it out with the field's own choices (a queryset), as before it was kept."""

    class Plain(form_class):
        actor = ModelChoiceField(queryset=get_user_model().objects.order_by("full_name"), required=False,
                                 label="Staff member", empty_label="Anyone")

        def __init__(self, *args, **kwargs):
            super(form_class, self).__init__(*args, **kwargs)

    return Plain


def _html(form):
    return {name: as_crispy_field(form[name]) for name in form.fields}


@pytest.mark.parametrize("form_class", [AccessLogFilterForm, AccessReportFilterForm])
def test_the_empty_filter_is_crispys_html_names_every_staff_member_and_a_newcomer_at_once(
        form_class, nurse, front_desk):
    kept = form_class().fields_html()
    assert kept == _html(_plain(form_class)())
    assert str(nurse) in kept["actor"] and str(front_desk) in kept["actor"]
    newcomer = get_user_model().objects.create_user(email="new@example.com", password="x", full_name="Ada New")
    assert "Ada New" in form_class().fields_html()["actor"]
    chosen = form_class({"actor": str(newcomer.pk)})
    assert chosen.is_valid()
    assert chosen.cleaned_data["actor"] == newcomer
    assert chosen.fields_html() == _html(_plain(form_class)({"actor": str(newcomer.pk)}))
    assert 'selected>Ada New' in chosen.fields_html()["actor"]


def test_the_access_log_opens_with_the_kept_filter_and_keeps_what_was_typed(manager_client, nurse):
    page = manager_client.get("/access-log/").content.decode()
    assert AccessLogFilterForm().fields_html()["actor"] in page
    typed = manager_client.get("/access-log/", {"patient": "not-an-id", "actor": str(nurse.pk)}).content.decode()
    assert 'value="not-an-id"' in typed and "Enter a valid UUID." in typed
    assert f'value="{nurse.pk}" selected' in typed


@pytest.mark.parametrize("form_class", [AccessLogFilterForm, AccessReportFilterForm])
def test_the_empty_filter_is_laid_out_once_while_a_filled_in_one_each_time(form_class, nurse, monkeypatch):
    import clinic.forms

    form_class().fields_html()
    laid_out = []
    monkeypatch.setattr(clinic.forms, "as_crispy_field", lambda field: laid_out.append(field.name) or "")
    form_class().fields_html()
    assert laid_out == []
    form_class({"actor": str(nurse.pk)}).fields_html()
    assert "actor" in laid_out

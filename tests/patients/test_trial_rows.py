"""Issue 12 #8: the treatments step marked "Medicine*" required while telling patients to leave it empty when none
apply. The blank row has no required marks; a row with anything typed still needs every answer."""

from crispy_forms.utils import render_crispy_form

from patients.intake_forms import TrialFormSet


def test_the_blank_medicine_row_is_not_marked_required():
    formset = TrialFormSet(prefix="trials")
    html = render_crispy_form(formset.forms[0], formset.helper)
    assert "asteriskField" not in html and " required" not in html


def test_a_blank_row_left_empty_is_accepted_and_a_half_filled_row_asks_for_the_medicine():
    management = {"trials-TOTAL_FORMS": "1", "trials-INITIAL_FORMS": "0"}
    assert TrialFormSet(management, prefix="trials").is_valid()
    half = TrialFormSet({**management, "trials-0-dose": "150 mg"}, prefix="trials")
    assert not half.is_valid()
    assert "drug" in half.forms[0].errors and "weeks" in half.forms[0].errors

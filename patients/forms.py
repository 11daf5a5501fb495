import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from crispy_forms.utils import render_crispy_form
from django import forms

from clinic.phones import PhoneField
from patients.intake_steps import ANSWER_STEPS, STEPS_BY_SLUG
from patients.models import Patient, Route
from patients.models.plan import DOSE_DB_CEILING_MG_PER_KG, DOSE_MIN_MG_PER_KG, ESKETAMINE_DOSES_MG
from patients.validators import adult_date_of_birth_validate


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "email", "phone",
                  "location"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}
        field_classes = {"phone": PhoneField}  # E.164, the clinic's format on the page (issue 12 #6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = self.fields["location"].queryset.filter(is_active=True)
        active = list(self.fields["location"].queryset[:2])
        if len(active) == 1 and not self.is_bound and not self.initial.get("location"):
            # A single-location clinic: nothing to choose, so do not make front desk pick it every time.
            self.initial["location"] = active[0].pk
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save patient"))

    def clean_date_of_birth(self):
        return adult_date_of_birth_validate(self.cleaned_data["date_of_birth"],
                                            under_18="The clinic treats adults: the patient must be 18 or older.")


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search by name, date of birth or phone",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, date of birth or phone"}))


def _helper(button: str, css_class: str = "btn-primary", form_tag: bool = False) -> FormHelper:
    """Staff action forms render inside the template's own <form> (with its action and hidden fields)."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    submit = Submit("save", button, css_class=css_class)
    # crispy's Submit is "btn btn-primary" plus css_class: white text stayed on a yellow .btn-warning (axe-core).
    submit.field_classes = f"btn {css_class}"
    helper.add_input(submit)
    return helper


class ApproveForm(forms.Form):
    """Approval with the treatment plan (CLINICAL.md §1)."""

    route = forms.ChoiceField(choices=Route.choices, widget=forms.RadioSelect)
    protocol_name = forms.CharField(label="Protocol", max_length=120, initial="IV induction: 6 infusions",
                                    help_text="e.g. IV induction, 6 infusions over 2–3 weeks.")
    # Sanity bounds, not the clinical range (see patients/models/plan.py): CLINICAL.md §1 titrates IV within
    # 0.1–1.0 mg/kg and the route's cap (clinic.clinical.dose_cap_mg_per_kg) needs a written reason to pass.
    target_dose_mg_per_kg = forms.DecimalField(label="Target dose (mg/kg)", required=False,
                                               min_value=DOSE_MIN_MG_PER_KG, max_value=DOSE_DB_CEILING_MG_PER_KG,
                                               decimal_places=2, max_digits=4,
                                               help_text="IV and IM only; esketamine is dosed per device.")
    dose_override_reason = forms.CharField(label="Reason for a dose above the clinic's cap", required=False,
                                           max_length=500)
    esketamine_dose_mg = forms.TypedChoiceField(
        label="Esketamine dose ordered", required=False, coerce=int, empty_value=None,
        choices=(("", "—"), *((str(mg), f"{mg} mg") for mg in ESKETAMINE_DOSES_MG)),
        help_text="Esketamine only. The first session is always 56 mg; this is the dose from then on.")
    number_of_sessions = forms.IntegerField(label="Number of sessions", min_value=1, max_value=52, initial=6)
    contraindication_override_reason = forms.CharField(
        label="Reason for approving despite the absolute contraindication", required=True, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: the screening found an absolute contraindication. Kept with the decision and "
                  "shown with the plan.")

    def __init__(self, *args, contraindication: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not contraindication:
            del self.fields["contraindication_override_reason"]
        self.helper = _helper("Approve and sign", "btn-success")

    def clean(self):
        data = super().clean()
        if data.get("route") in (Route.IV, Route.IM) and data.get("target_dose_mg_per_kg") is None:
            self.add_error("target_dose_mg_per_kg", "IV and IM plans need a target dose in mg/kg.")
        if data.get("route") == Route.INTRANASAL and data.get("esketamine_dose_mg") is None:
            self.add_error("esketamine_dose_mg", "Order the esketamine dose: 56 or 84 mg.")
        return data

    def plan(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("route", "protocol_name", "target_dose_mg_per_kg",
                                               "number_of_sessions", "dose_override_reason", "esketamine_dose_mg",
                                               "contraindication_override_reason")}


class RequestInfoForm(forms.Form):
    message = forms.CharField(label="Message to the patient", widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000, help_text="Shown on the intake page, not in the e-mail.")
    sections = forms.MultipleChoiceField(
        label="Sections to revisit", widget=forms.CheckboxSelectMultiple,
        choices=[(slug, STEPS_BY_SLUG[slug].title) for slug in ANSWER_STEPS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Ask for more information and sign", "btn-warning")


class DeclineForm(forms.Form):
    message = forms.CharField(label="Reason for declining", widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Decline and sign", "btn-danger")


class RemsEnrollmentForm(forms.Form):
    """The date is checked "not in the future" by the service (``rems_enrollment_record``), at the patient's
    clinic: the form does not know the patient."""

    enrolled_on = forms.DateField(label="Enrolment form signed on", widget=forms.DateInput(attrs={"type": "date"}))
    rems_patient_id = forms.CharField(label="REMS patient ID (optional)", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record REMS enrolment", "btn-outline-primary")

@functools.cache
def rems_form_blank_html() -> str:
    """The empty REMS enrolment form as HTML, laid out once per process: every patient page shows it blank (a
    mistake comes back as a message, not a bound form), and crispy's layout cost about a millisecond a page."""
    return render_crispy_form(RemsEnrollmentForm())


class ConsentPublishForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Consent to ketamine treatment")
    # What the consent must cover: CLINICAL.md §2 (the reference stays here, not in the help text staff read).
    body = forms.CharField(label="Full consent text", widget=forms.Textarea(attrs={"rows": 14}), max_length=50000,
                           help_text="Cover: off-label status (IV/IM), procedure and monitoring, dose basis, "
                                     "side effects, long-term risks, no driving until next day, escort, pregnancy, "
                                     "alternatives, no guaranteed benefit, right to withdraw before dosing.")

    def __init__(self, *args, replaces_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Publish as the new version", form_tag=True)
        if replaces_version is not None:
            # Publishing blocks booking for every patient until they sign again: one click too many is
            # cheap, a clinic that cannot book its patients tomorrow is not (static/js/confirm.js asks).
            self.helper.attrs = {"data-confirm": (
                f"Publish a new consent version to replace version {replaces_version}? No patient can be booked "
                "again until they have signed it.")}

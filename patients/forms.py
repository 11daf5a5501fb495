from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from patients.models import Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "email", "phone",
                  "location"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = self.fields["location"].queryset.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save patient"))

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.", code="future")
        if dob.year < 1900:
            raise forms.ValidationError("Check the year of birth.", code="too_old")
        return dob


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search by name",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name"}))

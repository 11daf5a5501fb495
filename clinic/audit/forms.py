from django import forms
from django.contrib.auth import get_user_model

from clinic.forms import FilterForm, staff_choices


class AccessLogFilterForm(FilterForm):
    patient = forms.UUIDField(
        required=False, label="Patient ID", help_text="The patient's ID, shown at the foot of their page."
    )
    actor = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("full_name"), required=False, label="Staff member",
        empty_label="Anyone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = staff_choices("Anyone")

from django import forms
from django.contrib import admin
from django.db.models import Q, Value

from clinic.audit.mixins import AccessLoggedAdminMixin
from clinic.paging import LargeTableAdminMixin
from patients.models import Patient
from patients.models.patient import UnaccentUpper
from patients.validators import adult_date_of_birth_validate


class PatientAdminForm(forms.ModelForm):
    """The admin's patient form asks the adult-age rule as the clinic's forms do: PostgreSQL refuses a child's date
    too (patient_adult_date_of_birth), and a refusal there would be an error page, not a message on the field."""

    class Meta:
        model = Patient
        fields = ["legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "email", "phone",
                  "location", "created_by"]

    def clean_date_of_birth(self):
        return adult_date_of_birth_validate(self.cleaned_data["date_of_birth"],
                                            under_18="The clinic treats adults: the patient must be 18 or older.")


@admin.register(Patient)
class PatientAdmin(LargeTableAdminMixin, AccessLoggedAdminMixin, admin.ModelAdmin):
    form = PatientAdminForm
    list_display = ["legal_last_name", "legal_first_name", "date_of_birth", "location"]
    list_select_related = ["location"]
    ordering = ["legal_last_name", "legal_first_name", "id"]  # index patient_name_order_idx (0014_perf_intake_queue)
    search_fields = ["legal_last_name", "legal_first_name"]  # searched as below, not with UPPER(…) LIKE
    search_help_text = "Part of a name, accents ignored."
    list_filter = ["location"]

    def get_search_results(self, request, queryset, search_term):
        """Each word must be part of the first or last name, compared as the trigram indexes are built
        (``patients_unaccent_upper``), so that the search is served by them, not by a scan of every patient."""
        for word in search_term.split():
            upper = UnaccentUpper(Value(word))
            queryset = queryset.filter(Q(last_name_key__contains=upper) | Q(first_name_key__contains=upper))
        return queryset, False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing clinical is ever hard-deleted (DESIGN.md §6)

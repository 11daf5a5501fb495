from django.contrib import admin

from clinic.audit.mixins import AccessLoggedAdminMixin
from patients.models import Patient


@admin.register(Patient)
class PatientAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "date_of_birth", "location"]
    search_fields = ["legal_last_name", "legal_first_name"]
    list_filter = ["location"]

    def has_delete_permission(self, request, obj=None):
        return False  # nothing clinical is ever hard-deleted (DESIGN.md §6)

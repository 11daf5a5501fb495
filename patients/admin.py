from django.contrib import admin

from patients.models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "date_of_birth", "location"]
    search_fields = ["legal_last_name", "legal_first_name"]
    list_filter = ["location"]

    def has_delete_permission(self, request, obj=None):
        return False  # nothing clinical is ever hard-deleted (DESIGN.md §6)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        patient = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and patient is not None:
            from clinic.audit.services import access_event_record

            access_event_record(request=request, patient_id=patient.public_id, object_type="patient (admin)",
                                object_id=str(patient.public_id))
        return response

from django.contrib import admin

from clinic.admin import ReadOnlyAdmin
from clinic.audit.mixins import AccessLoggedAdminMixin
from clinic.audit.models import AccessEvent
from clinic.paging import LargeTableAdminMixin


@admin.register(AccessEvent)
class AccessEventAdmin(LargeTableAdminMixin, AccessLoggedAdminMixin, ReadOnlyAdmin):
    """Read-only: the log is append-only in PostgreSQL too. It names patients, so reading it is logged."""

    access_object_type = "access log"

    def access_patient_ids(self, obj) -> list:
        return [obj.patient_id, *obj.patient_ids] if obj.patient_id else list(obj.patient_ids)

    list_display = ["occurred_at", "actor_label", "action", "object_type", "patient_id", "ip_address"]
    list_filter = ["action"]  # not object_type: its choices would be a DISTINCT over every event
    ordering = ["-occurred_at", "-id"]  # index access_event_keyset_idx (0006_perf_access_log_keyset)
    search_fields = ["actor_label", "patient_id"]

from django.contrib import admin

from clinic.admin import LocationAdmin as ClinicLocationAdmin
from clinic.admin import ReadOnlyAdmin
from clinic.audit.mixins import AccessLoggedAdminMixin
from clinic.models import Location
from clinic.paging import LargeTableAdminMixin
from sessions.forms import ChairForm, LocationAdminForm
from sessions.models import Appointment, Chair, Course, Protocol

# Locations are registered by clinic/, which knows nothing of appointments; here the form also refuses a
# nurse ratio that upcoming appointments' watch slots already exceed.
admin.site.unregister(Location)


@admin.register(Location)
class LocationAdmin(ClinicLocationAdmin):
    form = LocationAdminForm


@admin.register(Chair)
class ChairAdmin(admin.ModelAdmin):
    form = ChairForm  # the same refusal as the settings page: no moving a chair with upcoming appointments
    list_display = ["name", "location", "kind", "position", "is_active"]
    list_filter = ["location", "is_active"]


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = ["name", "route", "dosing_minutes", "observation_minutes", "turnover_minutes", "min_interval_hours",
                    "is_active"]
    list_filter = ["route", "is_active"]


# Appointments and courses change only through the schedule's services (transitions, gates): read-only here.
@admin.register(Appointment)
class AppointmentAdmin(LargeTableAdminMixin, AccessLoggedAdminMixin, ReadOnlyAdmin):
    list_select_related = ["patient", "location", "chair__location"]  # a chair's name shows its location
    list_display = ["public_id", "location", "chair", "start", "status"]
    list_filter = ["location", "status"]
    ordering = ["-start", "-id"]  # index appointment_start_order_idx (0014_perf_admin_order)


@admin.register(Course)
class CourseAdmin(LargeTableAdminMixin, AccessLoggedAdminMixin, ReadOnlyAdmin):
    list_select_related = ["patient", "protocol"]
    ordering = ["-created_at", "-id"]  # index course_created_order_idx (0014_perf_admin_order)
    list_display = ["public_id", "protocol", "kind", "planned_sessions", "created_at"]

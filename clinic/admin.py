from django.contrib import admin

from clinic.models import Location

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic administration"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here: the rows change only through their services, or never
    (append-only logs). Nothing clinical is hard-deleted (DESIGN.md §6)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

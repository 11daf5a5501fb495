from django.contrib import admin

from clinic.models import Location

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic administration"


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from clinic.accounts.models import User


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "credentials")


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "credentials", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["full_name", "email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "credentials")}),
        ("Roles and access", {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "credentials", "password1", "password2")}),
    )
    filter_horizontal = ("groups",)

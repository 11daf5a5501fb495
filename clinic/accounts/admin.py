"""Staff accounts in /admin/. Managers run the staff list; only a superuser holds the keys (issue 8, item 2):
superuser and admin-site flags, permissions and passwords. A manager gives the four roles to others, never to
themselves, and every role change is logged. Two-step devices show no secret; a manager may delete one to
reset a lost phone (the person is signed out everywhere and enrols again)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import RoleChange, User
from clinic.accounts.roles import Role
from clinic.accounts.services import role_change_record, two_factor_reset
from clinic.admin import ReadOnlyAdmin


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "credentials")


class StaffInviteForm(forms.ModelForm):
    """A manager adds a colleague without choosing their password: the colleague sets it themselves with
    "Forgot your password?" on the sign-in page."""

    class Meta:
        model = User
        fields = ("email", "full_name", "credentials")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = user.email.lower()
        user.set_unusable_password()
        if commit:
            user.save()
        return user


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
        ("Person", {"fields": ("full_name", "credentials", "works_at")}),
        ("Roles and access", {"fields": ("is_active", "groups", "is_staff", "is_superuser", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    manager_fieldsets = (
        (None, {"fields": ("email",)}),
        ("Person", {"fields": ("full_name", "credentials", "works_at")}),
        ("Roles and access", {"fields": ("is_active", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "credentials", "password1", "password2")}),
    )
    filter_horizontal = ("groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.manager_fieldsets if obj is not None else ((None, {"fields": StaffInviteForm.Meta.fields}),)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = StaffInviteForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            readonly.append("groups")  # nobody but a superuser gives themselves a role
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A manager may not touch a superuser's account (changing its e-mail would let them reset its password).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):  # noqa: A002 (Django's signature)
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        role_change_record(user=user, changed_by=request.user, before=before,
                           after=set(user.groups.values_list("name", flat=True)))


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdmin):
    """Append-only: who gave or took which role, and when."""

    list_display = ["changed_at", "changed_by", "user", "added", "removed"]
    list_select_related = ["changed_by", "user"]


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)  # django-otp's admin shows the secret key and the recovery codes


@admin.register(TOTPDevice)
class TwoStepDeviceAdmin(admin.ModelAdmin):
    """Authenticators, without their secret. Deleting one resets the person's two-step sign-in."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        two_factor_reset(user=obj.user)
        messages.info(request, f"{obj.user} is signed out everywhere and sets up two-step sign-in at next sign-in.")

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            two_factor_reset(user=device.user)

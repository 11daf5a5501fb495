from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clinic.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"
    # What each role may do in the cross-cutting apps (granted by migration 0002_roles).
    role_grants = {
        "manager": [
            "audit.view_accessevent",
            "accounts.view_user", "accounts.add_user", "accounts.change_user",
            "clinic.view_location", "clinic.add_location", "clinic.change_location",
            # Resetting a lost phone: delete the person's authenticator (they enrol again at next sign-in).
            "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice",
            "accounts.view_rolechange",
        ],
    }

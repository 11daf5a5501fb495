from django.apps import AppConfig


class ClinicSessionsConfig(AppConfig):
    # "sessions" is django.contrib.sessions' label; this app's tables and migrations use its own.
    name = "sessions"
    label = "clinic_sessions"
    verbose_name = "Sessions and scheduling"
    default_auto_field = "django.db.models.BigAutoField"

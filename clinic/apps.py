from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from clinic import checks  # noqa: F401  (registers the system checks)
        from clinic.middleware import idle_clock_start

        # Not domain flow: the idle clock starts with the sign-in's own session write, not one request later.
        user_logged_in.connect(idle_clock_start, dispatch_uid="clinic_idle_clock_start")

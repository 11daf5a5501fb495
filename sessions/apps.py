from django.apps import AppConfig

from clinic.home import HomePanel


class ClinicSessionsConfig(AppConfig):
    # "sessions" is django.contrib.sessions' label; this app's tables and migrations use its own.
    name = "sessions"
    label = "clinic_sessions"
    verbose_name = "Sessions and scheduling"
    default_auto_field = "django.db.models.BigAutoField"
    # The schedule's and records' work of the day on the staff home page (clinic/home.py).
    home_panels = (
        HomePanel("Session records", ("prescriber",), "sessions.home.prescriber_records",
                  "clinic/includes/_home_counts.html", order=20),
        HomePanel("Today's arrivals", ("front_desk",), "sessions.home.front_desk_today",
                  "sessions/includes/_home_arrivals.html", order=5),
        HomePanel("Today's patients", ("nurse",), "sessions.home.nurse_today",
                  "sessions/includes/_home_chairs.html", order=5),
        HomePanel("Today's census", ("manager",), "sessions.home.manager_census",
                  "sessions/includes/_home_census.html", order=5),
    )

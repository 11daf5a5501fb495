from django.apps import AppConfig

from clinic.home import HomePanel


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"
    default_auto_field = "django.db.models.BigAutoField"
    home_panels = (
        HomePanel("Intakes to review", ("prescriber",), "patients.home.prescriber_intakes",
                  "clinic/includes/_home_counts.html", order=10),
        HomePanel("Intakes and requests", ("front_desk",), "patients.home.front_desk_intakes",
                  "clinic/includes/_home_counts.html", order=30),
        HomePanel("Consent in force", ("manager",), "patients.home.manager_consent",
                  "patients/includes/_home_consent.html", order=80),
    )

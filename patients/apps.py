from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"
    default_auto_field = "django.db.models.BigAutoField"
    # What each role may do with patients (granted by migration; see clinic/accounts/roles.py).
    role_grants = {
        "front_desk": ["patients.view_patient", "patients.add_patient", "patients.change_patient"],
        "nurse": ["patients.view_patient"],
        "prescriber": ["patients.view_patient"],
        "manager": ["patients.view_patient", "patients.add_patient", "patients.change_patient"],
    }

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"
    default_auto_field = "django.db.models.BigAutoField"
    # What each role may do with patients (granted by migration; see clinic/accounts/roles.py).
    # Front desk sees intake *status* (view_intake) and sends links, never the answers (DESIGN.md §1).
    role_grants = {
        "front_desk": ["patients.view_patient", "patients.add_patient", "patients.change_patient",
                       "patients.view_intake", "patients.send_intake_invitation",
                       "patients.view_intakerequest", "patients.handle_intakerequest"],
        "nurse": ["patients.view_patient", "patients.view_intake", "patients.view_intake_answers"],
        "prescriber": ["patients.view_patient", "patients.view_intake", "patients.view_intake_answers",
                       "patients.decide_intake", "patients.send_intake_invitation",
                       "patients.add_remsenrollment"],
        "manager": ["patients.view_patient", "patients.add_patient", "patients.change_patient",
                    "patients.view_intake", "patients.view_intake_answers", "patients.send_intake_invitation",
                    "patients.publish_consentdocument",
                    "patients.view_intakerequest", "patients.handle_intakerequest"],
    }

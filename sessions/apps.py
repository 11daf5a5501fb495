from django.apps import AppConfig


class ClinicSessionsConfig(AppConfig):
    # "sessions" is django.contrib.sessions' label; this app's tables and migrations use its own.
    name = "sessions"
    label = "clinic_sessions"
    verbose_name = "Sessions and scheduling"
    default_auto_field = "django.db.models.BigAutoField"
    # What each role may do with the schedule (granted by migration; see clinic/accounts/roles.py).
    # Front desk books, reschedules, cancels and checks in; nurses see the board, are the nurse watching
    # and move a session along at the chair; managers configure chairs, protocols and locations.
    role_grants = {
        "front_desk": [
            "clinic_sessions.view_appointment", "clinic_sessions.add_appointment",
            "clinic_sessions.change_appointment", "clinic_sessions.view_course", "clinic_sessions.add_course",
            "clinic_sessions.view_chair", "clinic_sessions.view_protocol",
        ],
        "nurse": [
            "clinic_sessions.view_appointment", "clinic_sessions.change_appointment",
            "clinic_sessions.attend_appointment", "clinic_sessions.view_course", "clinic_sessions.view_chair",
            "clinic_sessions.view_protocol",
            # Session records (issue 10, migration 0008_records_roles).
            "clinic_sessions.view_sessionrecord", "clinic_sessions.record_session",
        ],
        "prescriber": [
            "clinic_sessions.view_appointment", "clinic_sessions.view_course", "clinic_sessions.view_protocol",
            "clinic_sessions.view_sessionrecord", "clinic_sessions.release_hold",
            "clinic_sessions.override_dose_cap", "clinic_sessions.sign_record", "clinic_sessions.write_addendum",
        ],
        "manager": [
            "clinic_sessions.view_appointment", "clinic_sessions.add_appointment",
            "clinic_sessions.change_appointment", "clinic_sessions.view_course", "clinic_sessions.add_course",
            "clinic_sessions.view_chair", "clinic_sessions.add_chair", "clinic_sessions.change_chair",
            "clinic_sessions.view_protocol", "clinic_sessions.add_protocol", "clinic_sessions.change_protocol",
            "clinic.view_location", "clinic.change_location", "clinic_sessions.view_sessionrecord",
        ],
    }

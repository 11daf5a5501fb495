"""Issue 8, item 6 and "Done when": every URL pattern of the project, for every role, answers as this table
says; and every page that shows patient data writes an access event naming that patient (a list: one event
naming every patient it showed). A URL missing from the table fails, so a new page must be added here, with
its answers and whether it shows patient data.

Columns: anonymous, patient link (proved the date of birth on its links), signed in with no role, front desk,
nurse, prescriber, manager (is_staff: the admin). Requests are GETs: 405 is a POST-only action that the role
may take; 403 one it may not. The second value says the page shows patient data (then each 200 must log):
True for every role that may open it, or the roles that see data (a patient link shows a date-of-birth form
to anyone else).
"""

import pytest

from clinic.audit.models import AccessEvent
from tests.clinic.url_world import BOOKED_SURNAME, INVITED_SURNAME, ROLES, build_world, url_for, url_names

pytestmark = pytest.mark.django_db

EXPECTED = {
    "home": ("302 302 200 200 200 200 200", False),
    "favicon": ("301 301 301 301 301 301 301", False),
    "login": ("200 200 302 302 302 302 302", False),
    "logout": ("405 405 405 405 405 405 405", False),
    "password_change": ("302 302 200 200 200 200 200", False),
    "password_change_done": ("302 302 200 200 200 200 200", False),
    "password_reset": ("200 200 200 200 200 200 200", False),
    "password_reset_done": ("200 200 200 200 200 200 200", False),
    "password_reset_confirm": ("200 200 200 200 200 200 200", False),
    "two_factor:verify": ("302 302 302 302 302 302 302", False),
    "two_factor:setup": ("302 302 200 200 200 200 200", False),
    "works_at": ("302 302 200 200 200 200 200", False),
    "password_reset_complete": ("200 200 200 200 200 200 200", False),
    "patients:list": ("302 302 403 200 200 200 200", True),
    "patients:create": ("302 302 403 200 403 403 200", False),
    "patients:intake_list": ("302 302 403 200 200 200 200", True),
    "patients:intake_review": ("302 302 403 403 200 200 200", True),
    "patients:intake_decide": ("302 302 403 403 403 405 403", False),
    "patients:intake_acknowledge": ("302 302 403 403 403 405 403", False),
    "patients:invitation_revoke": ("302 302 403 405 403 405 405", False),
    "patients:intake_requests": ("302 302 403 200 403 403 200", True),
    "patients:intake_request_accept": ("302 302 403 405 403 403 405", False),
    "patients:intake_request_merge": ("302 302 403 405 403 403 405", False),
    "patients:intake_request_discard": ("302 302 403 405 403 403 405", False),
    "patients:consent_documents": ("302 302 403 403 403 403 200", False),
    "patients:detail": ("302 302 403 200 200 200 200", True),
    "patients:access_report": ("302 302 403 403 403 403 200", True),
    "patients:invitation_send": ("302 302 403 405 403 405 405", False),
    "patients:consent_link_send": ("302 302 403 405 403 405 405", False),
    "patients:rems_record": ("302 302 403 403 403 405 403", False),
    "intake:start": ("200 200 200 200 200 200 200", False),
    "intake:start_done": ("200 200 200 200 200 200 200", False),
    "intake:link": ("200 302 200 200 200 200 200", False),
    "intake:step": ("302 200 302 302 302 302 302", "patient_link"),
    "intake:submit": ("405 405 405 405 405 405 405", False),
    "intake:crisis": ("302 200 302 302 302 302 302", False),
    "intake:consent_only": ("302 200 302 302 302 302 302", "patient_link"),
    "audit:access_log": ("302 302 403 403 403 403 200", True),
    "schedule:board": ("302 302 403 200 200 200 200", True),
    "schedule:week": ("302 302 403 200 200 200 200", True),
    "schedule:find": ("302 302 403 200 200 200 200", True),
    "schedule:book_start": ("302 302 403 200 403 403 200", True),
    "schedule:book": ("302 302 403 200 403 403 200", True),
    "schedule:course": ("302 302 403 200 403 403 200", True),
    "schedule:patient_appointments": ("302 302 403 200 200 200 200", True),
    "schedule:appointment": ("302 302 403 200 200 200 200", True),
    "schedule:cancel": ("302 302 403 200 200 403 200", True),
    "schedule:reschedule": ("302 302 403 200 200 403 200", True),
    "schedule:escort": ("302 302 403 405 405 403 405", False),
    "schedule:action": ("302 302 403 405 405 403 405", False),
    "schedule:settings": ("302 302 403 403 403 403 200", False),
    "schedule:chair_create": ("302 302 403 403 403 403 200", False),
    "schedule:chair_update": ("302 302 403 403 403 403 200", False),
    "schedule:protocol_create": ("302 302 403 403 403 403 200", False),
    "schedule:protocol_update": ("302 302 403 403 403 403 200", False),
    "schedule:location_update": ("302 302 403 403 403 403 200", False),
    # Session records (issue 10): nurses record, prescribers release and sign, managers read; front desk never
    # sees a record. A step is a POST (405 to a GET from a role that may record; the step's own permission is
    # checked on the POST).
    "schedule:appointment_record": ("302 302 403 403 302 302 302", False),
    "schedule:record": ("302 302 403 403 200 200 200", True),
    "schedule:record_print": ("302 302 403 403 200 200 200", True),
    "schedule:record_step": ("302 302 403 403 405 405 405", False),
    "schedule:record_queue": ("302 302 403 403 403 200 403", True),
    "schedule:board_layout_css": ("302 302 403 200 200 200 200", False),
    # The controlled-substance ledger (issue 11, ROLE_GRANTS): nurses draw, give and waste at the chair;
    # prescribers and managers read the ledger; managers receive, return, count and review differences.
    "schedule:ledger": ("302 302 403 403 403 200 200", False),
    "schedule:ledger_receive": ("302 302 403 403 403 403 200", False),
    "schedule:ledger_return": ("302 302 403 403 403 403 405", False),
    "schedule:ledger_log": ("302 302 403 403 403 200 200", True),
    "schedule:ledger_lot": ("302 302 403 403 403 200 200", True),
    "schedule:ledger_count_new": ("302 302 403 403 403 403 200", False),
    "schedule:ledger_count": ("302 302 403 403 403 200 200", False),
    "schedule:ledger_review": ("302 302 403 403 403 403 405", False),
    "schedule:ledger_session": ("302 302 403 403 200 403 403", True),
    "schedule:ledger_draw": ("302 302 403 403 405 403 403", False),
    "schedule:ledger_give": ("302 302 403 403 405 403 403", False),
    "schedule:ledger_waste": ("302 302 403 403 405 403 403", False),
    # Spravato REMS monitoring forms: prescribers and managers read and mark them submitted.
    "schedule:rems_queue": ("302 302 403 403 403 200 200", True),
    "schedule:rems_form": ("302 302 403 403 403 200 200", True),
    "schedule:rems_submit": ("302 302 403 403 403 405 405", False),
    "appointment_link": ("200 200 200 200 200 200 200", "patient_link"),
    "appointment_link_ics": ("404 200 404 404 404 404 404", "patient_link"),
    "admin:index": ("302 302 302 302 302 302 200", False),
    "admin:login": ("200 200 200 200 200 200 302", False),
    "admin:logout": ("302 302 302 302 302 302 405", False),
    "admin:password_change": ("302 302 302 302 302 302 200", False),
    "admin:password_change_done": ("302 302 302 302 302 302 200", False),
    "admin:autocomplete": ("302 302 302 302 302 302 403", False),
    "admin:jsi18n": ("302 302 302 302 302 302 200", False),
    "admin:view_on_site": ("302 302 302 302 302 302 404", False),
    "admin:auth_group_changelist": ("302 302 302 302 302 302 403", False),
    "admin:auth_group_add": ("302 302 302 302 302 302 403", False),
    "admin:auth_group_history": ("302 302 302 302 302 302 403", False),
    "admin:auth_group_delete": ("302 302 302 302 302 302 403", False),
    "admin:auth_group_change": ("302 302 302 302 302 302 403", False),
    "admin:auth_user_password_change": ("302 302 302 302 302 302 403", False),
    "admin:accounts_user_changelist": ("302 302 302 302 302 302 200", False),
    "admin:accounts_user_add": ("302 302 302 302 302 302 200", False),
    "admin:accounts_user_history": ("302 302 302 302 302 302 200", False),
    "admin:accounts_user_delete": ("302 302 302 302 302 302 403", False),
    "admin:accounts_user_change": ("302 302 302 302 302 302 200", False),
    "admin:accounts_rolechange_changelist": ("302 302 302 302 302 302 200", False),
    "admin:accounts_rolechange_add": ("302 302 302 302 302 302 403", False),
    "admin:accounts_rolechange_history": ("302 302 302 302 302 302 302", False),
    "admin:accounts_rolechange_delete": ("302 302 302 302 302 302 403", False),
    "admin:accounts_rolechange_change": ("302 302 302 302 302 302 302", False),
    "admin:otp_totp_totpdevice_changelist": ("302 302 302 302 302 302 200", False),
    "admin:otp_totp_totpdevice_add": ("302 302 302 302 302 302 403", False),
    "admin:otp_totp_totpdevice_history": ("302 302 302 302 302 302 302", False),
    "admin:otp_totp_totpdevice_delete": ("302 302 302 302 302 302 302", False),
    "admin:otp_totp_totpdevice_change": ("302 302 302 302 302 302 302", False),
    "admin:axes_accessattempt_changelist": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessattempt_add": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessattempt_history": ("302 302 302 302 302 302 302", False),
    "admin:axes_accessattempt_delete": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessattempt_change": ("302 302 302 302 302 302 403", False),
    "admin:axes_accesslog_changelist": ("302 302 302 302 302 302 403", False),
    "admin:axes_accesslog_add": ("302 302 302 302 302 302 403", False),
    "admin:axes_accesslog_history": ("302 302 302 302 302 302 302", False),
    "admin:axes_accesslog_delete": ("302 302 302 302 302 302 403", False),
    "admin:axes_accesslog_change": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessfailurelog_changelist": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessfailurelog_add": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessfailurelog_history": ("302 302 302 302 302 302 302", False),
    "admin:axes_accessfailurelog_delete": ("302 302 302 302 302 302 403", False),
    "admin:axes_accessfailurelog_change": ("302 302 302 302 302 302 403", False),
    "admin:otp_static_staticdevice_changelist": ("302 302 302 302 302 302 403", False),
    "admin:otp_static_staticdevice_add": ("302 302 302 302 302 302 403", False),
    "admin:otp_static_staticdevice_history": ("302 302 302 302 302 302 302", False),
    "admin:otp_static_staticdevice_delete": ("302 302 302 302 302 302 403", False),
    "admin:otp_static_staticdevice_change": ("302 302 302 302 302 302 403", False),
    "admin:audit_accessevent_changelist": ("302 302 302 302 302 302 200", True),
    "admin:audit_accessevent_add": ("302 302 302 302 302 302 403", False),
    "admin:audit_accessevent_history": ("302 302 302 302 302 302 200", True),
    "admin:audit_accessevent_delete": ("302 302 302 302 302 302 403", False),
    "admin:audit_accessevent_change": ("302 302 302 302 302 302 200", True),
    "admin:patients_patient_changelist": ("302 302 302 302 302 302 200", True),
    "admin:patients_patient_add": ("302 302 302 302 302 302 200", False),
    "admin:patients_patient_history": ("302 302 302 302 302 302 200", True),
    "admin:patients_patient_delete": ("302 302 302 302 302 302 403", False),
    "admin:patients_patient_change": ("302 302 302 302 302 302 200", True),
    "admin:clinic_location_changelist": ("302 302 302 302 302 302 200", False),
    "admin:clinic_location_add": ("302 302 302 302 302 302 200", False),
    "admin:clinic_location_history": ("302 302 302 302 302 302 200", False),
    "admin:clinic_location_delete": ("302 302 302 302 302 302 403", False),
    "admin:clinic_location_change": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_chair_changelist": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_chair_add": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_chair_history": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_chair_delete": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_chair_change": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_protocol_changelist": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_protocol_add": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_protocol_history": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_protocol_delete": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_protocol_change": ("302 302 302 302 302 302 200", False),
    "admin:clinic_sessions_appointment_changelist": ("302 302 302 302 302 302 200", True),
    "admin:clinic_sessions_appointment_add": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_appointment_history": ("302 302 302 302 302 302 200", True),
    "admin:clinic_sessions_appointment_delete": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_appointment_change": ("302 302 302 302 302 302 200", True),
    "admin:clinic_sessions_course_changelist": ("302 302 302 302 302 302 200", True),
    "admin:clinic_sessions_course_add": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_course_history": ("302 302 302 302 302 302 200", True),
    "admin:clinic_sessions_course_delete": ("302 302 302 302 302 302 403", False),
    "admin:clinic_sessions_course_change": ("302 302 302 302 302 302 200", True),
    "admin:app_list": ("302 302 302 302 302 302 200", False),
}


@pytest.fixture
def world(location, front_desk, nurse, prescriber, manager, stranger):
    return build_world(location=location, front_desk=front_desk, nurse=nurse, prescriber=prescriber,
                       manager=manager, stranger=stranger)


def test_every_url_pattern_is_in_the_table():
    names = {name for name, _ in url_names()}
    missing = sorted(names - EXPECTED.keys())
    assert not missing, f"Add these URLs to EXPECTED (tests/clinic/test_url_roles_and_access.py): {missing}"
    assert not sorted(EXPECTED.keys() - names), "EXPECTED names URLs that no longer exist"


def test_every_url_answers_each_role_as_the_table_says(world):
    wrong = []
    for name, pattern in url_names():
        url = url_for(world, name, pattern)
        expected = EXPECTED[name][0].split()
        got = [str(world.clients[role].get(url).status_code) for role in ROLES]
        wrong += [f"{name} as {role}: {g} (expected {e})" for role, g, e in zip(ROLES, got, expected, strict=True)
                  if g != e]
    assert not wrong, "\n".join(wrong)


def _named(event, patient_ids) -> bool:
    return event.patient_id in patient_ids or bool(set(event.patient_ids) & patient_ids)


def test_every_page_with_patient_data_writes_an_access_event_naming_the_patient(world):
    """Declared pages must log on every 200; and any page whose body shows a patient's name must log too,
    declared or not (so a page that starts showing patient data without an event fails here)."""
    wrong = []
    for name, pattern in url_names():
        url = url_for(world, name, pattern)
        shows = EXPECTED[name][1]
        for role in ROLES:
            shows_patient_data = shows is True or (isinstance(shows, str) and role in shows.split())
            latest = AccessEvent.objects.order_by("-chain_seq").values_list("chain_seq", flat=True).first() or 0
            response = world.clients[role].get(url)
            if response.status_code != 200:
                continue
            body = response.content.decode(errors="replace")
            named = BOOKED_SURNAME in body or INVITED_SURNAME in body
            events = list(AccessEvent.objects.filter(chain_seq__gt=latest))
            if (shows_patient_data or named) and not any(_named(event, world.patient_ids) for event in events):
                wrong.append(f"{name} as {role} shows patient data but wrote no access event naming the patient")
            if named and not shows_patient_data:
                wrong.append(f"{name} as {role} shows a patient's name: mark it as showing patient data")
            if len(events) > 1:
                wrong.append(f"{name} as {role} wrote {len(events)} events: a page writes one")
    assert not wrong, "\n".join(wrong)

"""Staff roles (DESIGN.md §1, §6) and what each may see.

A role is a Django group; what it may do is the group's permissions. ``ROLE_GRANTS`` below is the one table of
who may do what; data migrations grant it (each migration copies the grants it makes, so that it gives the
same result in a year: a new grant here needs a new migration, which tests/clinic/test_roles.py checks). Views
check permissions, never role names, so a clinic can shape its roles in the admin without touching code.
"""

from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch

from clinic.links import reversed_once
from clinic.prepared import PreparedQuery


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk"
    NURSE = "nurse", "Nurse"
    PRESCRIBER = "prescriber", "Prescriber"
    MANAGER = "manager", "Clinic manager"


# Who may do what, for every app (``app_label.codename``). Front desk sees intake *status* (view_intake) and
# sends links, never the answers (DESIGN.md §1); it books, reschedules, cancels and checks in. Nurses see the
# board, are the nurse watching and move a session along at the chair. Managers configure chairs, protocols,
# locations and staff, and read the access log.
ROLE_GRANTS: dict[str, list[str]] = {
    Role.FRONT_DESK: [
        "patients.view_patient", "patients.add_patient", "patients.change_patient",
        "patients.view_intake", "patients.send_intake_invitation",
        "patients.view_intakerequest", "patients.handle_intakerequest",
        "clinic_sessions.view_appointment", "clinic_sessions.add_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.view_course", "clinic_sessions.add_course", "clinic_sessions.view_chair",
        "clinic_sessions.view_protocol",
    ],
    Role.NURSE: [
        "patients.view_patient", "patients.view_intake", "patients.view_intake_answers",
        "clinic_sessions.view_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.attend_appointment", "clinic_sessions.view_course", "clinic_sessions.view_chair",
        "clinic_sessions.view_protocol",
        # Session records (migration sessions 0008_records_roles).
        "clinic_sessions.view_sessionrecord", "clinic_sessions.record_session",
        # The controlled-substance ledger (sessions 0008_ledger_roles): draw, give, waste and witness.
        "clinic_sessions.withdraw_stock", "clinic_sessions.administer_stock", "clinic_sessions.waste_stock",
        "clinic_sessions.witness_waste",
    ],
    Role.PRESCRIBER: [
        "patients.view_patient", "patients.view_intake", "patients.view_intake_answers",
        "patients.decide_intake", "patients.send_intake_invitation", "patients.add_remsenrollment",
        "clinic_sessions.view_appointment", "clinic_sessions.view_course", "clinic_sessions.view_protocol",
        "clinic_sessions.view_sessionrecord", "clinic_sessions.release_hold", "clinic_sessions.override_dose_cap",
        "clinic_sessions.sign_record", "clinic_sessions.write_addendum",
        "clinic_sessions.view_ledger", "clinic_sessions.view_rems_form", "clinic_sessions.submit_rems_form",
    ],
    Role.MANAGER: [
        "audit.view_accessevent",
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "clinic.view_location", "clinic.add_location", "clinic.change_location",
        "patients.view_patient", "patients.add_patient", "patients.change_patient",
        "patients.view_intake", "patients.view_intake_answers", "patients.send_intake_invitation",
        "patients.publish_consentdocument", "patients.view_intakerequest", "patients.handle_intakerequest",
        "clinic_sessions.view_appointment", "clinic_sessions.add_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.view_course", "clinic_sessions.add_course", "clinic_sessions.view_chair",
        "clinic_sessions.add_chair", "clinic_sessions.change_chair", "clinic_sessions.view_protocol",
        "clinic_sessions.add_protocol", "clinic_sessions.change_protocol",
        # Resetting a lost phone (accounts 0004_sec_manager_resets_two_step) and reading role changes.
        "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice", "accounts.view_rolechange",
        "clinic_sessions.view_sessionrecord",
        "clinic_sessions.receive_stock", "clinic_sessions.count_stock", "clinic_sessions.adjust_stock",
        "clinic_sessions.view_ledger", "clinic_sessions.view_rems_form", "clinic_sessions.submit_rems_form",
    ],
}


def roles_of(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = set(_GROUP_NAMES(user_id=user.pk))
    return [role.value for role in Role if role.value in names]


def _group_names(*, user_id):
    from django.contrib.auth.models import Group

    return Group.objects.filter(user=user_id).values_list("name", flat=True)


_GROUP_NAMES = PreparedQuery(_group_names, user_id=int)  # the home page asks on every visit (clinic.prepared)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    description: str
    permission: str | None = None  # None: every signed-in staff member
    staff_only: bool = False  # needs the admin-site flag
    # A dotted path to a function returning how many things wait there (shown on the home page). A path, not
    # an import: clinic/ sits below the apps (DESIGN.md §2).
    count: str | None = None

    def allowed_for(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)

    @property
    def url(self) -> str | None:
        """The destination's address (every staff page prints the menu: reversed once per process)."""
        try:
            return reversed_once(self.url_name)
        except NoReverseMatch:
            return None


# The one list of staff destinations: the top navigation and the home page are both made from it.
NAVIGATION: list[NavItem] = [
    NavItem("Patients", "patients:list", "Find a patient, open their page, see intake status.",
            "patients.view_patient"),
    NavItem("Day board", "schedule:board", "Today's chairs and appointments: confirm, check in, cancel.",
            "clinic_sessions.view_appointment"),
    NavItem("Book", "schedule:book_start", "Book a session or a course for an approved patient; find a free time.",
            "clinic_sessions.add_appointment"),
    NavItem("Schedule settings", "schedule:settings", "Opening hours, nurse ratio, chairs and protocols.",
            "clinic_sessions.change_protocol"),
    NavItem("To sign", "schedule:record_queue", "Session records waiting for your signature, oldest first.",
            "clinic_sessions.sign_record"),
    NavItem("Controlled substances", "schedule:ledger", "Stock per lot, receipts, counts, the printable log.",
            "clinic_sessions.view_ledger"),
    NavItem("REMS forms", "schedule:rems_queue", "Spravato REMS monitoring forms due, overdue and submitted.",
            "clinic_sessions.view_rems_form"),
    NavItem("Intake requests", "patients:intake_requests",
            "Self-referrals from the public start page: accept, merge with a patient on file, or discard.",
            "patients.view_intakerequest", count="patients.selectors.intake_requests_pending_count"),
    NavItem("Intakes", "patients:intake_list", "Intake links and status; urgent and submitted intakes to review.",
            "patients.view_intake"),
    NavItem("Consent", "patients:consent_documents", "Publish a new version of the treatment consent.",
            "patients.publish_consentdocument"),
    NavItem("Access log", "audit:access_log", "Who viewed which patient's record, and when.",
            "audit.view_accessevent"),
    NavItem("Administration", "admin:index", "Locations, staff accounts and roles.", staff_only=True),
]


@dataclass(frozen=True)
class NavLink:
    """A destination as one page shows it: its URL reversed once, where the menu and the home page would
    reverse it each time they print it (about fifty ``reverse()`` a page, issue 13)."""

    item: NavItem
    url: str

    def __getattr__(self, name: str):
        return getattr(self.item, name)


def navigation_for(user) -> list[NavLink]:
    """The destinations ``user`` may open, worked out once a request (the menu and the home page both ask;
    the user object lives as long as the request)."""
    links = getattr(user, "_navigation_links", None)
    if links is None:
        links = []
        for item in NAVIGATION:
            url = item.url if item.allowed_for(user) else None
            if url:
                links.append(NavLink(item, url))
        user._navigation_links = links
    return links


def grant_permissions(apps, grants: dict[str, list[str]]) -> None:
    """For data migrations: make each role's group and give it the listed ``app_label.codename`` permissions.

    Permissions are normally created after migrations run; create them now so that a fresh database
    gets its roles in one ``migrate``.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    _grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), grants)


def sync_role_permissions() -> None:
    """Bring every role up to ``ROLE_GRANTS``.

    Idempotent. Tests call it after a transactional test has emptied the tables; a clinic can call it
    after an upgrade (``manage.py shell -c``) without losing grants made by hand in the admin.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    _grant(Group, Permission, {str(role): perms for role, perms in ROLE_GRANTS.items()})


def _grant(group_model, permission_model, grants: dict[str, list[str]]) -> None:
    for role, perms in grants.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(permission_model.objects.get(content_type__app_label=app_label, codename=codename))

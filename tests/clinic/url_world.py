"""One small clinic with a row behind every URL pattern, and a browser per role (issue 8, item 6 and the URL x
role test): every named URL of the project, with real arguments, for anonymous, a patient link, a staff
member with no role, front desk, nurse, prescriber and manager."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anonymous", "patient_link", "no_role", "front_desk", "nurse", "prescriber", "manager")

# Distinctive names: a page showing either of them shows patient data.
BOOKED_SURNAME, INVITED_SURNAME = "Quillfeather", "Marchbanks"


@dataclass
class World:
    patient: object  # approved, with a course, an appointment, its link and a consent link
    invited: object  # an intake in progress behind a live link
    appointment: object
    course: object
    intake: object
    tokens: dict
    objects: dict = field(default_factory=dict)  # admin object ids per model key
    clients: dict = field(default_factory=dict)
    day: str = ""

    @property
    def patient_ids(self) -> set:
        return {self.patient.public_id, self.invited.public_id}


def url_names() -> list[tuple[str, URLPattern]]:
    """Every named URL pattern, namespaced, the admin's included."""
    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", entry

    return list(walk(get_resolver().url_patterns))


def build_world(*, location, front_desk, nurse, prescriber, manager, stranger) -> World:
    from datetime import date, timedelta

    from django.contrib.auth.models import Group

    from clinic.audit.models import AccessEvent
    from patients.services import consent_link_send, intake_request_store
    from sessions.services import CourseSlotChoice, appointment_link_issue, course_book
    from tests.factories import PatientFactory
    from tests.patients.intake_helpers import invite
    from tests.sessions.helpers import ChairFactory, ProtocolFactory, cleared_patient, local, make_nurse

    chair = ChairFactory(location=location, name="Chair 1", position=1)
    protocol = ProtocolFactory()
    duty_nurse = make_nurse(email="duty.nurse@clinic.test")
    patient = cleared_patient(location, legal_first_name="Bea", legal_last_name=BOOKED_SURNAME)
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    course = course_book(patient=patient, protocol=protocol, location=location, booked_by=front_desk, notify=False,
                         slots=[CourseSlotChoice(start=local(location, monday, 9), chair=chair, nurse=duty_nurse)])
    appointment = course.appointments.get()
    intake = patient.intakes.get()
    invited, issued = invite(PatientFactory(location=location, legal_first_name="Cal", legal_last_name=INVITED_SURNAME))
    consent = consent_link_send(patient=patient, sent_by=front_desk, by_email=False)
    tokens = {"intake": issued.token, "consent": consent.token,
              "appointment": appointment_link_issue(appointment=appointment)}
    intake_request_store(first_name="Bea", last_name=BOOKED_SURNAME, email="bea@example.com",
                         date_of_birth=patient.date_of_birth, location=location)  # she asked again
    event = AccessEvent.objects.create(actor_label="seed", patient_id=patient.public_id, object_type="seed")
    world = World(patient=patient, invited=invited, appointment=appointment, course=course, intake=intake,
                  tokens=tokens, day=monday.isoformat())
    world.objects = {
        "patients_patient": patient.pk, "clinic_sessions_appointment": appointment.pk,
        "clinic_sessions_course": course.pk, "audit_accessevent": event.pk, "clinic_location": location.pk,
        "clinic_sessions_chair": chair.pk, "clinic_sessions_protocol": protocol.pk,
        "accounts_user": front_desk.pk, "auth_group": Group.objects.get(name="nurse").pk,
    }
    world.objects_public = {"chair": chair.public_id, "protocol": protocol.public_id, "location": location.public_id}
    users = {"no_role": stranger, "front_desk": front_desk, "nurse": nurse, "prescriber": prescriber,
             "manager": manager}
    for role in ROLES:
        client = Client()
        if role in users:
            client.force_login(users[role])
        world.clients[role] = client
    _prove_links(world)
    _records_and_ledger(world, location=location, nurse=nurse, manager=manager, witness=duty_nurse)
    return world


def _records_and_ledger(world: World, *, location, nurse, manager, witness) -> None:
    """The booked patient's past IV session with its record (checks done, completed, awaiting a signature) and
    the ketamine it was given from a lot; an esketamine session given (its REMS form is owed); a count."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from sessions.models import Protocol
    from sessions.services.ledger import inventory_count_record, stock_administer, stock_withdraw
    from sessions.services.records import predose_check_record, record_open
    from tests.factories import TEST_PASSWORD
    from tests.sessions.helpers import move_status
    from tests.sessions.ledger.conftest import make_appointment, receive

    now = timezone.now()  # her sessions far enough apart (the minimum interval), the esketamine one still due
    session = make_appointment(location=location, protocol=world.appointment.protocol, patient=world.patient,
                               start=now - timedelta(days=14), status="checked_in")
    record = record_open(appointment=session, by=nurse, now=session.start)
    before = session.start - timedelta(minutes=10)
    predose_check_record(
        record=record, by=nurse, identity_confirmed=True, weight_kg=Decimal("80"), weight_entered="80 kg",
        last_food_at=before - timedelta(hours=8), last_liquid_at=before - timedelta(hours=3), escort_name="Sam",
        escort_phone="+1 555 0100", escort_confirmed=True, pregnancy_status="not_applicable",
        medication_changes="", phq9_answers={f"q{i}": 0 for i in range(1, 10)}, systolic=128, diastolic=82,
        heart_rate=72, spo2=98, respiratory_rate=14, consent_current=True, now=before)
    lot = receive(location=location, by=manager, expires_on=timezone.localdate() + timedelta(days=365))
    stock_withdraw(lot=lot, appointment=session, quantity_mg=Decimal("40"), actor=nurse)
    stock_administer(lot=lot, appointment=session, quantity_mg=Decimal("40"), actor=nurse)
    move_status(session, "completed")
    esketamine = make_appointment(location=location, protocol=Protocol.objects.get(name="Esketamine 56 mg"),
                                  patient=world.patient, start=now - timedelta(days=1), status="completed")
    count = inventory_count_record(location=location, counted_by=manager, witness=witness,
                                   witness_password=TEST_PASSWORD, counted={lot.pk: Decimal("460")}, reasons={})
    world.session, world.record, world.lot, world.count = session, record, lot, count
    world.esketamine = esketamine


def _prove_links(world: World) -> None:
    """The patient-link browser proves the date of birth on each of its links, as a patient would."""
    client = world.clients["patient_link"]
    client.post(reverse("intake:link", kwargs={"token": world.tokens["intake"]}),
                {"date_of_birth": world.invited.date_of_birth.isoformat()})
    client.post(reverse("intake:link", kwargs={"token": world.tokens["consent"]}),
                {"date_of_birth": world.patient.date_of_birth.isoformat()})
    client.post(reverse("appointment_link", kwargs={"token": world.tokens["appointment"]}),
                {"date_of_birth": world.patient.date_of_birth.isoformat()})


ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")


def admin_model_action(name: str) -> tuple[str, str] | None:
    """``admin:patients_patient_change`` -> ("patients_patient", "change")."""
    if not name.startswith("admin:"):
        return None
    for action in ADMIN_ACTIONS:
        if name.endswith(f"_{action}"):
            return name[len("admin:"):-len(action) - 1], action
    return None


def url_for(world: World, name: str, pattern: URLPattern) -> str:
    """The URL of ``name`` with arguments from the world (an unknown admin object id when the world has none)."""
    admin = admin_model_action(name)
    params = ""
    converters = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    kwargs = {}
    for key in converters:
        kwargs[key] = _argument(world, name, key, admin)
    if name in ("schedule:board", "schedule:week"):
        params = f"?day={world.day}"
    if name == "schedule:find":
        params = f"?patient={world.patient.public_id}"
    if name == "patients:intake_list":
        params = "?status=all"  # the default tab is open work; the world's intakes are invited and approved
    url = reverse(name, kwargs=kwargs)
    if name == "schedule:book_start":
        url += "?s=" + _remembered_search(world)
    if name == "patients:list":
        url += "?s=" + _remembered_search(world)
    return url + params


def _argument(world: World, name: str, key: str, admin):
    if key == "object_id":
        return str(world.objects.get(admin[0], 0)) if admin else "0"
    if key == "id":
        return str(world.objects["accounts_user"])
    if key == "app_label":
        return "patients"
    if key == "content_type_id":
        return "0"
    if key == "token":
        if name.startswith("intake:"):
            return world.tokens["consent" if name == "intake:consent_only" else "intake"]
        if name.startswith("appointment_link"):
            return world.tokens["appointment"]
        return "bad-token"
    if key == "uidb64":
        return "MQ"
    if key == "step":
        return "about"
    if key == "action":
        return "confirm"
    if key == "pk":
        return str(world.count.lines.get().pk)
    if key == "public_id":
        ledger_and_records = {
            "schedule:appointment_record": world.session.public_id, "schedule:record": world.record.public_id,
            "schedule:record_print": world.record.public_id, "schedule:record_step": world.record.public_id,
            "schedule:ledger_lot": world.lot.public_id, "schedule:ledger_return": world.lot.public_id,
            "schedule:ledger_count": world.count.public_id, "schedule:ledger_session": world.session.public_id,
            "schedule:ledger_draw": world.session.public_id, "schedule:ledger_give": world.session.public_id,
            "schedule:ledger_waste": world.session.public_id, "schedule:rems_form": world.esketamine.public_id,
            "schedule:rems_submit": world.esketamine.public_id,
        }
        if name in ledger_and_records:
            return ledger_and_records[name]
        if name.startswith("patients:intake"):
            return world.intake.public_id
        if name.startswith("schedule:") and name.split(":")[1] in (
                "appointment", "cancel", "reschedule", "escort", "action"):
            return world.appointment.public_id
        for kind in ("chair", "protocol", "location"):
            if name == f"schedule:{kind}_update":
                return world.objects_public[kind]
        return world.patient.public_id
    raise AssertionError(f"No argument for {key!r} of {name}: add one to tests/clinic/url_world.py")


def _remembered_search(world: World) -> str:
    """A search for the booked patient's name, stored as each search form stores it (in the session, never
    the URL), in every role's session, so that each sees the results a search would show them."""
    from patients.search_session import SESSION_KEY

    for browser in world.clients.values():
        session = browser.session
        session[SESSION_KEY] = {"worldsearch": BOOKED_SURNAME}
        session.save()
    return "worldsearch"

"""Demo data for a laptop or a demo: one location, a staff member per role, a few patients.

Idempotent: running it again changes nothing. Refused where DEMO_DATA_ALLOWED is off (production).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic.models import Location
from patients.models import Patient

DEMO_PASSWORD = "demo-clinic-2026"

DEMO_STAFF = [
    # (e-mail, full name, credentials, role, can open the admin)
    ("frontdesk@demo.clinic", "Frankie Desk", "", "front_desk", False),
    ("nurse@demo.clinic", "Nora Nurse", "RN", "nurse", False),
    ("nurse2@demo.clinic", "Nico Nurse", "RN", "nurse", False),  # the second person who witnesses a waste
    ("prescriber@demo.clinic", "Dr Priya Prescriber", "MD", "prescriber", False),
    ("manager@demo.clinic", "Morgan Manager", "", "manager", True),
]

DEMO_PATIENTS = [
    ("Alex", "Rivera", datetime.date(1985, 4, 12), "alex.rivera@example.com", "+1 555 0101"),
    ("Jordan", "Lee", datetime.date(1992, 11, 3), "jordan.lee@example.com", "+1 555 0102"),
    ("Sam", "Okafor", datetime.date(1978, 7, 28), "sam.okafor@example.com", "+1 555 0103"),
    ("Casey", "Morgan", datetime.date(1990, 5, 20), "casey.morgan@example.com", "+1 555 0104"),
    ("Riley", "Chen", datetime.date(1988, 9, 9), "riley.chen@example.com", "+1 555 0105"),
    ("Taylor", "Brooks", datetime.date(1983, 2, 14), "taylor.brooks@example.com", "+1 555 0106"),
    ("Jamie", "Patel", datetime.date(1995, 6, 30), "jamie.patel@example.com", "+1 555 0107"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is switched off in these settings (production).")
        with transaction.atomic():
            location = self._location()
            self._staff()
            self._patients(location)
            self._intakes(location)
            self._schedule(location)
            self._booked_course(location)
            self._session_records(location)
        self._print_logins()

    def _location(self) -> Location:
        location, _ = Location.objects.get_or_create(
            name="Demo Clinic Downtown",
            defaults={"address": "100 Main Street, Springfield", "phone": "+1 555 0100",
                      "time_zone": "America/New_York"},
        )
        if not location.rems_certification_number:  # Spravato REMS site certification (issue 11)
            location.rems_certification_number = "DEMO-REMS-0001"
            location.rems_certification_expires_on = datetime.date.today() + datetime.timedelta(days=365)
            location.save(update_fields=["rems_certification_number", "rems_certification_expires_on"])
        return location

    def _staff(self) -> None:
        User = get_user_model()
        for email, name, credentials, role, is_staff in DEMO_STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, credentials=credentials,
                                                is_staff=is_staff)
            user.groups.add(Group.objects.get(name=role))

    def _patients(self, location: Location) -> None:
        for first, last, dob, email, phone in DEMO_PATIENTS:
            Patient.objects.get_or_create(
                legal_first_name=first, legal_last_name=last, date_of_birth=dob,
                defaults={"email": email, "phone": phone, "location": location},
            )

    def _schedule(self, location: Location) -> None:
        """Four chairs (issue 4). The location keeps its default hours (Mon-Fri 08:00-18:00) and 1:4 nurse
        ratio; protocols are seeded by the sessions migration from CLINICAL.md §1."""
        from sessions.models import Chair

        for position, name in enumerate(["Chair 1", "Chair 2", "Chair 3", "Chair 4"], start=1):
            Chair.objects.get_or_create(location=location, name=name, defaults={"position": position})

    def _booked_course(self, location: Location) -> None:
        """An IV course already booked for one approved patient (Riley Chen), from the next open day, so that
        the day board has something on it; Sam Okafor stays approved and unbooked to try booking with."""
        from sessions.courses import to_local
        from sessions.models import Appointment, Protocol
        from sessions.selectors import course_proposal
        from sessions.services import CourseSlotChoice, course_book

        patient = Patient.objects.filter(legal_last_name="Chen", location=location).first()
        protocol = Protocol.objects.filter(route="iv", is_active=True).order_by("name").first()
        if patient is None or protocol is None or Appointment.objects.filter(patient=patient).exists():
            return
        first_day = to_local(timezone.now(), location.time_zone).date() + datetime.timedelta(days=1)
        proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=first_day,
                                    local_time=datetime.time(9, 0), count=6)
        slots = [CourseSlotChoice(start=p.slot.start, chair=p.slot.chair, nurse=p.slot.nurse)
                 for p in proposals if p.slot is not None]
        if slots:
            front_desk = get_user_model().objects.get(email="frontdesk@demo.clinic")
            course_book(patient=patient, protocol=protocol, location=location, slots=slots, booked_by=front_desk,
                        notify=False)
            first = to_local(slots[0].start, location.time_zone)
            self.stdout.write(f"  {len(slots)} IV sessions booked for {patient.full_name}, the first on "
                              f"{first:%A %d %B at %H:%M} (day board).")

    def _session_records(self, location: Location) -> None:
        """Issue 10: Taylor Brooks's IV session completed and signed on the last open day, Jamie Patel's IV
        session in progress today (while the clinic is open), and the ketamine lot they draw from."""
        from sessions.models import Chair

        from ._demo_records import demo_completed_record, demo_lot, demo_record_in_progress

        User = get_user_model()
        staff = {role: User.objects.get(email=email) for role, email in (
            ("front_desk", "frontdesk@demo.clinic"), ("nurse", "nurse@demo.clinic"),
            ("witness", "nurse2@demo.clinic"), ("prescriber", "prescriber@demo.clinic"),
            ("manager", "manager@demo.clinic"))}
        staff["password"] = DEMO_PASSWORD
        lot = demo_lot(location=location, manager=staff["manager"])
        chairs = list(Chair.objects.filter(location=location).order_by("position"))
        patient = Patient.objects.get(legal_last_name="Brooks", location=location)
        done = demo_completed_record(patient=patient, location=location, chair=chairs[2], lot=lot, staff=staff)
        if done:
            self.stdout.write(f"  A signed IV session record for {patient.full_name} on {done} (patient page).")
        patient = Patient.objects.get(legal_last_name="Patel", location=location)
        running = demo_record_in_progress(patient=patient, location=location, chair=chairs[3], lot=lot,
                                          staff=staff)
        if running:
            self.stdout.write(f"  {patient.full_name}'s IV session is in progress on Chair 4 since {running} "
                              "(day board).")
        elif running == "":
            self.stdout.write("  The clinic is closed now: no session in progress today (run seed_demo again "
                              "in opening hours).")

    def _intakes(self, location: Location) -> None:
        """Issue 3: a published consent and demo patients in each intake state. Only patients without an
        intake get one, so a second run changes nothing; a link is printed only when it is made."""
        from patients import services
        from patients.demo import DEMO_CONSENT_TEXT, demo_intake_answers

        User = get_user_model()
        manager = User.objects.get(email="manager@demo.clinic")
        prescriber = User.objects.get(email="prescriber@demo.clinic")
        if services.consent_document_current() is None:
            services.consent_document_publish(title="Consent to ketamine treatment", body=DEMO_CONSENT_TEXT,
                                              published_by=manager)
        states = {"Rivera": "invited", "Lee": "submitted", "Okafor": "approved", "Morgan": "urgent",
                  "Chen": "approved", "Brooks": "approved", "Patel": "approved"}
        for last_name, state in states.items():
            patient = Patient.objects.filter(legal_last_name=last_name, location=location).first()
            if patient is None or patient.intakes.exists():
                continue
            issued = services.invitation_send(patient=patient, sent_by=manager,
                                              by_email=False)
            if state == "invited":
                self.stdout.write(f"  Intake link for {patient.full_name} (date of birth "
                                  f"{patient.date_of_birth:%Y-%m-%d}): {issued.url}")
                continue
            intake = issued.link.intake
            for step, data in demo_intake_answers(phq9_item9=2 if state == "urgent" else 0).items():
                intake = services.intake_step_save(intake=intake, step=step, data=data)
            services.consent_sign(patient=patient, document=services.consent_document_current(), intake=intake,
                                  typed_name=patient.full_name, ip_address="127.0.0.1", user_agent="seed_demo")
            intake = services.intake_submit(intake=intake)
            if state == "approved":
                services.intake_decide(intake=intake, decided_by=prescriber, kind="approve", plan={
                    "route": "iv", "protocol_name": "IV induction: 6 infusions", "target_dose_mg_per_kg": "0.50",
                    "number_of_sessions": 6})

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000 with:"))
        for email, _, _, role, _ in DEMO_STAFF:
            self.stdout.write(f"  {role:<11} {email:<24} password: {DEMO_PASSWORD}")

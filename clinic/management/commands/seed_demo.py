"""Demo data for a laptop or a demo: one location, a staff member per role, a few patients.

Idempotent: running it again changes nothing. Refused where DEMO_DATA_ALLOWED is off (production).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Location
from patients.models import Patient

DEMO_PASSWORD = "demo-clinic-2026"

DEMO_STAFF = [
    # (e-mail, full name, credentials, role, can open the admin)
    ("frontdesk@demo.clinic", "Frankie Desk", "", "front_desk", False),
    ("nurse@demo.clinic", "Nora Nurse", "RN", "nurse", False),
    ("prescriber@demo.clinic", "Dr Priya Prescriber", "MD", "prescriber", False),
    ("manager@demo.clinic", "Morgan Manager", "", "manager", True),
]

DEMO_PATIENTS = [
    ("Alex", "Rivera", datetime.date(1985, 4, 12), "alex.rivera@example.com", "+1 555 0101"),
    ("Jordan", "Lee", datetime.date(1992, 11, 3), "jordan.lee@example.com", "+1 555 0102"),
    ("Sam", "Okafor", datetime.date(1978, 7, 28), "sam.okafor@example.com", "+1 555 0103"),
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
        self._print_logins()

    def _location(self) -> Location:
        location, _ = Location.objects.get_or_create(
            name="Demo Clinic Downtown",
            defaults={"address": "100 Main Street, Springfield", "phone": "+1 555 0100",
                      "time_zone": "America/New_York"},
        )
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

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000 with:"))
        for email, _, _, role, _ in DEMO_STAFF:
            self.stdout.write(f"  {role:<11} {email:<24} password: {DEMO_PASSWORD}")

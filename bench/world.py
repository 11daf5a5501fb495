"""The bench's staff and places, made with the ORM before the bulk load (bench/bulk.py).

Run inside Django (``python -m bench.world``, the bench database in DATABASE_URL) after ``seed_demo``: the
demo's own location, staff, patients and records stay as they are; the bench adds its locations (8 chairs,
two nurses each, so that four chairs share a nurse at the default 1:4 ratio) and one bench user in every role.
Prints the ids bench/bulk.py needs as JSON.
"""

from __future__ import annotations

import datetime
import json
import sys

BENCH_PASSWORD = "bench-clinic-2026"
BENCH_EMAIL = "bench@bench.clinic"
TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]


def world_build(*, locations: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from clinic.models import Location
    from sessions.models import Chair, Protocol, SessionRecord

    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email=BENCH_EMAIL).first()
        if user is None:
            # Every role, so that one signed-in client reaches every staff page; a superuser for the admin.
            user = User.objects.create_superuser(BENCH_EMAIL, BENCH_PASSWORD, full_name="Bench Manager")
        user.groups.add(*Group.objects.filter(name__in=["front_desk", "nurse", "prescriber", "manager"]))
        places = []
        for number in range(1, locations + 1):
            location, _ = Location.objects.get_or_create(
                name=f"Bench clinic {number}",
                defaults={"address": f"{number} Bench Street", "phone": "+1 555 010 0100",
                          "time_zone": TIME_ZONES[(number - 1) % len(TIME_ZONES)], "nurse_patient_ratio": 4,
                          "rems_certification_number": f"BENCH-REMS-{number:04d}",
                          "rems_certification_expires_on": datetime.date.today() + datetime.timedelta(days=365)})
            chairs = [Chair.objects.get_or_create(location=location, name=f"Chair {position}",
                                                  defaults={"position": position})[0].pk
                      for position in range(1, 9)]
            nurses = []
            for index in (1, 2):
                email = f"nurse{index}.clinic{number}@bench.clinic"
                nurse = User.objects.filter(email=email).first() or User.objects.create_user(
                    email, BENCH_PASSWORD, full_name=f"Nurse {index} of clinic {number}", credentials="RN")
                nurse.groups.add(Group.objects.get(name="nurse"))
                nurses.append(nurse.pk)
            places.append({"id": location.pk, "public_id": str(location.public_id),
                           "time_zone": location.time_zone, "chairs": chairs, "nurses": nurses})
    iv = Protocol.objects.filter(route="iv", is_active=True).order_by("name").first()
    # The demo's signed IV record (seed_demo): checks, order, administration, vitals, discharge, ledger lines.
    record = SessionRecord.objects.filter(signed_at__isnull=False).order_by("id").first()
    return {"user": {"id": user.pk, "email": BENCH_EMAIL, "password": BENCH_PASSWORD}, "iv_protocol_id": iv.pk,
            "record_public_id": str(record.public_id) if record else "", "locations": places}


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(world_build(locations=int(sys.argv[1])), sys.stdout)

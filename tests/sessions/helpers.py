"""Building schedule data for tests: chairs, protocols, nurses, and times in a location's wall time."""

from __future__ import annotations

from datetime import date, time

import factory

from sessions.courses import to_utc
from sessions.models import Chair, Protocol
from tests.factories import LocationFactory, UserFactory

# The day board's queries, whatever the number of chairs and appointments: session, user, permissions and
# navigation, the locations (the list, and the one shown from it), chairs, appointments; no per-row query.
BOARD_QUERIES = 7  # + the one access event naming every patient on the board (issue 8, item 6); no session
# save per request since issue 13 (the idle clock is written at most once a minute)


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Chair {n + 1}")
    position = factory.Sequence(lambda n: n)


class ProtocolFactory(factory.django.DjangoModelFactory):
    """An IV protocol like the seeded one (CLINICAL.md §1): 40 + 60 min, 15 min turnover, 48 h apart."""

    class Meta:
        model = Protocol
        django_get_or_create = ("name",)

    name = "Test IV ketamine"
    route = "iv"
    default_dose_mg_per_kg = "0.50"
    dosing_minutes = 40
    observation_minutes = 60
    turnover_minutes = 15
    min_interval_hours = 48
    fasting_food_hours = 6
    fasting_liquids_minutes = 120


def make_nurse(**kwargs):
    kwargs.setdefault("full_name", "Nico Nurse")
    return UserFactory(role="nurse", credentials="RN", **kwargs)


def local(location, day: date, hh: int, mm: int = 0):
    """An aware UTC datetime for a wall time at the location (DESIGN.md §5)."""
    return to_utc(day, time(hh, mm), location.time_zone)


def cleared_patient(location, **kwargs):
    """A patient the intake app clears for booking (approved plan, consent, REMS for esketamine)."""
    from tests.factories import make_cleared_patient

    return make_cleared_patient(location=location, **kwargs)


def move_status(appointment, status: str, **fields):
    """Put an appointment in ``status`` for a test, along the allowed moves only: PostgreSQL refuses any
    other (the status transition trigger). Other ``fields`` are written with the last step."""
    from collections import deque

    from sessions.models import ALLOWED_TRANSITIONS, Appointment

    current = Appointment.objects.values_list("status", flat=True).get(pk=appointment.pk)
    paths, queue = {current: []}, deque([current])
    while queue:
        here = queue.popleft()
        for there in sorted(ALLOWED_TRANSITIONS[here]):
            if there not in paths:
                paths[there] = [*paths[here], there]
                queue.append(there)
    if status not in paths:
        raise ValueError(f"No allowed way from {current} to {status}")
    rows = Appointment.objects.filter(pk=appointment.pk)
    for step in paths[status][:-1]:
        rows.update(status=step)
    rows.update(status=status, **fields)
    return Appointment.objects.get(pk=appointment.pk)


def board_page(client, location, day):
    """The day board of ``location`` on ``day``, as ``client`` sees it."""
    from django.urls import reverse

    return client.get(reverse("schedule:board"), {"location": str(location.public_id), "day": day.isoformat()})

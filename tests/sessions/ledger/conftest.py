"""Ledger test data, built through the ledger's own services (as the app does)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sessions.models import Appointment
from sessions.services.ledger import lot_receive
from tests.factories import PatientFactory, UserFactory
from tests.sessions.helpers import ChairFactory, ProtocolFactory, make_nurse


def receive(*, location, by, quantity_mg=Decimal("500"), drug="ketamine", expires_on=None, lot_number="K123",
            **fields):
    values = {
        "location": location, "drug": drug, "ndc": "0409-2051-05", "lot_number": lot_number,
        "concentration_mg_per_ml": Decimal("50"), "container_size": "10 mL vial", "containers": 1,
        "quantity_mg": quantity_mg, "supplier": "Cardinal Health", "reference": "INV-1001",
        "expires_on": expires_on or timezone.localdate() + datetime.timedelta(days=365),
        "received_on": timezone.localdate(), "received_by": by,
    }
    values.update(fields)
    return lot_receive(**values)


def make_appointment(*, location, nurse=None, protocol=None, patient=None, start=None, status=None, chair=None):
    """An appointment row as booked (the booking rules have their own tests); ``status`` moved along the map."""
    from tests.sessions.helpers import move_status

    # Each one earlier than the last, so that one nurse's sessions never overlap (the exclusion constraints).
    start = start or timezone.now() - datetime.timedelta(hours=1 + 3 * Appointment.objects.count())
    protocol = protocol or ProtocolFactory()
    nurse = nurse or make_nurse(email=f"watch{Appointment.objects.count()}@clinic.test")
    chair = chair or ChairFactory(location=location)
    appointment = Appointment.objects.create(
        patient=patient or PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
        nurse=nurse, nurse_slot=1, start=start, end=start + datetime.timedelta(minutes=100),
        blocked_until=start + datetime.timedelta(minutes=115), booked_by=nurse)
    return move_status(appointment, status) if status else appointment


@pytest.fixture
def second_nurse(db):
    return make_nurse(email="second.nurse@clinic.test", full_name="Sam Second")


@pytest.fixture
def lot(location, manager):
    return receive(location=location, by=manager)


@pytest.fixture
def appointment(location, nurse):
    return make_appointment(location=location, nurse=nurse, status="in_session")


@pytest.fixture
def other_location(db):
    from tests.factories import LocationFactory

    return LocationFactory(name="Uptown")


__all__ = ["UserFactory", "make_appointment", "receive"]

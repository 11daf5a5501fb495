from datetime import date, timedelta

import pytest

from tests.sessions.helpers import ChairFactory, ProtocolFactory, make_nurse


@pytest.fixture
def chairs(location):
    return [ChairFactory(location=location, name=f"Chair {i}", position=i) for i in range(1, 4)]


@pytest.fixture
def chair(chairs):
    return chairs[0]


@pytest.fixture
def protocol(db):
    return ProtocolFactory()


@pytest.fixture
def nurse_on_duty(db):
    return make_nurse(email="duty.nurse@clinic.test")


@pytest.fixture
def next_monday():
    """A Monday at least a week ahead (the clinic is open Monday to Friday, 08:00-18:00)."""
    today = date.today()
    return today + timedelta(days=7 + (7 - today.weekday()) % 7)

from datetime import date, timedelta

import pytest

from sessions.services import appointment_book
from tests.sessions.helpers import ChairFactory, ProtocolFactory, cleared_patient, local, make_nurse


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


@pytest.fixture
def alex(location):
    """Alex Rivera, cleared for booking: an approved IV plan of six sessions and current consent."""
    return cleared_patient(location, legal_first_name="Alex", legal_last_name="Rivera", route="iv",
                           number_of_sessions=6)


@pytest.fixture
def book(alex, protocol, chairs, nurse_on_duty, front_desk, location, next_monday):
    """``appointment_book`` for Alex at 09:00 (clinic time) next Monday in Chair 1 with the nurse on duty, booked
    by the front desk; any of those can be overridden, e.g. ``book(chair=chairs[1], notify=False)``."""

    def _book(**overrides):
        fields = {"patient": alex, "protocol": protocol, "chair": chairs[0], "nurse": nurse_on_duty,
                  "start": local(location, next_monday, 9), "booked_by": front_desk}
        return appointment_book(**{**fields, **overrides})

    return _book


@pytest.fixture
def booked(book):
    """Alex's appointment at 09:00 next Monday, booked as the front desk books it (its patient link issued; the
    e-mail goes on commit, which a test sees only inside ``django_capture_on_commit_callbacks``)."""
    return book()

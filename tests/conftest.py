"""Fixtures every test may use: one per role (DESIGN.md §8), plus a stranger with no role."""

import importlib

import pytest
from django.apps import apps as django_apps

from clinic.accounts.roles import sync_role_permissions
from tests.factories import LocationFactory, PatientFactory, UserFactory, client_for


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Browser tests run on a transactional database that is emptied after each one, taking the
    # roles and protocols made by data migrations with it; with --reuse-db the next run would find none.
    with django_db_blocker.unblock():
        sync_role_permissions()
        protocols = importlib.import_module("sessions.migrations.0002_protocols_and_roles")
        protocols.seed_protocols(django_apps)


@pytest.fixture
def location(db):
    return LocationFactory(name="Test Clinic", time_zone="America/New_York")


@pytest.fixture
def front_desk(db):
    return UserFactory(email="frontdesk@clinic.test", full_name="Frankie Front", role="front_desk")


@pytest.fixture
def nurse(db):
    return UserFactory(email="nurse@clinic.test", full_name="Nia Nurse", credentials="RN", role="nurse")


@pytest.fixture
def prescriber(db):
    return UserFactory(email="prescriber@clinic.test", full_name="Dr Pat Prescriber", credentials="MD",
                       role="prescriber")


@pytest.fixture
def manager(db):
    return UserFactory(email="manager@clinic.test", full_name="Max Manager", role="manager", is_staff=True)


@pytest.fixture
def stranger(db):
    """Signed in, but with no role: sees nothing of any patient."""
    return UserFactory(email="stranger@clinic.test", full_name="Sid Stranger")


@pytest.fixture
def patient(location):
    return PatientFactory(location=location, legal_first_name="Alex", legal_last_name="Rivera")


@pytest.fixture
def front_desk_client(front_desk):
    return client_for(front_desk)


@pytest.fixture
def nurse_client(nurse):
    return client_for(nurse)


@pytest.fixture
def prescriber_client(prescriber):
    return client_for(prescriber)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def stranger_client(stranger):
    return client_for(stranger)

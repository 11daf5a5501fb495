"""Fixtures every test may use: one per role (DESIGN.md §8), plus a stranger with no role."""

import importlib

import pytest
from django.apps import apps as django_apps

from clinic.accounts.roles import sync_role_permissions
from tests.factories import LocationFactory, PatientFactory, UserFactory, client_for


def _connect_as(user_settings: dict) -> None:
    from django.conf import settings
    from django.db import connections

    for target in {id(d): d for d in (settings.DATABASES["default"], connections["default"].settings_dict)}.values():
        target.update(user_settings)
    connections["default"].close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is made and migrated as the owner (DESIGN.md §4.6); see django_db_setup."""
    from django.conf import settings

    owner = settings.DATABASES["default"].get("OWNER")
    if owner:
        settings.DATABASES["default"]["APP"] = {key: settings.DATABASES["default"][key] for key in owner}
        _connect_as(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    from clinic.owner import app_privileges_grant

    app = settings.DATABASES["default"].get("APP")
    if app:
        # Then every test runs as the app's own role, so that what it cannot do in production it cannot
        # do here either (raw SQL tests prove the append-only rules against exactly that role).
        with django_db_blocker.unblock():
            app_privileges_grant(app_role=app["USER"])
        _connect_as(app)
    # Browser tests run on a transactional database that is emptied after each one, taking the
    # roles and protocols made by data migrations with it; with --reuse-db the next run would find none.
    with django_db_blocker.unblock():
        sync_role_permissions()
        protocols = importlib.import_module("sessions.migrations.0002_protocols_and_roles")
        protocols.seed_protocols(django_apps)
    yield
    if app:
        _connect_as(settings.DATABASES["default"]["OWNER"])  # the test database is dropped by its owner


@pytest.fixture
def truncate_granted():
    """The app role has no TRUNCATE privilege; grant it for one test so that the test reaches the trigger that
    refuses TRUNCATE to whoever is not the table's owner (privileges can be granted by mistake; the trigger
    holds). Ask for it before any fixture that writes rows: PostgreSQL re-reads the grant only when the test's
    transaction first locks a table."""
    from tests.db_roles import as_owner

    as_owner("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}")
    yield
    as_owner("REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {}")


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

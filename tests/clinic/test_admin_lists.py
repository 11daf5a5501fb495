"""Issue 13: the admin's lists of tables that grow for ever read one page, not the whole table."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AccessEvent
from patients.models import Patient
from sessions.models import Appointment, Course
from tests.factories import PatientFactory

LARGE = [Patient, Appointment, Course, AccessEvent]


@pytest.mark.parametrize("model", LARGE, ids=lambda model: model.__name__)
def test_large_admin_lists_never_count_the_whole_table_nor_read_every_date(model):
    model_admin = admin.site._registry[model]
    assert model_admin.show_full_result_count is False
    assert not model_admin.date_hierarchy
    assert model_admin.ordering  # an explicit order, served by an index (migrations 0014_perf_*, 0006_perf_*)


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in ctx.captured_queries]


def test_patient_admin_list_query_count_does_not_grow_with_rows(manager_client, location):
    url = reverse("admin:patients_patient_changelist")
    PatientFactory(location=location)
    one = _queries(manager_client, url)
    PatientFactory.create_batch(49, location=location)
    fifty = _queries(manager_client, url)
    assert len(fifty) == len(one)
    assert all("LIMIT" in sql for sql in fifty if "COUNT(" in sql.upper() and "patients_patient" in sql)


def test_patient_admin_search_compares_names_as_the_trigram_indexes_are_built(manager_client, location):
    PatientFactory(location=location, legal_first_name="Zoë", legal_last_name="Ñúñez")
    PatientFactory(location=location, legal_first_name="Alex", legal_last_name="Rivera")
    url = reverse("admin:patients_patient_changelist")
    with CaptureQueriesContext(connection) as ctx:
        response = manager_client.get(url, {"q": "nunez zoe"})
    assert [patient.legal_last_name for patient in response.context["cl"].result_list] == ["Ñúñez"]
    listing = [query["sql"] for query in ctx.captured_queries
               if "patients_patient" in query["sql"] and "LIKE" in query["sql"]]
    assert listing and all("patients_unaccent_upper" in sql and 'UPPER("patients_patient"' not in sql
                           for sql in listing)


def _appointments(count, location):
    """``count`` booked appointments, each on a chair of its own at a location of its own (the chair's name
    in the list shows its location), for patients of their own."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import LocationFactory, UserFactory
    from tests.sessions.helpers import ChairFactory, ProtocolFactory, make_nurse

    protocol, desk = ProtocolFactory(), UserFactory(role="front_desk")
    start = timezone.now() + timedelta(days=3)
    for _ in range(count):
        place = LocationFactory()
        Appointment.objects.create(
            patient=PatientFactory(location=place), protocol=protocol, location=place,
            chair=ChairFactory(location=place), nurse=make_nurse(), nurse_slot=1, start=start,
            end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115), booked_by=desk)


def test_appointment_admin_list_query_count_does_not_grow_with_rows(manager_client, location):
    url = reverse("admin:clinic_sessions_appointment_changelist")
    _appointments(1, location)
    one = _queries(manager_client, url)
    _appointments(49, location)
    fifty = _queries(manager_client, url)
    assert len(fifty) == len(one), fifty


def test_access_event_admin_list_query_count_does_not_grow_with_rows(manager_client, location):
    def events(count):
        for patient in PatientFactory.create_batch(count, location=location):
            AccessEvent.objects.create(actor_label="Nico Nurse", patient_id=patient.public_id,
                                       patient_ids=[patient.public_id], object_type="patient",
                                       object_id=str(patient.public_id), action="view")

    url = reverse("admin:audit_accessevent_changelist")
    events(1)
    one = _queries(manager_client, url)
    events(49)
    fifty = _queries(manager_client, url)
    assert len(fifty) == len(one), fifty

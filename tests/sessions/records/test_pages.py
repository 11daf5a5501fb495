"""The record's pages: who may see and do what, bad input, the query count, the access log."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AccessEvent
from sessions.models import PreDoseCheck, VitalSign
from sessions.services.records import vital_sign_record
from tests.factories import client_for
from tests.sessions.records.conftest import record_checks

pytestmark = pytest.mark.django_db


def _url(record, step=None):
    if step:
        return reverse("schedule:record_step", kwargs={"public_id": record.public_id, "step": step})
    return reverse("schedule:record", kwargs={"public_id": record.public_id})


@pytest.mark.parametrize(("role", "status"), [("front_desk", 403), ("stranger", 403), ("nurse", 200),
                                              ("prescriber", 200), ("manager", 200)])
def test_who_sees_the_record(request, iv_record, day_start, role, status):
    with time_machine.travel(day_start, tick=False):
        response = client_for(request.getfixturevalue(role)).get(_url(iv_record))
    assert response.status_code == status
    if status == 200:
        assert AccessEvent.objects.filter(object_type="session record", object_id=str(iv_record.public_id)).exists()


@pytest.mark.parametrize(("role", "step", "status"), [
    ("manager", "vital", 403), ("prescriber", "vital", 403), ("nurse", "release", 403), ("nurse", "sign", 403),
    ("front_desk", "vital", 403), ("manager", "sign", 403), ("nurse", "addendum", 403),
    # Managers read: marking an entry in error is a write, for the nurse or the prescriber (422: no reason given).
    ("manager", "error", 403), ("nurse", "error", 422), ("prescriber", "error", 422)])
def test_who_may_write_what(request, iv_record, day_start, role, step, status):
    with time_machine.travel(day_start, tick=False):
        response = client_for(request.getfixturevalue(role)).post(_url(iv_record, step), {})
    assert response.status_code == status


def _vital_post(**values):
    data = {"taken": "09:20", "systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98, "respiratory_rate": 14}
    data.update(values)
    return data


@pytest.mark.parametrize("values", [{"systolic": 400}, {"spo2": 40}, {"heart_rate": 0}, {"taken": "23:59"},
                                    {"systolic": 80, "diastolic": 90}, {"systolic": "abc"}])
def test_bad_vitals_get_a_message_and_nothing_is_saved(iv_record, nurse, day_start, values):
    record_checks(iv_record, nurse, day_start)
    with time_machine.travel(day_start + timedelta(minutes=31), tick=False):
        response = client_for(nurse).post(_url(iv_record, "vital"), _vital_post(**values))
    assert response.status_code == 422
    assert VitalSign.objects.filter(record=iv_record).count() == 1  # the baseline only


def test_a_reading_saved_through_htmx_returns_the_live_part_only(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start)
    with time_machine.travel(day_start + timedelta(minutes=31), tick=False):
        response = client_for(nurse).post(_url(iv_record, "vital"), _vital_post(systolic=205, diastolic=100),
                                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div id="live">' in body and "<html" not in body
    assert "at or above 200/120" in body


@pytest.mark.parametrize("weight", ["0", "700", "-5"])
def test_an_impossible_weight_is_refused_with_a_message(iv_record, nurse, day_start, weight):
    data = {"identity_confirmed": "on", "weight": weight, "weight_unit": "kg", "last_food": "00:30",
            "last_liquid": "05:00", "escort_name": "Sam", "escort_phone": "+1 555 0100", "escort_confirmed": "on",
            "pregnancy_status": "not_applicable", "systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98,
            **{f"phq9_q{i}": 0 for i in range(1, 10)}}
    with time_machine.travel(day_start, tick=False):
        response = client_for(nurse).post(_url(iv_record, "checks"), data)
    assert response.status_code == 422
    assert "weight" in response.content.decode().lower()
    assert not PreDoseCheck.objects.filter(record=iv_record).exists()


@pytest.mark.parametrize("readings", [3, 60])
def test_the_record_page_query_count_does_not_grow_with_the_vitals(iv_record, nurse, day_start, readings,
                                                                   django_assert_num_queries):
    record_checks(iv_record, nurse, day_start)
    for i in range(readings - 1):
        moment = day_start + timedelta(minutes=1 + i)
        vital_sign_record(record=iv_record, by=nurse, taken_at=moment, systolic=120, diastolic=80, heart_rate=70,
                          spo2=98, now=moment)
    with time_machine.travel(day_start + timedelta(minutes=readings + 1), tick=False):
        client = client_for(nurse)
        client.get(_url(iv_record))  # the session's first-request work (login, OTP) is not the page's
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(iv_record)).status_code == 200
    assert len(queries) == PINNED_QUERIES, [q["sql"][:80] for q in queries]


PINNED_QUERIES = 21  # the same with 3 and with 60 readings (incl. the ledger balance and lots offered; no session save)

"""The home page's count of sessions on hold (sessions/home.py ``held_records_count_query``): a record is held while
its latest hold event is a hold (CLINICAL.md §4); a prescriber's go or stop ends it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions.home import _HELD_RECORDS
from sessions.models import SessionHoldEvent
from tests.sessions.records.conftest import record_signed

pytestmark = pytest.mark.django_db


def _event(record, by, at, kind):
    return SessionHoldEvent.objects.create(record=record, created_by=by, created_at=at, kind=kind,
                                           reasons=f"{kind} at {at:%H:%M}")


@pytest.mark.parametrize(("kinds", "held"), [
    ((), 0), (("hold",), 1), (("hold", "go"), 0), (("hold", "stop"), 0), (("hold", "go", "hold"), 1),
    (("hold", "hold"), 1),
], ids=["no event", "held", "go", "stop", "held again after a go", "two holds"])
def test_a_record_is_counted_while_its_latest_event_is_a_hold(iv_record, nurse, day_start, kinds, held):
    for minutes, kind in enumerate(kinds):
        _event(iv_record, nurse, day_start + timedelta(minutes=minutes), kind)
    assert _HELD_RECORDS.count() == held


def test_events_written_at_the_same_moment_are_ordered_by_their_id(iv_record, nurse, day_start):
    _event(iv_record, nurse, day_start, "hold")
    _event(iv_record, nurse, day_start, "go")
    assert _HELD_RECORDS.count() == 0
    _event(iv_record, nurse, day_start, "hold")
    assert _HELD_RECORDS.count() == 1


def test_a_signed_record_is_not_on_hold(iv_record, nurse, prescriber, day_start):
    _event(iv_record, nurse, day_start - timedelta(minutes=1), "hold")
    record_signed(iv_record, nurse, prescriber, day_start)
    assert _HELD_RECORDS.count() == 0


def test_the_prescribers_home_page_shows_the_sessions_on_hold(iv_record, nurse, day_start, prescriber_client):
    _event(iv_record, nurse, day_start, "hold")
    body = prescriber_client.get(reverse("home")).content.decode()
    assert "1</span> session records on hold" in body and "No session is on hold." not in body

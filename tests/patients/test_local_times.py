"""Issue 12 #3: times people read are in the location's zone with its abbreviation, and dates are local dates.
The intake review said "submitted 2026-11-30 00:42" while the clinic's clock read 19:42 on the 29th."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from patients.models import Intake
from patients.services import intake_decide
from tests.factories import UserFactory, make_submitted_intake

pytestmark = pytest.mark.django_db
EVENING = datetime.datetime(2026, 11, 30, 0, 42, tzinfo=datetime.UTC)  # 19:42 EST on Sunday the 29th


@pytest.fixture
def evening_intake(location):
    with time_machine.travel(EVENING, tick=False):
        return make_submitted_intake(location=location)


def test_intake_review_shows_the_submission_in_local_time_with_the_zone(prescriber_client, evening_intake):
    page = prescriber_client.get(reverse("patients:intake_review", args=[evening_intake.public_id])).content.decode()
    assert "submitted 2026-11-29 19:42 EST" in page
    assert "2026-11-30 00:42" not in page


def test_intake_list_shows_the_local_date_of_a_decision(prescriber_client, evening_intake):
    with time_machine.travel(EVENING, tick=False):
        intake_decide(intake=evening_intake, decided_by=UserFactory(role="prescriber"), kind="decline",
                      message="Not a candidate")
    assert Intake.objects.get().status == "declined"
    page = prescriber_client.get(reverse("patients:intake_list") + "?status=declined").content.decode()
    assert "Decided 2026-11-29" in page and "Decided 2026-11-30" not in page


def test_access_log_shows_local_times_with_the_zone(manager_client, prescriber_client, evening_intake):
    with time_machine.travel(EVENING, tick=False):
        prescriber_client.get(reverse("patients:intake_review", args=[evening_intake.public_id]))
    page = manager_client.get(reverse("audit:access_log")).content.decode()
    assert "2026-11-29 19:42:00 EST" in page

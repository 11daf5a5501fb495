"""A manager changes a location's ratio or moves a chair: existing appointments keep working, and the settings
forms refuse changes that would strand upcoming ones (DESIGN.md §4.3)."""

import pytest
from django.urls import reverse

from clinic.models import Location
from sessions.forms import ChairForm, LocationScheduleForm
from sessions.models import Appointment, Chair
from sessions.services import (
    TransitionRefused,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)
from tests.db_roles import as_owner
from tests.db_rules import raises_db_rule
from tests.factories import LocationFactory
from tests.sessions.helpers import ChairFactory, cleared_patient, local

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def third_slot(book, location, chairs):
    """Three patients watched by one nurse at once: the third is in watch slot 3 (ratio 4)."""
    booked = [book(patient=cleared_patient(location), chair=chair) for chair in chairs]
    assert booked[2].nurse_slot == 3
    return booked[2]


def test_lowering_the_ratio_under_an_old_appointment_still_lets_it_be_confirmed_and_cancelled(third_slot, location,
                                                                                              front_desk):
    Location.objects.filter(pk=location.pk).update(nurse_patient_ratio=2)  # straight to the table: no form check
    assert appointment_transition(appointment=third_slot, to_status=S.CONFIRMED, by=front_desk).status == S.CONFIRMED
    cancelled = appointment_cancel(appointment=third_slot, reason="Patient unwell", by=front_desk)
    assert cancelled.status == S.CANCELLED


def test_lowering_the_ratio_under_an_old_appointment_still_lets_it_be_rescheduled(third_slot, location, front_desk,
                                                                                  next_monday, chairs):
    Location.objects.filter(pk=location.pk).update(nurse_patient_ratio=2)
    new = appointment_reschedule(appointment=third_slot, start=local(location, next_monday, 14), chair=chairs[2],
                                 nurse=third_slot.nurse, by=front_desk)
    assert new.nurse_slot == 1
    assert Appointment.objects.get(pk=third_slot.pk).status == S.RESCHEDULED


def test_a_chair_moved_to_another_location_does_not_block_its_appointments_status(third_slot, front_desk):
    Chair.objects.filter(pk=third_slot.chair_id).update(location=LocationFactory(name="Uptown"))
    assert appointment_transition(appointment=third_slot, to_status=S.CONFIRMED, by=front_desk).status == S.CONFIRMED


def test_the_trigger_still_checks_a_changed_slot_or_chair(third_slot, location):
    with raises_db_rule("appointment_chair_at_location"):
        Appointment.objects.filter(pk=third_slot.pk).update(chair=ChairFactory(location=LocationFactory()))
    Location.objects.filter(pk=location.pk).update(nurse_patient_ratio=2)
    with raises_db_rule("appointment_nurse_slot_within_ratio"):
        Appointment.objects.filter(pk=third_slot.pk).update(nurse_slot=4)


@pytest.mark.django_db(transaction=True)
def test_a_database_refusal_of_a_status_change_is_a_message_not_a_500(third_slot, front_desk, front_desk_client,
                                                                      caplog):
    """A rule added to the database later, which rows booked before it do not meet (``NOT VALID``: PostgreSQL
    checks it on the next write of each row). Real refusals from PostgreSQL, through the service and the page.
    The rule is added by the tables' owner, as a migration would (the app's role cannot alter tables)."""
    as_owner("ALTER TABLE clinic_sessions_appointment ADD CONSTRAINT appointment_rule_added_later "
             "CHECK (status NOT IN ('confirmed', 'cancelled')) NOT VALID")
    try:
        with pytest.raises(TransitionRefused) as refused:
            appointment_transition(appointment=third_slot, to_status=S.CONFIRMED, by=front_desk)
        assert "settings changed" in refused.value.reasons[0]
        assert "appointment_rule_added_later" in caplog.text  # the log names the rule, for whoever investigates
        with pytest.raises(TransitionRefused):
            appointment_cancel(appointment=third_slot, reason="Unwell", by=front_desk)
        response = front_desk_client.post(reverse("schedule:action", args=[third_slot.public_id, "confirm"]),
                                          follow=True)
        assert response.status_code == 200 and "settings changed" in response.content.decode()
        assert Appointment.objects.get(pk=third_slot.pk).status == S.BOOKED
    finally:
        as_owner("ALTER TABLE clinic_sessions_appointment DROP CONSTRAINT appointment_rule_added_later")


def _location_data(location, ratio):
    return {"time_zone": location.time_zone, "opens_at": "08:00", "closes_at": "18:00",
            "open_weekdays": [str(d) for d in location.open_weekdays], "nurse_patient_ratio": ratio}


def test_the_ratio_cannot_go_below_a_watch_slot_upcoming_appointments_use(third_slot, location):
    form = LocationScheduleForm(_location_data(location, 2), instance=Location.objects.get(pk=location.pk))
    assert not form.is_valid()
    assert "already use watch slot 3" in form.errors["nurse_patient_ratio"][0]
    assert LocationScheduleForm(_location_data(location, 3), instance=Location.objects.get(pk=location.pk)).is_valid()


def test_the_ratio_can_go_down_once_those_appointments_are_cancelled(third_slot, location, front_desk):
    appointment_cancel(appointment=third_slot, reason="Unwell", by=front_desk)
    assert LocationScheduleForm(_location_data(location, 2), instance=Location.objects.get(pk=location.pk)).is_valid()


def test_the_manager_sees_the_ratio_refusal_on_the_page(third_slot, location, manager_client):
    response = manager_client.post(reverse("schedule:location_update", args=[location.public_id]),
                                   _location_data(location, 1))
    assert response.status_code == 200 and "already use watch slot 3" in response.content.decode()
    assert Location.objects.get(pk=location.pk).nurse_patient_ratio == 4


def test_a_chair_with_upcoming_appointments_cannot_move_to_another_location(third_slot, manager_client):
    chair = third_slot.chair
    uptown = LocationFactory(name="Uptown")
    data = {"location": uptown.pk, "name": chair.name, "kind": "chair", "position": chair.position,
            "is_active": "on"}
    form = ChairForm(data, instance=Chair.objects.get(pk=chair.pk))
    assert not form.is_valid() and "1 upcoming appointment" in form.errors["location"][0]
    response = manager_client.post(reverse("schedule:chair_update", args=[chair.public_id]), data)
    assert response.status_code == 200 and "before moving the chair" in response.content.decode()
    assert Chair.objects.get(pk=chair.pk).location_id == chair.location_id
    data["location"] = chair.location_id  # renaming it in place is fine
    data["name"] = "Recliner C"
    assert ChairForm(data, instance=Chair.objects.get(pk=chair.pk)).is_valid()


def test_a_chair_without_upcoming_appointments_can_move(chairs):
    uptown = LocationFactory(name="Uptown")
    form = ChairForm({"location": uptown.pk, "name": "Chair 1", "kind": "chair", "position": 1, "is_active": "on"},
                     instance=chairs[0])
    assert form.is_valid(), form.errors


def test_the_admin_refuses_moving_a_chair_with_upcoming_appointments_too(third_slot, manager):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = manager
    chair = Chair.objects.get(pk=third_slot.chair_id)
    form_class = site._registry[Chair].get_form(request, chair)
    form = form_class({"location": LocationFactory(name="Uptown").pk, "name": chair.name, "kind": "chair",
                       "position": chair.position, "is_active": "on"}, instance=chair)
    assert not form.is_valid() and "location" in form.errors


def test_the_admin_location_page_refuses_the_same_ratio(third_slot, location, manager_client):
    page = manager_client.get(reverse("admin:clinic_location_change", args=[location.pk]))
    data = {name: value for name, value in page.context["adminform"].form.initial.items() if value is not None}
    data.update({"name": location.name, "time_zone": location.time_zone, "nurse_patient_ratio": 2,
                 "opens_at": location.opens_at.strftime("%H:%M"), "closes_at": location.closes_at.strftime("%H:%M"),
                 "is_active": "on"})
    response = manager_client.post(reverse("admin:clinic_location_change", args=[location.pk]), data)
    assert response.status_code == 200
    assert "already use watch slot 3" in response.content.decode()
    assert Location.objects.get(pk=location.pk).nurse_patient_ratio == 4

"""appointment_book and its gates, conflicts and bad input (issue 4; DESIGN.md §3, §4)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.models import Location
from sessions.models import Appointment, AppointmentLink, Course, Protocol
from sessions.services import BookingConflict, BookingRefused, appointment_book, appointment_reschedule
from tests.factories import LocationFactory, PatientFactory, UserFactory
from tests.sessions.helpers import ChairFactory, ProtocolFactory, cleared_patient, local

pytestmark = pytest.mark.django_db


def test_booking_takes_its_end_and_turnover_from_the_protocol_and_stores_utc(book, location, next_monday):
    appointment = book()
    assert appointment.start == local(location, next_monday, 9)
    assert appointment.start.utcoffset() == timedelta(0)
    assert appointment.end - appointment.start == timedelta(minutes=120)  # 20 check-in + 40 infusion + 60 recovery
    assert appointment.blocked_until - appointment.end == timedelta(minutes=15)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.nurse_slot == 1
    assert appointment.booked_by.email == "frontdesk@clinic.test"


def test_a_single_booking_joins_a_course_sized_from_the_prescribers_plan(book):
    appointment = book()
    assert appointment.course.planned_sessions == 6
    assert appointment.course.kind == Course.Kind.INDUCTION


def test_booking_sends_an_email_with_time_place_instructions_and_no_clinical_detail(
        book, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "09:00" in body and "Test Clinic" in body and "1 Test Street" in body
    assert "No solid food for 6 hours" in body
    assert "escort" in body.lower() and "do not drive" in body.lower()
    assert "/appointment/" in body
    for clinical in (appointment.protocol.name, "mg/kg", "infusion", "depression", "Rivera",
                     str(appointment.patient.date_of_birth.year)):
        assert clinical not in body
        assert clinical not in mail.outbox[0].subject
    assert AppointmentLink.objects.filter(appointment=appointment).count() == 1


def test_a_patient_not_yet_approved_is_refused_with_the_reason(book, location):
    newcomer = PatientFactory(location=location)
    with pytest.raises(BookingRefused) as refused:
        book(patient=newcomer)
    assert any("Intake not approved" in reason for reason in refused.value.reasons)
    assert not Appointment.objects.exists() and not Course.objects.exists()


def test_esketamine_without_rems_or_plan_is_refused(book, alex):
    spravato = ProtocolFactory(name="Test esketamine", route="intranasal", default_dose_mg=56,
                               default_dose_mg_per_kg=None, dosing_minutes=10, observation_minutes=120,
                               min_interval_hours=0)
    with pytest.raises(BookingRefused) as refused:
        book(protocol=spravato)
    assert any("REMS" in reason for reason in refused.value.reasons)


def test_minimum_interval_since_the_last_dose_is_a_hard_stop(book, chairs, location, next_monday):
    book()
    with pytest.raises(BookingRefused) as refused:
        book(chair=chairs[1], start=local(location, next_monday + timedelta(days=1), 9))
    assert "48 hours between sessions" in refused.value.reasons[0]
    assert book(start=local(location, next_monday + timedelta(days=2), 9)).pk  # Wednesday is fine


def test_the_courses_planned_number_of_sessions_is_a_hard_stop(location, protocol, chairs, nurse_on_duty,
                                                               front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=2)
    for day in (0, 2):
        appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                         start=local(location, next_monday + timedelta(days=day), 9), booked_by=front_desk)
    with pytest.raises(BookingRefused) as refused:
        appointment_book(patient=patient, protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                         start=local(location, next_monday + timedelta(days=4), 9), booked_by=front_desk)
    assert "course of 2 sessions is fully booked" in refused.value.reasons[0]


@pytest.mark.parametrize("case,hh,mm,day_offset,expected", [
    ("in the past", None, None, None, "has passed"),
    ("before opening", 7, 0, 0, "books sessions between 08:00 and 18:00"),
    ("running past closing", 17, 0, 0, "books sessions between 08:00 and 18:00"),
    ("on a Saturday", 9, 0, 5, "does not book sessions on Saturdays"),
])
def test_bad_times_are_refused_and_nothing_is_saved(book, location, next_monday, case, hh, mm, day_offset, expected):
    start = (timezone.now() - timedelta(hours=1) if hh is None
             else local(location, next_monday + timedelta(days=day_offset), hh, mm))
    with pytest.raises(BookingRefused) as refused:
        book(start=start)
    assert any(expected in reason for reason in refused.value.reasons), refused.value.reasons
    assert not Appointment.objects.exists() and not Course.objects.exists()


def test_an_inactive_chair_is_refused(book, chairs):
    chairs[0].is_active = False
    chairs[0].save()
    with pytest.raises(BookingRefused) as refused:
        book()
    assert "not in use any more" in refused.value.reasons[0]


def test_someone_who_is_not_a_nurse_cannot_watch(book, front_desk):
    with pytest.raises(BookingRefused) as refused:
        book(nurse=front_desk)
    assert "cannot be the nurse watching" in refused.value.reasons[0]
    inactive = UserFactory(role="nurse", is_active=False)
    with pytest.raises(BookingRefused):
        book(nurse=inactive)


def test_booking_the_same_slot_twice_is_a_conflict_with_next_free_times(book, location, chairs, next_monday):
    book()
    other = cleared_patient(location, route="iv")
    with pytest.raises(BookingConflict) as conflict:
        book(patient=other)
    assert conflict.value.constraint == "appointment_no_chair_overlap"
    assert conflict.value.message == "Chair 1 is already booked at an overlapping time (turnover included)."
    assert conflict.value.next_free
    first = conflict.value.next_free[0]
    assert first.start == local(location, next_monday, 9)  # another chair is free at the same time
    assert first.chair != chairs[0]
    assert Appointment.objects.count() == 1
    assert Course.objects.filter(patient=other).count() == 0  # nothing half-saved


def test_the_nurse_gets_the_next_free_watch_slot_and_is_refused_past_the_ratio(book, location, chairs, next_monday,
                                                                              protocol, nurse_on_duty, front_desk):
    Location.objects.filter(pk=location.pk).update(nurse_patient_ratio=2)
    first = book()
    second = appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chairs[1],
                              nurse=nurse_on_duty, start=first.start, booked_by=front_desk)
    assert {first.nurse_slot, second.nurse_slot} == {1, 2}
    with pytest.raises(BookingConflict) as conflict:
        appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chairs[2],
                         nurse=nurse_on_duty, start=first.start, booked_by=front_desk)
    assert conflict.value.constraint == "appointment_no_nurse_slot_overlap"


def test_a_patient_cannot_be_booked_in_two_chairs_at_once(book, chairs, protocol):
    protocol.min_interval_hours = 0
    protocol.save()
    book()
    with pytest.raises(BookingConflict) as conflict:
        book(chair=chairs[1])
    assert conflict.value.constraint == "appointment_no_patient_overlap"


def test_booking_uses_the_locations_wall_time_across_zones(alex, protocol, nurse_on_duty, front_desk_client,
                                                           next_monday):
    """The booking page takes a local date and time; the chair's location says which zone they are in (not
    the patient's location, not the server's zone). The expected instant is worked out here with zoneinfo,
    not with the app's own conversion."""
    west = LocationFactory(name="West", time_zone="America/Los_Angeles")
    chair = ChairFactory(location=west)
    response = front_desk_client.post(reverse("schedule:book", kwargs={"public_id": alex.public_id}), {
        "protocol": protocol.pk, "date": next_monday.isoformat(), "time": "09:00", "chair": chair.pk,
        "nurse": nurse_on_duty.pk})
    appointment = Appointment.objects.get(patient=alex)
    assert response.status_code == 302 and response.url == appointment.get_absolute_url()
    assert appointment.start == datetime.combine(next_monday, time(9), tzinfo=ZoneInfo("America/Los_Angeles"))
    assert appointment.start != datetime.combine(next_monday, time(9), tzinfo=ZoneInfo(alex.location.time_zone))
    assert appointment.start.utcoffset() == timedelta(0)  # stored in UTC


def test_the_seeded_iv_protocol_refuses_a_session_47_hours_after_another(alex, chairs, nurse_on_duty, front_desk,
                                                                         location, next_monday):
    """CLINICAL.md §1: IV sessions at least 48 h apart by default (the seeded protocol's setting)."""
    iv = Protocol.objects.get(name="IV ketamine 0.5 mg/kg")
    first = local(location, next_monday, 10)
    appointment_book(patient=alex, protocol=iv, chair=chairs[0], nurse=nurse_on_duty, start=first,
                     booked_by=front_desk)
    with pytest.raises(BookingRefused) as refused:
        appointment_book(patient=alex, protocol=iv, chair=chairs[0], nurse=nurse_on_duty,
                         start=first + timedelta(hours=47), booked_by=front_desk)
    assert "at least 48 hours between sessions" in refused.value.reasons[0]
    assert appointment_book(patient=alex, protocol=iv, chair=chairs[0], nurse=nurse_on_duty,
                            start=first + timedelta(hours=48), booked_by=front_desk).pk


# --- Rescheduling to the same slot ---------------------------------------------------------------------------


def test_rescheduling_to_the_same_time_and_chair_is_refused_and_nothing_is_sent(booked, front_desk, nurse_on_duty,
                                                                                 front_desk_client, location,
                                                                                 next_monday):
    with pytest.raises(BookingRefused, match="Choose a different time or chair"):
        appointment_reschedule(appointment=booked, start=booked.start, chair=booked.chair, nurse=nurse_on_duty,
                               by=front_desk)
    response = front_desk_client.post(reverse("schedule:reschedule", args=[booked.public_id]), {
        "date": next_monday.isoformat(), "time": "09:00", "chair": booked.chair.pk, "nurse": nurse_on_duty.pk})
    assert "Choose a different time or chair" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert Appointment.objects.count() == 1 and mail.outbox == []


# --- The minimum-interval message ------------------------------------------------------------------------------


def test_minimum_interval_refusal_suggests_no_times_and_points_to_find_a_free_time(booked, front_desk, protocol,
                                                                                    chairs, nurse_on_duty, location,
                                                                                    next_monday):
    with pytest.raises(BookingRefused) as refused:
        appointment_book(patient=booked.patient, protocol=protocol, chair=chairs[1], nurse=nurse_on_duty,
                         start=local(location, next_monday + timedelta(days=1), 9), booked_by=front_desk)
    text = " ".join(refused.value.reasons)
    assert "needs at least 48 hours between sessions" in text and "Mon" in text
    assert "Find a free time" in text
    assert "Choose a time from" not in text and "CLINICAL.md" not in text

"""Status moves, cancel, reschedule, and courses booked together across DST (issue 4; DESIGN.md §5)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.courses import to_local
from sessions.models import Appointment, AppointmentLink, Course
from sessions.selectors import course_progress, course_proposal, free_slots
from sessions.services import (
    BookingConflict,
    BookingRefused,
    CourseSlotChoice,
    TransitionRefused,
    appointment_book,
    appointment_cancel,
    appointment_escort_record,
    appointment_reschedule,
    appointment_transition,
    course_book,
)
from tests.sessions.helpers import cleared_patient, local, move_status

pytestmark = pytest.mark.django_db
S = Appointment.Status


def test_the_whole_day_moves_in_order_and_completes_the_course_step(booked, nurse, front_desk):
    appointment_escort_record(appointment=booked, escort_name="Sam Rivera", escort_phone="+1 555 0111",
                              by=front_desk)
    later = booked.start + timedelta(minutes=5)
    for status in (S.CONFIRMED, S.CHECKED_IN, S.IN_SESSION, S.RECOVERING, S.COMPLETED):
        booked = appointment_transition(appointment=booked, to_status=status, by=nurse, now=later)
        assert booked.status == status
    assert booked.status_changed_by == nurse
    assert course_progress(booked.course) == {"done": 1, "booked": 1, "planned": 6}
    assert AppointmentLink.objects.get(appointment=booked).state == "used"  # dead once its purpose is done


@pytest.mark.parametrize("start,to", [
    (S.BOOKED, S.CHECKED_IN), (S.BOOKED, S.IN_SESSION), (S.BOOKED, S.COMPLETED), (S.CONFIRMED, S.RECOVERING),
    (S.CHECKED_IN, S.CONFIRMED), (S.COMPLETED, S.BOOKED), (S.NO_SHOW, S.CHECKED_IN),
])
def test_a_wrong_move_is_refused_with_a_message(booked, front_desk, start, to):
    move_status(booked, start)
    with pytest.raises(TransitionRefused) as refused:
        appointment_transition(appointment=booked, to_status=to, by=front_desk)
    assert "cannot be marked" in refused.value.reasons[0]
    booked.refresh_from_db()
    assert booked.status == start


def test_a_session_cannot_start_without_a_confirmed_escort(booked, front_desk, nurse):
    """CLINICAL.md §1: no escort confirmed → the session cannot start."""
    arrived = booked.start - timedelta(minutes=20)
    appointment_transition(appointment=booked, to_status=S.CONFIRMED, by=front_desk)
    appointment_transition(appointment=booked, to_status=S.CHECKED_IN, by=front_desk, now=arrived)
    with pytest.raises(TransitionRefused) as refused:
        appointment_transition(appointment=booked, to_status=S.IN_SESSION, by=nurse, now=arrived)
    assert "No escort confirmed" in refused.value.reasons[0]
    with pytest.raises(BookingRefused):
        appointment_escort_record(appointment=booked, escort_name=" ", escort_phone="", by=front_desk)
    appointment_escort_record(appointment=booked, escort_name="Sam", escort_phone="+1 555 0111", by=front_desk)
    assert appointment_transition(appointment=booked, to_status=S.IN_SESSION, by=nurse,
                                  now=arrived).status == S.IN_SESSION


def test_no_show_only_once_the_time_has_come(booked, front_desk):
    with pytest.raises(TransitionRefused):
        appointment_transition(appointment=booked, to_status=S.NO_SHOW, by=front_desk)
    done = appointment_transition(appointment=booked, to_status=S.NO_SHOW, by=front_desk,
                                  now=booked.start + timedelta(minutes=30))
    assert done.status == S.NO_SHOW


def test_cancel_needs_a_reason_and_flags_late_cancels(booked, front_desk):
    with pytest.raises(BookingRefused):
        appointment_cancel(appointment=booked, reason="  ", by=front_desk)
    early = appointment_cancel(appointment=booked, reason="Patient unwell", by=front_desk,
                               now=booked.start - timedelta(days=3))
    assert early.status == S.CANCELLED and early.late_cancel is False
    assert AppointmentLink.objects.get(appointment=booked).state == "revoked"
    with pytest.raises(TransitionRefused):
        appointment_cancel(appointment=booked, reason="again", by=front_desk)


def test_cancel_inside_24_hours_is_late(booked, front_desk):
    late = appointment_cancel(appointment=booked, reason="Car broke down", by=front_desk,
                              now=booked.start - timedelta(hours=5))
    assert late.late_cancel is True


def test_cancelling_frees_the_chair_for_someone_else(booked, front_desk, location, protocol, nurse_on_duty):
    appointment_cancel(appointment=booked, reason="Patient unwell", by=front_desk)
    other = cleared_patient(location)
    again = appointment_book(patient=other, protocol=protocol, chair=booked.chair, nurse=nurse_on_duty,
                             start=booked.start, booked_by=front_desk)
    assert again.chair == booked.chair


def test_reschedule_links_the_new_appointment_to_the_old_in_the_same_course(booked, front_desk, location, next_monday):
    new = appointment_reschedule(appointment=booked, start=local(location, next_monday + timedelta(days=2), 11),
                                 chair=booked.chair, nurse=booked.nurse, by=front_desk)
    booked.refresh_from_db()
    assert booked.status == S.RESCHEDULED
    assert new.rescheduled_from == booked and new.course == booked.course
    assert to_local(new.start, location.time_zone).time() == time(11, 0)


def test_reschedule_to_a_slightly_later_time_is_not_blocked_by_the_old_appointment(booked, front_desk):
    new = appointment_reschedule(appointment=booked, start=booked.start + timedelta(minutes=30), chair=booked.chair,
                                 nurse=booked.nurse, by=front_desk)
    assert new.status == S.BOOKED


def test_reschedule_onto_a_taken_slot_changes_nothing(booked, front_desk, location, protocol, chairs, nurse_on_duty,
                                                      next_monday):
    other = appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chairs[0],
                             nurse=nurse_on_duty, start=local(location, next_monday + timedelta(days=2), 9),
                             booked_by=front_desk)
    with pytest.raises(BookingConflict) as conflict:
        appointment_reschedule(appointment=booked, start=other.start, chair=chairs[0], nurse=nurse_on_duty,
                               by=front_desk)
    assert conflict.value.next_free
    booked.refresh_from_db()
    assert booked.status == S.BOOKED
    assert Appointment.objects.count() == 2


# --- Courses ------------------------------------------------------------------------------------------------


def _accept_all(proposals):
    return [CourseSlotChoice(start=p.slot.start, chair=p.slot.chair, nurse=p.slot.nurse) for p in proposals]


@pytest.mark.parametrize("first_day,change",
                         [(date(2027, 3, 8), date(2027, 3, 14)), (date(2027, 11, 1), date(2027, 11, 7))],
                         ids=["spring", "autumn"])
def test_a_course_across_a_dst_change_keeps_nine_local(location, protocol, chairs, nurse_on_duty, front_desk,
                                                       first_day, change):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    # "Now" is fixed before the 2027 changes, so the test keeps working after them.
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=first_day,
                                    local_time=time(9, 0), count=6, weekdays=(0, 2, 4))
        assert all(p.slot for p in proposals)
        course = course_book(patient=patient, protocol=protocol, location=location, slots=_accept_all(proposals),
                             booked_by=front_desk)
    starts = [a.start for a in course.appointments.order_by("start")]
    assert len(starts) == 6
    assert {to_local(s, location.time_zone).time() for s in starts} == {time(9, 0)}
    assert any(s.date() < change for s in starts) and any(s.date() > change for s in starts)
    assert len({s.hour for s in starts}) == 2  # UTC hour shifts by one across the change
    assert course_progress(course) == {"done": 0, "booked": 6, "planned": 6}


def test_a_course_is_booked_all_or_nothing(location, protocol, chairs, nurse_on_duty, front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=6)
    # Someone takes the fourth session's chair before the course is booked.
    fourth = proposals[3].slot
    appointment_book(patient=cleared_patient(location), protocol=protocol, chair=fourth.chair, nurse=fourth.nurse,
                     start=fourth.start, booked_by=front_desk)
    with pytest.raises(BookingConflict) as conflict:
        course_book(patient=patient, protocol=protocol, location=location, slots=_accept_all(proposals),
                    booked_by=front_desk)
    assert conflict.value.number == 4
    assert not Appointment.objects.filter(patient=patient).exists()
    assert not Course.objects.filter(patient=patient).exists()


def test_a_second_induction_course_is_refused_while_one_is_under_way(location, protocol, chairs, nurse_on_duty,
                                                                     front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=6)
    course_book(patient=patient, protocol=protocol, location=location, slots=_accept_all(proposals[:3]),
                booked_by=front_desk)
    with pytest.raises(BookingRefused) as refused:
        course_book(patient=patient, protocol=protocol, location=location, slots=_accept_all(proposals[3:]),
                    booked_by=front_desk)
    assert "induction course of this protocol under way" in refused.value.reasons[0]
    booster = course_book(patient=patient, protocol=protocol, location=location, slots=_accept_all(proposals[3:4]),
                          booked_by=front_desk, kind=Course.Kind.BOOSTER)
    assert booster.planned_sessions == 1


def test_proposal_shows_conflicts_and_the_nearest_free_alternative(location, protocol, chairs, nurse_on_duty,
                                                                   front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    last_friday_nine = local(location, next_monday + timedelta(days=11), 9)
    for chair in chairs:  # every chair taken at the sixth session's time
        appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chair, nurse=nurse_on_duty,
                         start=last_friday_nine, booked_by=front_desk)
    proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=6)
    sixth = proposals[5]
    assert sixth.slot is None
    assert "Every chair is taken at this time." in sixth.conflicts
    # 20 check-in + 40 + 60 + 15 turnover after 09:00
    assert sixth.alternative.start == local(location, next_monday + timedelta(days=11), 11, 15)
    assert all(p.slot for p in proposals[:5])


def test_an_alternative_keeps_the_minimum_interval_from_the_courses_other_sessions(
        location, protocol, chairs, nurse_on_duty, front_desk, next_monday):
    patient = cleared_patient(location, route="iv", number_of_sessions=6)
    wednesday_nine = local(location, next_monday + timedelta(days=2), 9)
    for chair in chairs:  # Wednesday 09:00 taken: anything else that Wednesday is < 48 h from Monday or Friday
        appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chair, nurse=nurse_on_duty,
                         start=wednesday_nine, booked_by=front_desk)
    proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=6)
    assert proposals[1].slot is None
    assert proposals[1].alternative is None


def test_esketamine_course_follows_the_label_schedule(location, chairs, nurse_on_duty, front_desk, next_monday):
    from tests.sessions.helpers import ProtocolFactory

    spravato = ProtocolFactory(name="Esk 56", route="intranasal", default_dose_mg=56, default_dose_mg_per_kg=None,
                               dosing_minutes=10, observation_minutes=120, min_interval_hours=0)
    patient = cleared_patient(location, route="intranasal", number_of_sessions=12)
    location.rems_certification_number, location.rems_certification_expires_on = "REMS-SITE-1", date(2099, 1, 1)
    location.save()  # issue 11: esketamine only at a REMS-certified site
    proposals = course_proposal(patient=patient, protocol=spravato, location=location, first_day=next_monday,
                                local_time=time(10, 0), count=12)
    assert len(proposals) == 12
    assert proposals[0].note == "56 mg"
    course = course_book(patient=patient, protocol=spravato, location=location, slots=_accept_all(proposals),
                         booked_by=front_desk)
    assert course.appointments.count() == 12


def test_free_slots_are_soonest_first_and_skip_taken_chairs(booked, location, protocol, next_monday):
    slots = free_slots(protocol=protocol, location=location, first_day=next_monday, last_day=next_monday, limit=10)
    assert slots == sorted(slots, key=lambda s: s.start)
    assert all(not (s.chair == booked.chair and s.start < booked.blocked_until and booked.start < s.start +
                    timedelta(minutes=115)) for s in slots)
    assert slots[0].start == local(location, next_monday, 8)


def test_free_slots_for_a_patient_respect_their_minimum_interval(booked, alex, location, protocol, next_monday):
    slots = free_slots(protocol=protocol, location=location, first_day=next_monday,
                       last_day=next_monday + timedelta(days=3), patient=alex, limit=5)
    assert slots and all(s.start >= booked.start + timedelta(hours=48) for s in slots)


def test_reschedule_alternatives_leave_out_the_slot_being_moved_and_fill_the_move_form(
        booked, front_desk, front_desk_client, location, protocol, chairs, nurse_on_duty, next_monday):
    """Issue 12 #1: the alternatives of a refused move offered the appointment's own chair and time, and "use this
    time" opened a new booking (which then refused the patient's own appointment as the 48 h conflict)."""
    appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chairs[1], nurse=nurse_on_duty,
                     start=booked.start, booked_by=front_desk)
    with pytest.raises(BookingConflict) as conflict:
        appointment_reschedule(appointment=booked, start=booked.start, chair=chairs[1], nurse=nurse_on_duty,
                               by=front_desk)
    offered = {(slot.start, slot.chair.pk) for slot in conflict.value.next_free}
    assert offered and (booked.start, booked.chair.pk) not in offered
    url = reverse("schedule:reschedule", args=[booked.public_id])
    body = front_desk_client.post(url, {"date": next_monday.isoformat(), "time": "09:00", "chair": chairs[1].pk,
                                        "nurse": nurse_on_duty.pk}).content.decode()
    assert reverse("schedule:book", args=[booked.patient.public_id]) not in body
    assert f"{url}?date=" in body
    first = conflict.value.next_free[0]
    page = front_desk_client.get(url, {"date": first.local_start.date().isoformat(),
                                       "time": first.local_start.strftime("%H:%M"),
                                       "chair": first.chair.public_id, "nurse": first.nurse.public_id})
    form = page.context["form"]
    assert form.initial["time"] == first.local_start.strftime("%H:%M")
    assert form.initial["chair"] == first.chair


def test_a_course_blocked_at_its_time_offers_a_start_time_free_on_every_date(
        location, protocol, chairs, nurse_on_duty, front_desk, next_monday):
    """Issue 12 #2: Mon/Wed/Fri 09:00 taken, 11:00 free. An alternative for one date alone can never move later
    (it must stay 48 h from the other proposed dates), so the proposal offers a start time for the whole course."""
    patient = cleared_patient(location, route="iv", number_of_sessions=3)
    for offset in (0, 2, 4):
        for chair in chairs:
            appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chair, nurse=nurse_on_duty,
                             start=local(location, next_monday + timedelta(days=offset), 9), booked_by=front_desk)
    proposals = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=3)
    assert all(p.slot is None for p in proposals)
    nearest = proposals[0].course_time
    assert nearest is not None and nearest > time(9, 0)
    again = course_proposal(patient=patient, protocol=protocol, location=location, first_day=next_monday,
                            local_time=nearest, count=3)
    assert all(p.slot for p in again)  # every date is free at the offered time
    assert nearest == min((p.local_start.time() for p in again), default=None)


def test_the_course_page_says_which_start_time_frees_every_date(location, protocol, chairs, nurse_on_duty,
                                                                 front_desk, next_monday):
    from tests.factories import client_for

    patient = cleared_patient(location, route="iv", number_of_sessions=3)
    for offset in (0, 2, 4):
        for chair in chairs:
            appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chair, nurse=nurse_on_duty,
                             start=local(location, next_monday + timedelta(days=offset), 9), booked_by=front_desk)
    response = client_for(front_desk).post(
        reverse("schedule:course", kwargs={"public_id": patient.public_id}),
        {"protocol": protocol.pk, "location": location.pk, "kind": "induction", "count": 3,
         "first_day": next_monday.isoformat(), "time": "09:00", "weekdays": ["0", "2", "4"]})
    fits = response.context["proposals"][0].course_time
    page = response.content.decode()
    assert f"Every date of this course is free at <strong>{fits:%H:%M}</strong>" in page
    assert "No free time within 3 days." not in page

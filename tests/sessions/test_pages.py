"""Schedule pages: permissions, the day board (its query count, an empty day, where an action returns to), booking
through the form, bad input, settings and wording."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from clinic.audit.models import AccessEvent
from clinic.models import Location
from sessions.models import Appointment, Chair, Protocol
from sessions.services import appointment_book, appointment_escort_record, appointment_link_issue
from sessions.templatetags.sessions_tags import weekday_names
from tests.factories import LocationFactory, PatientFactory, client_for
from tests.sessions.helpers import (
    BOARD_QUERIES,
    ChairFactory,
    ProtocolFactory,
    board_page,
    cleared_patient,
    local,
    make_nurse,
)

pytestmark = pytest.mark.django_db


def _fill_board(location, protocol, front_desk, day, count):
    """``count`` appointments on ``day``: 5 a chair, two hours apart, one nurse per chair (straight to the ORM)."""
    chairs = [ChairFactory(location=location, name=f"Board chair {i}") for i in range((count + 4) // 5)]
    for n in range(count):
        chair = chairs[n // 5]
        start = local(location, day, 8 + 2 * (n % 5))
        Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
            nurse=make_nurse() if n % 5 == 0 else
            Appointment.objects.filter(chair=chair).first().nurse,
            nurse_slot=1, start=start, end=start + timedelta(minutes=100),
            blocked_until=start + timedelta(minutes=115), booked_by=front_desk,
            status=[Appointment.Status.BOOKED, Appointment.Status.CONFIRMED, Appointment.Status.CHECKED_IN][n % 3])




def test_day_board_query_count_is_the_same_for_1_and_50_appointments(nurse_client, location, protocol, front_desk,
                                                                     next_monday, django_assert_num_queries):
    _fill_board(location, protocol, front_desk, next_monday, 1)
    url = reverse("schedule:board")
    params = {"location": str(location.public_id), "day": next_monday.isoformat()}
    nurse_client.get(url, params)  # warm the session and content-type caches
    with django_assert_num_queries(BOARD_QUERIES):
        small = nurse_client.get(url, params)
    assert small.content.decode().count('class="board-card') == 1

    # Another location (appointments are never deleted, not even in a test: PostgreSQL refuses).
    other = LocationFactory(name="Board clinic", time_zone=location.time_zone, opens_at=location.opens_at,
                            closes_at=location.closes_at)
    _fill_board(other, protocol, front_desk, next_monday, 50)
    params["location"] = str(other.public_id)
    nurse_client.get(url, params)
    with django_assert_num_queries(BOARD_QUERIES):
        large = nurse_client.get(url, params)
    assert large.content.decode().count('class="board-card') == 50


def test_day_board_shows_patient_protocol_status_and_actions(location, protocol, front_desk, next_monday):
    _fill_board(location, protocol, front_desk, next_monday, 3)  # 08:00 booked, 10:00 confirmed, 12:00 checked in
    # On the day, after the first start, before the others.
    with time_machine.travel(local(location, next_monday, 9), tick=False):
        response = client_for(front_desk).get(reverse("schedule:board"),
                                              {"location": str(location.public_id), "day": next_monday.isoformat()})
    html = response.content.decode()
    assert "status-booked" in html and "status-confirmed" in html and "status-checked_in" in html
    assert protocol.name in html
    assert ">Check in<" in html and ">Cancel<" in html and ">Reschedule<" in html and ">No-show<" in html
    assert ">Start session<" not in html  # clinical steps are the nurse's
    assert "data-confirm=" in html
    assert 'style="' not in html  # CSP: no inline styles
    Appointment.objects.filter(status=Appointment.Status.BOOKED).update(status=Appointment.Status.CANCELLED)
    board = client_for(front_desk).get(reverse("schedule:board"), {"location": str(location.public_id),
                                                               "day": next_monday.isoformat()}).context["board"]
    assert len(board.cards) == 2 and len(board.released) == 1  # a cancelled one leaves its chair free on the grid


def test_week_view_lists_the_days_appointments(front_desk_client, location, protocol, front_desk, next_monday):
    _fill_board(location, protocol, front_desk, next_monday, 2)
    response = front_desk_client.get(reverse("schedule:week"),
                                     {"location": str(location.public_id), "day": next_monday.isoformat()})
    assert response.status_code == 200
    assert len(response.context["days"]) == 7
    assert len(response.context["days"][0].appointments) == 2


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "not-a-day", "2027-02-30"])
def test_board_and_week_answer_any_day_parameter(front_desk_client, location, chairs, day):
    for name in ("schedule:board", "schedule:week"):
        assert front_desk_client.get(reverse(name), {"day": day, "location": "junk"}).status_code == 200


def test_roles_see_what_they_may(stranger_client, prescriber_client, nurse_client, manager_client, location):
    assert stranger_client.get(reverse("schedule:board")).status_code == 403
    assert prescriber_client.get(reverse("schedule:board")).status_code == 200
    assert prescriber_client.get(reverse("schedule:book_start")).status_code == 403
    assert nurse_client.get(reverse("schedule:settings")).status_code == 403
    assert manager_client.get(reverse("schedule:settings")).status_code == 200


def _book_post(client, patient, protocol, chair, nurse, day, hhmm):
    return client.post(reverse("schedule:book", kwargs={"public_id": patient.public_id}), {
        "protocol": protocol.pk, "date": day.isoformat(), "time": hhmm, "chair": chair.pk, "nurse": nurse.pk})


def test_front_desk_books_through_the_form(front_desk_client, location, protocol, chairs, nurse_on_duty, next_monday):
    patient = cleared_patient(location)
    response = _book_post(front_desk_client, patient, protocol, chairs[0], nurse_on_duty, next_monday, "09:00")
    appointment = Appointment.objects.get(patient=patient)
    assert response.status_code == 302 and response.url == appointment.get_absolute_url()
    assert appointment.start == local(location, next_monday, 9)


@pytest.mark.parametrize("case", ["past", "closed", "inactive chair", "unknown chair", "not approved", "taken",
                                  "garbage time"])
def test_bad_booking_input_gets_a_clear_message_and_saves_nothing(case, front_desk_client, front_desk, location,
                                                                  protocol, chairs, nurse_on_duty, next_monday):
    patient = cleared_patient(location)
    chair, day, hhmm = chairs[0], next_monday, "09:00"
    data_chair = chair.pk
    if case == "past":
        day = date.today() - timedelta(days=1)
    elif case == "closed":
        hhmm = "19:30"
    elif case == "inactive chair":
        Chair.objects.filter(pk=chair.pk).update(is_active=False)
    elif case == "unknown chair":
        data_chair = 999999
    elif case == "not approved":
        patient = PatientFactory(location=location)
    elif case == "taken":
        appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chair, nurse=nurse_on_duty,
                         start=local(location, day, 9), booked_by=front_desk)
    elif case == "garbage time":
        hhmm = "25:99"
    before = Appointment.objects.count()
    response = front_desk_client.post(reverse("schedule:book", kwargs={"public_id": patient.public_id}), {
        "protocol": protocol.pk, "date": day.isoformat(), "time": hhmm, "chair": data_chair,
        "nurse": nurse_on_duty.pk})
    assert response.status_code == 200
    html = response.content.decode()
    expected = {"past": "has passed", "closed": "books sessions between", "inactive chair": "Select a valid choice",
                "unknown chair": "Select a valid choice", "not approved": "Intake not approved",
                "taken": "Next free times", "garbage time": "Enter a valid time"}[case]
    assert expected in html
    assert Appointment.objects.count() == before


def test_course_page_proposes_and_books_all_chosen(front_desk_client, location, protocol, chairs, nurse_on_duty,
                                                   next_monday):
    patient = cleared_patient(location, number_of_sessions=6)
    url = reverse("schedule:course", kwargs={"public_id": patient.public_id})
    plan = {"protocol": protocol.pk, "location": location.pk, "kind": "induction", "count": 6,
            "first_day": next_monday.isoformat(), "time": "09:00", "weekdays": ["0", "2", "4"]}
    proposal = front_desk_client.post(url, plan)
    assert proposal.status_code == 200
    rows = proposal.context["proposals"]
    assert len(rows) == 6 and all(row.slot for row in rows)
    choices = {f"slot-{row.number}": f"{row.slot.start.isoformat()}|{row.slot.chair.public_id}|"
                                      f"{row.slot.nurse.public_id}" for row in rows}
    choices["slot-6"] = "skip"
    response = front_desk_client.post(url, {**plan, **choices, "book": "1"})
    assert response.status_code == 302
    assert Appointment.objects.filter(patient=patient).count() == 5


@pytest.mark.parametrize("tampered", ["{naive}|{chair}|{nurse}", "{naive}", "not-a-time|{chair}|{nurse}",
                                      "{aware}|{chair}|00000000-0000-0000-0000-000000000000"])
def test_a_tampered_course_slot_is_refused_with_a_message_not_a_500(tampered, front_desk_client, location, protocol,
                                                                    chairs, nurse_on_duty, next_monday):
    patient = cleared_patient(location, number_of_sessions=6)
    start = local(location, next_monday, 9)
    value = tampered.format(naive=start.replace(tzinfo=None).isoformat(), aware=start.isoformat(),
                            chair=chairs[0].public_id, nurse=nurse_on_duty.public_id)
    response = front_desk_client.post(reverse("schedule:course", kwargs={"public_id": patient.public_id}), {
        "protocol": protocol.pk, "location": location.pk, "kind": "induction", "count": 6,
        "first_day": next_monday.isoformat(), "time": "09:00", "weekdays": ["0", "2", "4"], "book": "1",
        "slot-1": value})
    assert response.status_code == 200
    assert "no longer valid" in response.content.decode()
    assert not Appointment.objects.filter(patient=patient).exists()


def test_the_booking_service_refuses_a_naive_start(front_desk, location, protocol, chairs, nurse_on_duty,
                                                   next_monday):
    from sessions.services import BookingRefused

    with pytest.raises(BookingRefused) as refused:
        appointment_book(patient=cleared_patient(location), protocol=protocol, chair=chairs[0], nurse=nurse_on_duty,
                         start=local(location, next_monday, 9).replace(tzinfo=None), booked_by=front_desk)
    assert "no time zone" in refused.value.reasons[0]


def test_find_a_slot_refuses_a_reversed_range(front_desk_client, location, protocol):
    response = front_desk_client.get(reverse("schedule:find"), {
        "protocol": protocol.pk, "location": location.pk, "first_day": (date.today() + timedelta(days=10)).isoformat(),
        "last_day": date.today().isoformat()})
    assert "before its start" in response.content.decode()
    response = front_desk_client.get(reverse("schedule:find"), {
        "protocol": protocol.pk, "location": location.pk, "first_day": "9999-12-01", "last_day": "9999-12-31"})
    assert "within two years" in response.content.decode()


def test_find_a_slot_lists_free_times(front_desk_client, location, protocol, chairs, nurse_on_duty, next_monday):
    response = front_desk_client.get(reverse("schedule:find"), {
        "protocol": protocol.pk, "location": location.pk, "first_day": next_monday.isoformat(),
        "last_day": next_monday.isoformat()})
    slots = response.context["slots"]
    assert slots and slots[0].local_start.hour == 8


def test_appointment_page_logs_access_and_actions_move_status(front_desk_client, nurse_client, booked):
    appointment = booked
    assert front_desk_client.get(appointment.get_absolute_url()).status_code == 200
    assert AccessEvent.objects.filter(patient_id=appointment.patient.public_id, object_type="appointment").exists()
    front_desk_client.post(reverse("schedule:action", args=[appointment.public_id, "confirm"]))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    response = nurse_client.post(reverse("schedule:action", args=[appointment.public_id, "complete"]), follow=True)
    assert "cannot be marked completed" in response.content.decode()


def test_front_desk_confirms_the_escort_on_the_appointment_page(front_desk_client, booked):
    appointment = booked
    page = front_desk_client.get(appointment.get_absolute_url()).content.decode()
    assert "Not confirmed yet" in page and "Confirm escort" in page
    url = reverse("schedule:escort", args=[appointment.public_id])
    response = front_desk_client.post(url, {"escort_name": "", "escort_phone": ""}, follow=True)
    assert "Give the escort" in response.content.decode()
    front_desk_client.post(url, {"escort_name": "Sam Rivera", "escort_phone": "+1 555 010 0111"})
    appointment.refresh_from_db()
    assert appointment.escort_name == "Sam Rivera" and appointment.escort_confirmed_at is not None


def test_cancel_and_reschedule_pages(front_desk_client, booked, chairs, nurse_on_duty, next_monday):
    first = booked
    response = front_desk_client.post(reverse("schedule:reschedule", args=[first.public_id]), {
        "date": (next_monday + timedelta(days=2)).isoformat(), "time": "10:00", "chair": chairs[1].pk,
        "nurse": nurse_on_duty.pk})
    new = Appointment.objects.get(rescheduled_from=first)
    assert response.url == new.get_absolute_url()
    response = front_desk_client.post(reverse("schedule:cancel", args=[new.public_id]), {"reason": "Flu"})
    new.refresh_from_db()
    assert new.status == Appointment.Status.CANCELLED and new.cancel_reason == "Flu"


def test_manager_edits_protocols_chairs_and_opening_hours(manager_client, location):
    response = manager_client.post(reverse("schedule:chair_create"), {
        "location": location.pk, "name": "Recliner A", "kind": "chair", "position": 1, "is_active": "on"})
    assert response.status_code == 302 and Chair.objects.filter(name="Recliner A").exists()
    response = manager_client.post(reverse("schedule:location_update", args=[location.public_id]), {
        "time_zone": "America/Chicago", "opens_at": "18:00", "closes_at": "07:00", "open_weekdays": ["0"],
        "nurse_patient_ratio": 3})
    assert "Closing time must be after opening time" in response.content.decode()
    unchanged = Location.objects.get(pk=location.pk)  # a refused form saves nothing
    assert (unchanged.time_zone, unchanged.opens_at, unchanged.nurse_patient_ratio) == (
        location.time_zone, location.opens_at, location.nurse_patient_ratio)
    response = manager_client.post(reverse("schedule:protocol_create"), {
        "name": "IV slow", "route": "iv", "default_dose_mg_per_kg": "0.5", "checkin_minutes": 0, "dosing_minutes": 60,
        "observation_minutes": 60, "turnover_minutes": 15, "min_interval_hours": 48, "fasting_food_hours": 6,
        "fasting_liquids_minutes": 120, "vitals_schedule": "q10", "is_active": "on"})
    assert response.status_code == 302 and Protocol.objects.get(name="IV slow").session_minutes == 120


def test_the_booking_search_keeps_the_patients_name_out_of_the_url(front_desk_client, location):
    from tests.factories import PatientFactory

    PatientFactory(location=location, legal_first_name="Zoë", legal_last_name="Ñúñez")
    response = front_desk_client.post(reverse("schedule:book_start"), {"q": "Nunez"})
    assert response.status_code == 302
    assert "unez" not in response.url.lower()
    page = front_desk_client.get(response.url)
    assert [p.legal_last_name for p in page.context["patients"]] == ["Ñúñez"]


def test_the_board_layout_stylesheet_fits_any_size_and_refuses_nothing_with_a_500(nurse_client):
    url = reverse("schedule:board_layout_css")
    css = nurse_client.get(url, {"chairs": "20", "rows": "65"}).content.decode()
    assert ".board-cols-20 { grid-template-columns: 4.5rem repeat(20, minmax(9rem, 1fr)); }" in css
    assert ".board-col-21 { grid-column: 21; }" in css and ".board-row-66 { grid-row-start: 66; }" in css
    assert ".board-span-65 { grid-row-end: span 65; }" in css
    for bad in ({"chairs": "x"}, {"chairs": "-3", "rows": "9" * 30}, {}):
        response = nurse_client.get(url, bad)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/css")


# --- the day board -----------------------------------------------------------------------------------


def test_an_empty_day_says_so_and_offers_to_book(front_desk_client, location, chairs, next_monday):
    html = board_page(front_desk_client, location, next_monday).content.decode()
    assert "No appointments on this day" in html and reverse("schedule:book_start") in html


def test_after_an_action_the_board_opens_at_the_card_acted_on(front_desk_client, booked, location, next_monday):
    html = board_page(front_desk_client, location, next_monday).content.decode()
    assert f'id="appt-{booked.public_id}"' in html
    board_url = f"{reverse('schedule:board')}?location={location.public_id}&day={next_monday.isoformat()}"
    response = front_desk_client.post(reverse("schedule:action", args=[booked.public_id, "confirm"]),
                                      {"next": board_url})
    assert response.url == f"{board_url}#appt-{booked.public_id}"
    # From the appointment page, back to that page as before.
    response = front_desk_client.post(reverse("schedule:action", args=[booked.public_id, "no-show"]),
                                      {"next": booked.get_absolute_url()})
    assert response.url == booked.get_absolute_url()


def test_week_view_button_looks_like_the_other_navigation_buttons(front_desk_client, location, chairs, next_monday):
    html = board_page(front_desk_client, location, next_monday).content.decode()
    week = re.search(r'<a class="([^"]*)" href="[^"]*week[^"]*">Week view</a>', html)
    assert week and "btn-outline-primary" in week.group(1) and "secondary" not in week.group(1)


# --- booking forms -------------------------------------------------------------------------------------


def test_protocol_choice_follows_the_approved_plan_route(front_desk_client, location, protocol, chairs):
    im = ProtocolFactory(name="IM ketamine", route="im")
    planned = ProtocolFactory(name="Induction")  # the protocol named in the factory's IV plan
    patient = cleared_patient(location)  # approved for IV
    for name in ("schedule:book", "schedule:course"):
        form = front_desk_client.get(reverse(name, args=[patient.public_id])).context["form"]
        offered = list(form.fields["protocol"].queryset)
        assert protocol in offered and planned in offered and im not in offered
        assert {p.route for p in offered} == {"iv"}
        assert form.initial["protocol"] == planned


def test_escort_from_the_intake_prefills_both_escort_forms(client, front_desk_client, booked):
    form = front_desk_client.get(booked.get_absolute_url()).context["escort_form"]
    assert form.initial == {"escort_name": "Robin Rivera", "escort_phone": "+1 555 0143"}
    token = appointment_link_issue(appointment=booked)
    url = reverse("appointment_link", kwargs={"token": token})
    client.post(url, {"date_of_birth": booked.patient.date_of_birth.isoformat()})
    assert client.get(url).context["form"].initial["escort_name"] == "Robin Rivera"
    booked.refresh_from_db()
    assert booked.escort_confirmed_at is None  # pre-filled, not confirmed
    appointment_escort_record(appointment=booked, escort_name="Sam Rivera", escort_phone="+1 555 0111",
                              by=booked.booked_by)
    form = front_desk_client.get(booked.get_absolute_url()).context["escort_form"]
    assert form.initial["escort_name"] == "Sam Rivera"  # the appointment's own escort wins


def test_booking_inside_the_fasting_window_warns_to_stop_eating(front_desk, location, protocol, chairs,
                                                                nurse_on_duty, next_monday):
    patient = cleared_patient(location)

    def book(hhmm):
        with time_machine.travel(local(location, next_monday, 6), tick=False):
            response = client_for(front_desk).post(reverse("schedule:book", args=[patient.public_id]), {
                "protocol": protocol.pk, "date": next_monday.isoformat(), "time": hhmm, "chair": chairs[0].pk,
                "nurse": nurse_on_duty.pk})
        assert response.status_code == 302
        return [str(m) for m in get_messages(response.wsgi_request)]

    sent = book("10:00")  # 4 h ahead of an IV session that needs 6 h without food
    assert "Less than 6 h before the start: make sure the patient knows to stop eating now." in sent
    Appointment.objects.all().update(status=Appointment.Status.CANCELLED)
    assert not any("stop eating" in m for m in book("12:30"))  # 6.5 h ahead


# --- settings and wording ---------------------------------------------------------------------------


def test_settings_show_weekday_names_and_a_time_zone_select(manager_client, location):
    html = manager_client.get(reverse("schedule:settings")).content.decode()
    assert "Monday, Tuesday, Wednesday, Thursday, Friday" in html
    assert "0 = Monday" not in html and "CLINICAL.md" not in html
    form = manager_client.get(reverse("schedule:location_update", args=[location.public_id])).context["form"]
    assert form.fields["time_zone"].widget.input_type == "select"
    choices = [value for _, group in form.fields["time_zone"].choices for value, _ in group]
    assert choices[0] == "America/New_York" and "Europe/Berlin" in choices
    assert weekday_names([4, 0]) == "Monday, Friday"


def test_no_internal_document_references_on_the_appointment_page(front_desk_client, booked):
    html = front_desk_client.get(booked.get_absolute_url()).content.decode()
    assert "CLINICAL.md" not in html and "DESIGN.md" not in html

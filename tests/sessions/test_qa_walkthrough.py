"""Problems found in the hands-on QA walk-through of the schedule, each pinned by a test."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from sessions import forms
from sessions.models import Appointment
from sessions.services import (
    BookingRefused,
    TransitionRefused,
    appointment_book,
    appointment_escort_record,
    appointment_link_issue,
    appointment_reschedule,
    appointment_transition,
)
from sessions.templatetags.sessions_tags import tel_href, weekday_names
from tests.factories import UserFactory, client_for
from tests.sessions.helpers import BOARD_QUERIES, ProtocolFactory, cleared_patient, local

pytestmark = pytest.mark.django_db


def _publish_new_consent():
    from patients.services import consent_document_publish

    return consent_document_publish(title="Consent to ketamine treatment, v2", body="The new consent text.",
                                    published_by=UserFactory(role="manager"))


def _sign(patient, document):
    from patients.services import consent_sign

    consent_sign(patient=patient, document=document, typed_name=patient.full_name, ip_address="127.0.0.1",
                 user_agent="test")


def _board(client, location, day):
    return client.get(reverse("schedule:board"), {"location": str(location.public_id), "day": day.isoformat()})


# --- 1. Consent no longer current --------------------------------------------------------------------------


def test_check_in_and_start_are_refused_until_the_new_consent_version_is_signed(booked, front_desk, nurse_on_duty,
                                                                                 location, next_monday):
    on_the_day = local(location, next_monday, 8, 45)
    appointment_transition(appointment=booked, to_status=Appointment.Status.CONFIRMED, by=front_desk)
    appointment_escort_record(appointment=booked, escort_name="Sam Rivera", escort_phone="+1 555 0111",
                              by=front_desk)
    new_version = _publish_new_consent()

    with pytest.raises(TransitionRefused) as refused:
        appointment_transition(appointment=booked, to_status=Appointment.Status.CHECKED_IN, by=front_desk,
                               now=on_the_day)
    text = " ".join(refused.value.reasons)
    assert "cannot be checked in" in text and "Consent not current" in text and "consent link" in text
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CONFIRMED

    _sign(booked.patient, new_version)
    appointment_transition(appointment=booked, to_status=Appointment.Status.CHECKED_IN, by=front_desk,
                           now=on_the_day)

    newer = _publish_new_consent()  # published while the patient sits in the waiting room
    with pytest.raises(TransitionRefused, match="cannot start"):
        appointment_transition(appointment=booked, to_status=Appointment.Status.IN_SESSION, by=nurse_on_duty,
                               now=on_the_day)
    _sign(booked.patient, newer)
    appointment_transition(appointment=booked, to_status=Appointment.Status.IN_SESSION, by=nurse_on_duty,
                           now=on_the_day)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.IN_SESSION


def test_pressing_check_in_without_current_consent_shows_the_reason_not_a_500(booked, front_desk, location,
                                                                               next_monday):
    appointment_transition(appointment=booked, to_status=Appointment.Status.CONFIRMED, by=front_desk)
    _publish_new_consent()
    with time_machine.travel(local(location, next_monday, 8, 45), tick=False):
        response = client_for(front_desk).post(reverse("schedule:action", args=[booked.public_id, "check-in"]),
                                               follow=True)
    assert response.status_code == 200
    assert "Consent not current" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CONFIRMED


def test_board_and_appointment_page_warn_when_consent_must_be_signed_again(
        booked, book, front_desk, location, chairs, next_monday, django_assert_num_queries):
    signed_again = book(patient=cleared_patient(location), chair=chairs[1], notify=False)
    client = client_for(front_desk)
    assert "Consent must be signed again" not in _board(client, location, next_monday).content.decode()

    new_version = _publish_new_consent()
    _sign(signed_again.patient, new_version)
    with django_assert_num_queries(BOARD_QUERIES):  # the warning is worked out in the appointments query
        html = _board(client, location, next_monday).content.decode()
    assert html.count("Consent must be signed again before this session") == 1
    card = re.search(rf'id="appt-{booked.public_id}".*?</article>', html, re.S).group(0)
    assert "Consent must be signed again" in card

    page = client.get(booked.get_absolute_url()).content.decode()
    assert "Consent must be signed again before this session" in page and "consent link" in page
    other = client.get(signed_again.get_absolute_url()).content.decode()
    assert "Consent must be signed again" not in other


# --- 2. Escort details ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form_class", [forms.EscortForm, forms.PrepareForm])
@pytest.mark.parametrize(("name", "phone", "bad_field"), [
    ("x", "+1 555 010 0123", "escort_name"),
    ("42", "+1 555 010 0123", "escort_name"),
    ("Sam Rivera", "abc", "escort_phone"),
    ("Sam Rivera", "zzz", "escort_phone"),
    ("Sam Rivera", "555-01", "escort_phone"),  # too few digits
])
def test_escort_forms_refuse_a_name_or_phone_that_is_not_one(form_class, name, phone, bad_field):
    form = form_class({"escort_name": name, "escort_phone": phone, "fasting_understood": "on"})
    assert not form.is_valid()
    assert list(form.errors) == [bad_field]


@pytest.mark.parametrize("form_class", [forms.EscortForm, forms.PrepareForm])
def test_escort_forms_accept_a_real_name_and_phone(form_class):
    form = form_class({"escort_name": " Jo Ng ", "escort_phone": "+1 (555) 010-0123", "fasting_understood": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["escort_name"] == "Jo Ng"


def test_patient_link_refuses_escort_x_with_phone_abc(client, booked):
    token = appointment_link_issue(appointment=booked)
    url = reverse("appointment_link", kwargs={"token": token})
    client.post(url, {"date_of_birth": booked.patient.date_of_birth.isoformat()})
    response = client.post(url, {"escort_name": "x", "escort_phone": "abc", "fasting_understood": "on"})
    assert response.status_code == 200
    assert "at least two letters" in response.content.decode() and "phone number" in response.content.decode()
    booked.refresh_from_db()
    assert booked.escort_confirmed_at is None


def test_staff_escort_form_refuses_phone_zzz_and_says_why(front_desk_client, booked):
    response = front_desk_client.post(reverse("schedule:escort", args=[booked.public_id]),
                                      {"escort_name": "Sam Rivera", "escort_phone": "zzz"}, follow=True)
    assert "Enter a phone number" in response.content.decode()
    booked.refresh_from_db()
    assert booked.escort_confirmed_at is None


# --- 3. Rescheduling to the same slot ---------------------------------------------------------------------------


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


# --- 4. The minimum-interval message ------------------------------------------------------------------------------


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


# --- 5. and usability: dead links -----------------------------------------------------------------------------------


def test_a_tampered_ics_link_gets_the_clinic_page_not_a_bare_404(client, booked, location):
    token = appointment_link_issue(appointment=booked)
    for bad in (token + "x", token):  # tampered, and real but before the date-of-birth check
        response = client.get(reverse("appointment_link_ics", kwargs={"token": bad}))
        html = response.content.decode()
        assert response.status_code == 404
        assert "This link no longer works" in html and "</html>" in html
        assert location.phone in html and 'href="tel:+15550199"' in html


def test_dead_link_page_gives_the_clinic_phone(client, booked, front_desk, location):
    from sessions.services import appointment_cancel

    token = appointment_link_issue(appointment=booked)
    appointment_cancel(appointment=booked, reason="Flu", by=front_desk, notify=False)
    html = client.get(reverse("appointment_link", kwargs={"token": token})).content.decode()
    assert "This link no longer works" in html and 'href="tel:+15550199">+1 555 0199<' in html


def test_a_wrong_date_of_birth_says_how_many_tries_are_left(client, booked):
    url = reverse("appointment_link", kwargs={"token": appointment_link_issue(appointment=booked)})
    assert "4 more tries before this link locks" in client.post(url, {"date_of_birth": "1900-01-01"}).content.decode()
    for _ in range(3):
        response = client.post(url, {"date_of_birth": "1900-01-01"})
    assert "1 more try before" in response.content.decode()
    response = client.post(url, {"date_of_birth": "1900-01-01"})
    assert "now locked" in response.content.decode()


def test_tel_links_carry_no_spaces():
    assert tel_href("+1 (555) 010-0123") == "+15550100123"
    assert tel_href("555 0199") == "5550199"
    assert tel_href("") == ""


# --- Usability: the day board -----------------------------------------------------------------------------------


def test_an_empty_day_says_so_and_offers_to_book(front_desk_client, location, chairs, next_monday):
    html = _board(front_desk_client, location, next_monday).content.decode()
    assert "No appointments on this day" in html and reverse("schedule:book_start") in html


def test_after_an_action_the_board_opens_at_the_card_acted_on(front_desk_client, booked, location, next_monday):
    html = _board(front_desk_client, location, next_monday).content.decode()
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
    html = _board(front_desk_client, location, next_monday).content.decode()
    week = re.search(r'<a class="([^"]*)" href="[^"]*week[^"]*">Week view</a>', html)
    assert week and "btn-outline-primary" in week.group(1) and "secondary" not in week.group(1)


# --- Usability: booking forms -------------------------------------------------------------------------------------


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


# --- Usability: settings and wording ---------------------------------------------------------------------------


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

"""E-mails to patients: one per course, moved and cancelled notices, and a failed send that does not undo
a saved booking (DESIGN.md §6: time, place and a link; nothing clinical; no PHI in logs)."""

import logging
import re
import smtplib
from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from sessions.models import Appointment, AppointmentEmail, AppointmentLink
from sessions.selectors import course_proposal, email_outcome
from sessions.services import (
    CourseSlotChoice,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    course_book,
)
from tests.sessions.helpers import ChairFactory, ProtocolFactory, cleared_patient, local, make_nurse

LINK = re.compile(r"https?://[^/\s]+/appointment/[^/\s]+/")


@pytest.mark.django_db
def test_a_course_sends_one_email_listing_every_session_with_its_own_link(
        alex, location, protocol, chairs, nurse_on_duty, front_desk, next_monday, django_capture_on_commit_callbacks):
    proposals = course_proposal(patient=alex, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=6)
    slots = [CourseSlotChoice(start=p.slot.start, chair=p.slot.chair, nurse=p.slot.nurse) for p in proposals]
    with django_capture_on_commit_callbacks(execute=True):
        course = course_book(patient=alex, protocol=protocol, location=location, slots=slots, booked_by=front_desk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    links = LINK.findall(message.body)
    assert len(links) == 6 and len(set(links)) == 6
    assert AppointmentLink.objects.filter(appointment__course=course, revoked_at__isnull=True).count() == 6
    assert "6 appointments" in message.subject and message.body.count("at 09:00") == 6
    for clinical in (protocol.name, "mg/kg", "Rivera"):
        assert clinical not in message.body and clinical not in message.subject
    first = course.appointments.order_by("start").first()
    assert email_outcome(appointment=first, kind="course_booked") is True


@pytest.mark.django_db
def test_each_emailed_course_link_opens_its_own_session(client, alex, location, protocol, chairs, nurse_on_duty,
                                                        front_desk, next_monday, django_capture_on_commit_callbacks):
    proposals = course_proposal(patient=alex, protocol=protocol, location=location, first_day=next_monday,
                                local_time=time(9, 0), count=2)
    slots = [CourseSlotChoice(start=p.slot.start, chair=p.slot.chair, nurse=p.slot.nurse) for p in proposals]
    with django_capture_on_commit_callbacks(execute=True):
        course_book(patient=alex, protocol=protocol, location=location, slots=slots, booked_by=front_desk)
    second = LINK.findall(mail.outbox[0].body)[1]
    path = re.sub(r"^https?://[^/]+", "", second)
    client.post(path, {"date_of_birth": alex.date_of_birth.isoformat()})
    page = client.get(path).content.decode()
    assert (next_monday + timedelta(days=2)).strftime("%A") in page  # Monday, Wednesday: the second one


@pytest.mark.django_db
def test_rescheduling_emails_that_the_appointment_moved_from_the_old_to_the_new_time(
        booked, location, chairs, nurse_on_duty, front_desk, next_monday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = appointment_reschedule(appointment=booked, start=local(location, next_monday + timedelta(days=2), 11),
                                     chair=chairs[0], nurse=nurse_on_duty, by=front_desk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "moved" in message.subject and "11:00" in message.subject
    was = re.search(r"Was:\s+(.+)", message.body).group(1)
    now = re.search(r"Now:\s+(.+)", message.body).group(1)
    assert "09:00" in was and next_monday.strftime("%A") in was
    assert "11:00" in now and (next_monday + timedelta(days=2)).strftime("%A") in now
    assert len(LINK.findall(message.body)) == 1
    assert AppointmentLink.objects.get(appointment=new).revoked_at is None
    assert AppointmentLink.objects.filter(appointment=booked, revoked_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_cancelling_emails_the_patient_without_the_reason(booked, location, protocol, front_desk,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, reason="Suicidal ideation flagged: prescriber review", by=front_desk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "cancelled" in message.subject and "09:00" in message.subject
    assert "has been cancelled" in message.body and location.phone in message.body
    for private in ("Suicidal", "prescriber", protocol.name, "Rivera"):
        assert private not in message.body and private not in message.subject
    assert not LINK.search(message.body)  # the old link is dead; no new one


@pytest.mark.django_db(transaction=True)
def test_a_mail_failure_after_booking_keeps_the_booking_and_warns_the_front_desk(location, front_desk, next_monday,
                                                                                 monkeypatch, caplog):
    chair = ChairFactory(location=location, name="Chair 1")
    protocol = ProtocolFactory()
    nurse = make_nurse(email="mailfail.nurse@clinic.test")
    patient = cleared_patient(location, email="alex.rivera@example.org")

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"alex.rivera@example.org": (550, b"mailbox unavailable")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    from django.test import Client

    client = Client()
    client.force_login(front_desk)
    with caplog.at_level(logging.WARNING, logger="sessions.services"):
        response = client.post(reverse("schedule:book", kwargs={"public_id": patient.public_id}), {
            "protocol": protocol.pk, "date": next_monday.isoformat(), "time": "09:00", "chair": chair.pk,
            "nurse": nurse.pk}, follow=True)
    appointment = Appointment.objects.get(patient=patient)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == appointment.get_absolute_url()
    page = response.content.decode()
    assert "could not be sent" in page and "by phone" in page
    assert str(appointment.public_id) in caplog.text
    for private in ("alex.rivera@example.org", patient.legal_last_name, patient.legal_first_name):
        assert private not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_mail_failure_after_cancelling_keeps_the_cancellation(location, front_desk, next_monday, monkeypatch):
    chair = ChairFactory(location=location, name="Chair 1")
    patient = cleared_patient(location, email="alex.rivera@example.org")
    booked = appointment_book(patient=patient, protocol=ProtocolFactory(), chair=chair,
                              nurse=make_nurse(email="cancelfail.nurse@clinic.test"),
                              start=local(location, next_monday, 9), booked_by=front_desk, notify=False)

    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    cancelled = appointment_cancel(appointment=booked, reason="Unwell", by=front_desk)
    assert email_outcome(appointment=cancelled, kind="appointment_cancelled") is False
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.CANCELLED


@pytest.mark.django_db(transaction=True)  # as in production: the view's service call commits on its own
def test_the_cancel_page_reads_the_recorded_outcome_of_the_email(front_desk, front_desk_client, location,
                                                                 next_monday, monkeypatch):
    """The page says the patient was e-mailed only when the sending is recorded as done, and tells the front
    desk to phone when it failed (an AppointmentEmail row, not an attribute set in a commit callback)."""
    patient = cleared_patient(location, email="alex.rivera@example.org")
    booked = appointment_book(patient=patient, protocol=ProtocolFactory(), chair=ChairFactory(location=location),
                              nurse=make_nurse(email="outcome.nurse@clinic.test"),
                              start=local(location, next_monday, 9), booked_by=front_desk, notify=False)

    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    url = reverse("schedule:cancel", kwargs={"public_id": booked.public_id})
    response = front_desk_client.post(url, {"reason": "Unwell"})
    assert response.status_code == 302 and AppointmentEmail.objects.get(appointment=booked).sent is False
    text = front_desk_client.get(response.url).content.decode()
    assert "could not be sent" in text and "The patient has been told by e-mail" not in text

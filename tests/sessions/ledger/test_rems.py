"""Spravato REMS: the monitoring form's data with missing fields named, the queue (due, overdue, submitted),
marking submitted, the home-page count, and site certification as a booking stop (CLINICAL.md §5)."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sessions import rems
from sessions.models import Protocol, RemsSubmission
from sessions.selectors.rems import queue_rows, rems_due_count, rems_queue
from sessions.services import BookingRefused, appointment_book
from sessions.services.ledger import LedgerRefused, stock_administer, stock_withdraw
from sessions.services.rems import rems_form_submit
from sessions.views.ledger import PER_PAGE
from tests.factories import client_for, make_cleared_patient
from tests.query_counts import page_queries
from tests.sessions.helpers import ChairFactory, local, make_nurse

from .conftest import make_appointment, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def spravato(db):
    return Protocol.objects.get(name="Esketamine 56 mg")


@pytest.fixture
def certified(location):
    location.rems_certification_number, location.rems_certification_expires_on = "SITE-42", datetime.date(2099, 1, 1)
    location.save()
    return location


@pytest.fixture
def esketamine_session(certified, spravato, nurse):
    patient = make_cleared_patient(location=certified, route="intranasal", legal_first_name="Eve",
                                   legal_last_name="Esk", answers=_answers_with(["Xanax 0.5 mg", "Adderall 10 mg"]))
    return make_appointment(location=certified, nurse=nurse, protocol=spravato, patient=patient, status="completed")


def _answers_with(medicines):
    from tests.factories import complete_intake_answers

    answers = complete_intake_answers()
    answers["medications"] = {"medications": medicines, "allergies": "None"}
    return answers


def test_the_form_fills_what_is_known_and_names_what_is_missing(esketamine_session, certified, manager, nurse):
    lot = receive(location=certified, by=manager, drug="esketamine", lot_number="ESK-9", quantity_mg=Decimal("280"))
    stock_withdraw(lot=lot, appointment=esketamine_session, quantity_mg=Decimal("56"), actor=nurse)
    stock_administer(lot=lot, appointment=esketamine_session, quantity_mg=Decimal("56"), actor=nurse)
    form = rems.monitoring_form(appointment=esketamine_session)
    values = {row.field.key: row.value for row in form.rows}
    assert values["dose"] == "56 mg" and values["lot"] == "ESK-9"
    assert values["benzodiazepines"].startswith("Yes: Xanax") and values["psychostimulants"].startswith("Yes")
    assert values["opioids"] == "No (intake list)"
    assert values["first_treatment"] == "Yes"
    assert "SITE-42" in values["setting"]
    missing = {field.key for field in form.missing}
    assert {"bp_40_min", "sedation", "dissociation", "monitoring_minutes"} <= missing
    assert "dose" not in missing
    filled = rems.monitoring_form(appointment=esketamine_session, record_values={"bp_40_min": "150/90"})
    assert "bp_40_min" not in {field.key for field in filled.missing}


def test_every_field_of_the_form_is_listed_once():
    assert len(rems.FIELD_KEYS) == len(set(rems.FIELD_KEYS)) == 23


def test_the_queue_counts_down_the_seven_days_then_shows_overdue(esketamine_session):
    later = _days_after(esketamine_session, 2)
    [row] = queue_rows(rems_queue(state="due", now=later), now=later)
    assert row.days_left == 5
    later = _days_after(esketamine_session, 8)
    assert queue_rows(rems_queue(state="overdue", now=later), now=later)[0].days_left == -1
    assert rems_due_count() == 1


def test_the_home_count_owes_a_form_for_every_esketamine_protocol_and_none_without_one(esketamine_session, spravato,
                                                                                     certified, nurse):
    """rems_due_count is prepared once per number of esketamine protocols: a second protocol's session counts
    as soon as the protocol exists; an IV session never does; with no esketamine protocol at all, nothing is owed."""
    assert rems_due_count() == 1
    other = Protocol.objects.get(pk=spravato.pk)
    other.pk, other.public_id, other.name = None, uuid.uuid4(), "Esketamine, second device"
    other.save()
    patient = make_cleared_patient(location=certified, route="intranasal", legal_first_name="Ann",
                                   legal_last_name="Other")
    make_appointment(location=certified, nurse=nurse, protocol=other, patient=patient, status="completed")
    assert rems_due_count() == 2
    make_appointment(location=certified, nurse=nurse, status="completed")  # an IV protocol's session
    assert rems_due_count() == 2
    Protocol.objects.filter(route=rems.ROUTE).update(route="iv")
    assert rems_due_count() == 0


def test_marking_submitted_records_who_when_and_the_confirmation(esketamine_session, prescriber):
    with time_machine.travel(datetime.datetime(2030, 1, 2, 15, 0, tzinfo=datetime.UTC), tick=False):
        rems_form_submit(appointment=esketamine_session, submitted_by=prescriber, confirmation_number=" C-123 ")
    submission = RemsSubmission.objects.get()
    assert (submission.submitted_by, submission.confirmation_number) == (prescriber, "C-123")
    assert submission.submitted_at == datetime.datetime(2030, 1, 2, 15, 0, tzinfo=datetime.UTC)
    assert rems_due_count() == 0
    [row] = queue_rows(rems_queue(state="submitted", now=timezone.now()), now=timezone.now())
    assert row.submission == submission and row.state == "submitted"
    with pytest.raises(LedgerRefused, match="already"):
        rems_form_submit(appointment=esketamine_session, submitted_by=prescriber, confirmation_number="C-124")


def test_a_blank_confirmation_or_an_iv_session_is_refused(esketamine_session, prescriber, location, nurse):
    with pytest.raises(LedgerRefused, match="confirmation number"):
        rems_form_submit(appointment=esketamine_session, submitted_by=prescriber, confirmation_number="  ")
    iv = make_appointment(location=location, nurse=nurse, status="completed")
    with pytest.raises(LedgerRefused, match="Only an esketamine session"):
        rems_form_submit(appointment=iv, submitted_by=prescriber, confirmation_number="X")


def test_prescriber_home_shows_the_count_due_and_the_form_page_is_an_access_event(esketamine_session,
                                                                                   prescriber_client):
    home = prescriber_client.get(reverse("home")).content.decode()
    assert "REMS monitoring forms due: <strong>1</strong>" in home
    url = reverse("schedule:rems_form", args=[esketamine_session.public_id])
    page = prescriber_client.get(url).content.decode()
    assert "field" in page and "missing" in page and "Blood pressure at about 40 minutes" in page
    from clinic.audit.models import AccessEvent

    assert AccessEvent.objects.filter(object_type="REMS monitoring form",
                                      patient_id=esketamine_session.patient.public_id).exists()
    response = prescriber_client.post(reverse("schedule:rems_submit", args=[esketamine_session.public_id]),
                                      {"confirmation_number": ""})
    assert response.status_code == 400 and not RemsSubmission.objects.exists()


def test_front_desk_and_nurses_do_not_see_rems_forms(front_desk_client, nurse_client):
    assert front_desk_client.get(reverse("schedule:rems_queue")).status_code == 403
    assert nurse_client.get(reverse("schedule:rems_queue")).status_code == 403
    assert "REMS monitoring forms due" not in nurse_client.get(reverse("home")).content.decode()


def test_esketamine_cannot_be_booked_at_a_location_without_a_current_certification(location, spravato,
                                                                                   front_desk, next_monday):
    location.rems_certification_number, location.rems_certification_expires_on = "", None
    location.save()
    chair = ChairFactory(location=location)
    patient = make_cleared_patient(location=location, route="intranasal")
    book = {"patient": patient, "protocol": spravato, "chair": chair, "nurse": make_nurse(email="esk@clinic.test"),
            "start": local(location, next_monday, 10), "booked_by": front_desk, "notify": False}
    with pytest.raises(BookingRefused, match="REMS site certification is not on file"):
        appointment_book(**book)
    location.rems_certification_number, location.rems_certification_expires_on = "S-1", next_monday - \
        datetime.timedelta(days=1)
    location.save()
    with pytest.raises(BookingRefused, match="expires on"):
        appointment_book(**book)
    location.rems_certification_expires_on = next_monday
    location.save()
    assert appointment_book(**book).pk


def test_the_location_page_edits_the_certification_and_wants_both_fields(manager_client, location):
    url = reverse("schedule:location_update", args=[location.public_id])
    data = {"time_zone": location.time_zone, "opens_at": "08:00", "closes_at": "18:00",
            "open_weekdays": [0, 1, 2, 3, 4], "nurse_patient_ratio": 4, "rems_certification_number": "S-9"}
    response = manager_client.post(url, data)
    assert response.status_code == 200 and "Give both the REMS certification number" in response.content.decode()
    manager_client.post(url, {**data, "rems_certification_expires_on": "2030-06-30"})
    location.refresh_from_db()
    assert (location.rems_certification_number, location.rems_certification_expires_on) == (
        "S-9", datetime.date(2030, 6, 30))


# The queue's queries whatever its length: session, user, their permissions (one read), the esketamine
# protocols' ids, the COUNT of the tab's sessions, one page of them (with patient, location, protocol, nurse and
# submission joined), the access event naming the page's patients.
REMS_QUEUE_QUERIES = 7


def _sessions_given(location, protocol, count):
    """``count`` esketamine sessions completed in the last hours, each its own patient, chair and nurse."""
    now = timezone.now()
    return [make_appointment(location=location, protocol=protocol, status="completed",
                             start=now - datetime.timedelta(hours=2, minutes=2 * n)) for n in range(count)]


def _queue(client, **params):
    return page_queries(client, reverse("schedule:rems_queue"), **params)


def test_the_rems_queue_query_count_is_the_same_for_1_and_50_forms_and_reads_one_page(prescriber_client, certified,
                                                                                      spravato):
    _sessions_given(certified, spravato, 1)
    response, one = _queue(prescriber_client)
    assert len(one) == REMS_QUEUE_QUERIES, one
    assert response.content.decode().count("Open the form") == 1
    _sessions_given(certified, spravato, 49)
    response, fifty = _queue(prescriber_client)
    assert len(fifty) == REMS_QUEUE_QUERIES, fifty
    assert response.content.decode().count("Open the form") == 50
    listing = [sql for sql in fifty if 'FROM "clinic_sessions_appointment"' in sql and "ORDER BY" in sql]
    assert listing and all(sql.endswith(f"LIMIT {PER_PAGE}") for sql in listing)  # one page read, not every form owed


def test_the_rems_queue_pages_keep_the_tab_and_split_due_from_overdue(prescriber_client, prescriber, certified,
                                                                      spravato):
    sessions = _sessions_given(certified, spravato, PER_PAGE + 1)
    first, _ = _queue(prescriber_client)
    second, _ = _queue(prescriber_client, page=2)
    shown = [row.appointment for row in first.context["page"]] + [row.appointment for row in second.context["page"]]
    assert sorted(a.pk for a in shown) == sorted(a.pk for a in sessions)  # every one, once
    assert [a.start for a in shown] == sorted(a.start for a in shown)  # fewest days left first
    assert "Page 2 of 2" in second.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False):
        client = client_for(prescriber)
        due, _ = _queue(client)
        overdue, _ = _queue(client, state="overdue")
        rest, _ = _queue(client, state="overdue", page=2)
    assert due.context["page"].paginator.count == 0
    assert len(overdue.context["page"]) == PER_PAGE and all(row.days_left < 0 for row in overdue.context["page"])
    assert "?state=overdue&amp;page=2" in overdue.content.decode()  # the next page stays on the tab
    assert len(rest.context["page"]) == 1
    rems_form_submit(appointment=sessions[0], submitted_by=prescriber, confirmation_number="C-1")
    submitted, _ = _queue(prescriber_client, state="submitted")
    assert [row.appointment for row in submitted.context["page"]] == [sessions[0]]


def test_the_queue_puts_a_session_on_its_seventh_day_as_due_and_the_eighth_as_overdue(certified, spravato):
    session = _sessions_given(certified, spravato, 1)[0]
    on_time = _days_after(session, rems.DUE_DAYS)
    assert [row.days_left for row in queue_rows(rems_queue(state="due", now=on_time), now=on_time)] == [0]
    assert not rems_queue(state="overdue", now=on_time).exists()
    late = _days_after(session, rems.DUE_DAYS + 1)
    assert not rems_queue(state="due", now=late).exists()
    assert [row.state for row in queue_rows(rems_queue(state="overdue", now=late), now=late)] == ["overdue"]


def _days_after(session, days: int) -> datetime.datetime:
    """Noon at the session's location, ``days`` after the session's local date."""
    day = rems.session_local_date(session) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(12), ZoneInfo(session.location.time_zone))


def test_the_queue_counts_days_at_the_sessions_location_not_in_utc(prescriber, certified, spravato):
    """A session on 7 January in New York is due by 14 January there. At 20:00 on the 14th in New York it is
    already the 15th in UTC (the server's zone): the form is still due, with no day left, not overdue."""
    zone = ZoneInfo(certified.time_zone)
    given = datetime.datetime(2030, 1, 7, 10, 0, tzinfo=zone)
    with time_machine.travel(given + datetime.timedelta(hours=3), tick=False):
        session = make_appointment(location=certified, protocol=spravato, status="completed", start=given)
    evening_of_the_last_day = datetime.datetime(2030, 1, 14, 20, 0, tzinfo=zone)
    assert evening_of_the_last_day.astimezone(datetime.UTC).date() == datetime.date(2030, 1, 15)

    with time_machine.travel(evening_of_the_last_day, tick=False):
        client = client_for(prescriber)
        due = client.get(reverse("schedule:rems_queue"))
        overdue = client.get(reverse("schedule:rems_queue"), {"state": "overdue"})

    assert [(row.appointment, row.days_left) for row in due.context["page"]] == [(session, 0)]
    assert list(overdue.context["page"]) == []

"""The day board's and the week view's cards are shaped in the selectors (``sessions.selectors.boards``,
``sessions.selectors.actions``) so that their templates only print: what each card prints, and the buttons it
offers, are what the per-appointment helpers say (``get_status_display``, ``full_name``, ``to_local``,
``get_absolute_url``, ``appointment_moves``)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.courses import to_local
from sessions.models import Appointment
from sessions.selectors import (
    ACTIONS,
    MOVES,
    Actions,
    AppointmentUrls,
    allowed_moves,
    appointment_actions,
    appointment_move_refusal,
    appointment_moves,
    day_board,
    week_board,
)
from tests.factories import PatientFactory
from tests.sessions.helpers import local, make_nurse

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def make_appointment(location, protocol, chairs, front_desk):
    nurse = make_nurse(email="cards.nurse@clinic.test")

    def make(day, hour, status, *, chair=0, minute=0, **fields):
        start = local(location, day, hour, minute)
        return Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chairs[chair],
            nurse=nurse, nurse_slot=chair + 1, start=start, end=start + timedelta(minutes=100),
            blocked_until=start + timedelta(minutes=115), booked_by=front_desk, status=status, **fields)

    return make


@pytest.fixture
def monday_cards(make_appointment, location, next_monday):
    """Next Monday: a session under way, a patient checked in, two still to come (one with an escort), and a
    cancelled one (listed, not on the grid)."""
    return [make_appointment(next_monday, 8, S.RECOVERING),
            make_appointment(next_monday, 10, S.CHECKED_IN),
            make_appointment(next_monday, 9, S.CONFIRMED, chair=1,
                             escort_confirmed_at=local(location, next_monday, 7)),
            make_appointment(next_monday, 13, S.BOOKED, chair=1, minute=15),
            make_appointment(next_monday, 11, S.CANCELLED, chair=2)]


@pytest.mark.parametrize("role", ["front_desk", "nurse"])
def test_each_card_prints_and_offers_what_the_per_appointment_helpers_say(monday_cards, location, next_monday,
                                                                          role, request):
    user = request.getfixturevalue(role)
    with time_machine.travel(local(location, next_monday, 10, 30), tick=False):
        board = day_board(location=location, day=next_monday, user=user)
        assert len(board.cards) == 4 and len(board.released) == 1
        by_id = {str(appointment.public_id): appointment for appointment in monday_cards}
        for card in [*board.cards, *board.released]:
            appointment = by_id[card.appointment.public_id]  # the model, beside the board's values
            assert card.appointment.patient_public_id == str(appointment.patient.public_id)
            start = to_local(appointment.start, location.time_zone)
            assert (card.status, card.status_label) == (appointment.status, appointment.get_status_display())
            assert card.patient_name == appointment.patient.full_name
            assert card.start_time == f"{start:%H:%M}"
            assert card.end_time == f"{to_local(appointment.end, location.time_zone):%H:%M}"
            assert (card.protocol_name, card.nurse_name, card.chair_name) == (
                appointment.protocol.name, appointment.nurse.full_name, appointment.chair.name)
            assert card.escort_confirmed == (appointment.escort_confirmed_at is not None)
            assert card.url == appointment.get_absolute_url()
        for card in board.cards:
            appointment = by_id[card.appointment.public_id]
            assert card.actions == appointment_actions(appointment, user)
            moves = appointment_moves(appointment=appointment, user=user)
            assert [button.action for button in card.actions.buttons] == [move.action for move in moves
                                                                           if move.action]
            for button in card.actions.buttons:
                assert button.url == reverse("schedule:action", args=[appointment.public_id, button.action])
                assert button.confirm == f"{button.label}: {appointment.patient.full_name} at {card.start_time}?"
            assert card.actions.can_cancel == (S.CANCELLED in {move.status for move in moves})
            assert card.actions.can_reschedule == (S.RESCHEDULED in {move.status for move in moves})
        # The grid's place and the time rows, as text.
        first = board.columns[0][0]
        assert first.grid_classes == f"board-col-2 board-row-{first.row + 1} board-span-{first.span}"
        assert [(row.label, row.on_hour) for row in board.time_rows[:2]] == [("08:00", True), ("08:15", False)]
        assert board.time_rows[0].classes == "board-row-2 on-hour"


def test_without_a_user_the_board_offers_no_buttons(monday_cards, location, next_monday):
    board = day_board(location=location, day=next_monday)
    assert board.cards and all(card.actions == Actions() and not card.actions.offered for card in board.cards)


@pytest.mark.parametrize("status", list(S))
def test_allowed_moves_is_the_refusal_rule(monday_cards, status):
    """``allowed_moves`` asks the status map before the refusal: the same answer, without writing refusals."""
    appointment = monday_cards[1]
    appointment.status = status  # in memory only: the rule reads the appointment, not the database
    for now in (appointment.start - timedelta(days=1), appointment.start - timedelta(minutes=5),
                appointment.start + timedelta(minutes=5)):
        assert allowed_moves(appointment, MOVES, now) == [
            move for move in MOVES if appointment_move_refusal(appointment, move.status, now) is None]


@pytest.mark.parametrize("status", list(S))
def test_the_boards_values_answer_the_moves_as_the_appointment_does(monday_cards, location, next_monday, status):
    """The board reads each appointment as values (``BoardAppointment``), not a model instance: its status map, its
    place on the grid and every move's refusal are the model's, at any moment of the day."""
    appointment = monday_cards[1]
    read = next(card.appointment for card in day_board(location=location, day=next_monday).cards
                if card.appointment.public_id == str(appointment.public_id))
    # In memory only, both: the rules read the appointment, not the database (which refuses most of these moves).
    appointment.status, read = status, read._replace(status=status)
    assert read.is_occupying == appointment.is_occupying
    for moment in (appointment.start - timedelta(days=1), appointment.start - timedelta(minutes=5),
                   appointment.start + timedelta(minutes=5)):
        for move in MOVES:
            assert read.can_move_to(move.status) == appointment.can_move_to(move.status)
            assert appointment_move_refusal(read, move.status, moment) == appointment_move_refusal(
                appointment, move.status, moment)


def test_appointment_urls_are_the_reversed_ones(monday_cards):
    urls, appointment = AppointmentUrls(), monday_cards[0]
    public_id = appointment.public_id
    assert urls.url("appointment", public_id) == appointment.get_absolute_url()
    assert urls.url("cancel", public_id) == reverse("schedule:cancel", args=[public_id])
    assert urls.url("reschedule", public_id) == reverse("schedule:reschedule", args=[public_id])
    for action in ACTIONS:
        assert urls.url(action, public_id) == reverse("schedule:action", args=[public_id, action])


def test_week_cards_print_what_the_appointments_say_on_their_local_day(make_appointment, location, next_monday):
    made = [make_appointment(next_monday, 9, S.CONFIRMED),
            # 21:00 in New York is the next day in UTC: listed on the local day.
            make_appointment(next_monday + timedelta(days=1), 21, S.BOOKED, chair=1),
            make_appointment(next_monday + timedelta(days=2), 8, S.CANCELLED, chair=2)]
    days = week_board(location=location, week_start=next_monday)
    assert [len(day.appointments) for day in days] == [1, 1, 1, 0, 0, 0, 0]
    for day, appointment in zip(days, made, strict=False):
        card = day.appointments[0]
        start = to_local(appointment.start, location.time_zone)
        assert day.day == start.date()
        assert (card.public_id, card.patient_public_id) == (str(appointment.public_id),
                                                             str(appointment.patient.public_id))
        assert card.url == appointment.get_absolute_url()
        assert card.start_time == f"{start:%H:%M}"
        assert (card.status, card.status_label) == (appointment.status, appointment.get_status_display())
        assert card.patient_name == appointment.patient.full_name
        assert (card.chair_name, card.protocol_name) == (appointment.chair.name, appointment.protocol.name)


def test_clock_prints_a_local_time_as_strftime_would():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from sessions.selectors.boards import clock
    moment = datetime(2026, 3, 8, 9, 5, tzinfo=ZoneInfo("America/Denver"))
    assert clock(moment) == f"{moment:%H:%M}" == "09:05"
    assert clock(time(0, 0)) == "00:00" and clock(time(23, 45)) == "23:45"


def test_the_board_and_week_join_only_the_chairs_and_protocols_and_read_patients_and_nurses_by_subquery(
        monday_cards, location, next_monday):
    """Issue 13: PostgreSQL planned each board anew (its range of times keeps it on custom plans), and planning the
    five-table join took longer than running it at 1,000,000 appointments. The patient's id and names and the
    nurse's name are scalar subqueries, so one plan serves every board (``generic_plan``) and no plan made without
    the values can read the patients or the staff whole; the chair's and protocol's names are joined (small tables:
    a subquery a row read them again for each of the week's 200 appointments). The plan's shape:
    tests/sessions/test_large_table_plans.py."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        board = day_board(location=location, day=next_monday)
        week = week_board(location=location, week_start=next_monday)
    reads = [q["sql"] for q in queries if 'FROM "clinic_sessions_appointment"' in q["sql"]]
    assert len(reads) == 2
    for sql in reads:
        statement = sql.split("/* ", 1)[-1]  # a prepared statement's text follows its EXECUTE (clinic.prepared)
        assert 'JOIN "clinic_sessions_chair"' in statement and 'JOIN "clinic_sessions_protocol"' in statement, sql
        assert statement.count(" JOIN ") == 2 and 'FROM "patients_patient"' in statement, statement
    cards = sorted(board.cards + board.released, key=lambda card: card.appointment.start)
    expected = sorted(monday_cards, key=lambda appointment: appointment.start)
    assert [(card.protocol_name, card.chair_name, card.nurse_name) for card in cards] == [
        (a.protocol.name, a.chair.name, a.nurse.full_name) for a in expected]
    assert [(card.patient_name, card.appointment.patient_public_id) for card in cards] == [
        (a.patient.full_name, str(a.patient.public_id)) for a in expected]
    assert [(card.chair_name, card.protocol_name, card.patient_name, card.patient_public_id)
            for card in week[0].appointments] == [
        (a.chair.name, a.protocol.name, a.patient.full_name, str(a.patient.public_id)) for a in expected]

"""Issue 12 #4 and #5: the day board passes axe-core (no serious or critical violation: a grid made of rows, outline
buttons readable on coloured cards), as do the staff pages a role opens from the navigation; on a tablet the board
scrolls to now and the now-line is visible on load. Screenshots: test-artifacts/board-tablet-now.png."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from sessions.courses import to_local
from sessions.models import Appointment
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, PatientFactory, UserFactory, make_submitted_intake
from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
STATUSES = ["booked", "confirmed", "checked_in", "in_session", "recovering", "completed"]


def _board_day(location, day, hours=(7, 9, 11, 13, 15, 17)):
    protocol = ProtocolFactory()
    desk = UserFactory(role="front_desk")
    for index, (status, hour) in enumerate(zip(STATUSES, hours, strict=False)):
        chair = ChairFactory(location=location, name=f"Chair {index + 1}", position=index + 1)
        start = local(location, day, hour)
        Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
            nurse=make_nurse(), nurse_slot=1, start=start, end=start + timedelta(minutes=100),
            blocked_until=start + timedelta(minutes=115), booked_by=desk, status=status)


@pytest.mark.parametrize("hour", [6, 18], ids=["before-opening", "after-closing"])
def test_the_day_board_has_no_serious_accessibility_violation(page, live_server, hour):
    """At 06:00 every card lies ahead (Cancel buttons on each colour of card); at 18:00 every card is past."""
    location = LocationFactory(name="Board Clinic")
    day = next_weekday(to_local(timezone.now(), location.time_zone).date())
    _board_day(location, day)
    UserFactory(email="desk@clinic.test", role="front_desk")
    with time_machine.travel(local(location, day, hour), tick=True):
        sign_in(page, live_server, "desk@clinic.test", TEST_PASSWORD)
        page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={day.isoformat()}")
        grid = page.get_by_role("grid", name="Appointments by chair and time")
        expect(grid.get_by_role("row").first.get_by_role("columnheader", name="Chair 1")).to_be_visible()
        assert_accessible(page, "day board")


def next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("role", ["front_desk", "nurse", "prescriber", "manager"])
def test_every_staff_page_in_the_navigation_passes_axe(role, page, live_server):
    location = LocationFactory(name="Nav Clinic")
    intake = make_submitted_intake(location=location)
    user = UserFactory(email=f"{role}@clinic.test", role=role)
    sign_in(page, live_server, user.email, TEST_PASSWORD)
    links = page.locator("nav a.nav-link").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert links
    if role == "prescriber":  # the review page carries the urgent and warning buttons
        links.append(intake.get_absolute_url())
    for href in dict.fromkeys(links):
        if href.startswith("/admin/") or href == "#":
            continue
        page.goto(f"{live_server.url}{href}")
        assert_accessible(page, f"{href} as {role}")


def test_on_a_tablet_the_board_scrolls_to_now_and_the_now_line_is_visible(browser, live_server, screenshot):
    del screenshot  # the fixture makes test-artifacts/
    location = LocationFactory(name="Tablet Clinic", opens_at=datetime.time(6, 0), closes_at=datetime.time(22, 0))
    day = to_local(timezone.now(), location.time_zone).date()
    _board_day(location, day, hours=(6, 8, 10, 12, 16, 19))
    UserFactory(email="nurse@clinic.test", role="nurse")
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    with time_machine.travel(local(location, day, 18, 30), tick=True):
        sign_in(page, live_server, "nurse@clinic.test", TEST_PASSWORD)
        page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={day.isoformat()}")
        expect(page.locator(".board-now")).to_be_in_viewport()
        page.screenshot(path="test-artifacts/board-tablet-now.png")  # the viewport as loaded, not the full page
    context.close()

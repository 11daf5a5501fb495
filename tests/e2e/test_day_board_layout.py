"""The day board lays out any number of chairs and any opening hours (issue 7): 20 chairs, 06:00-22:00.
Before, app.css spelled out classes for 13 chairs and 99 rows, so a 14th chair's cards fell out of place.
Screenshot in test-artifacts/board-20-chairs.png."""

import datetime
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from patients.models import ConsentDocument
from sessions.models import Appointment
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, PatientFactory, UserFactory
from tests.sessions.helpers import ChairFactory, ProtocolFactory, local, make_nurse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHAIRS = 20


def _next_monday() -> datetime.date:
    today = datetime.date.today()
    return today + timedelta(days=7 + (7 - today.weekday()) % 7)


def test_twenty_chairs_from_six_to_ten_each_card_in_its_chairs_column_and_time_row(page, live_server, screenshot):
    location = LocationFactory(name="Big Clinic", opens_at=datetime.time(6, 0), closes_at=datetime.time(22, 0))
    chairs = [ChairFactory(location=location, name=f"Chair {i}", position=i) for i in range(1, CHAIRS + 1)]
    protocol = ProtocolFactory()
    UserFactory(email="desk@clinic.test", role="front_desk")
    monday = _next_monday()
    starts = {}
    for index, chair in enumerate(chairs):
        # From the first row (06:00) to the last hours (20:30), a different time in every column.
        hour, minute = divmod(6 * 60 + index * 45, 60)
        start = local(location, monday, hour, minute)
        appointment = Appointment.objects.create(
            patient=PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
            nurse=make_nurse(email=f"board{index}@clinic.test"), nurse_slot=1, start=start,
            end=start + timedelta(minutes=100), blocked_until=start + timedelta(minutes=115),
            booked_by=UserFactory(role="front_desk"))
        starts[appointment.public_id] = (chair.name, f"{hour:02d}:{minute:02d}")

    sign_in(page, live_server, "desk@clinic.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={monday.isoformat()}")
    grid = page.get_by_role("grid", name="Appointments by chair and time")
    expect(grid.locator("article.board-card")).to_have_count(CHAIRS)
    expect(grid.get_by_role("columnheader", name="Chair 20")).to_be_visible()
    expect(grid.locator(".board-time").first).to_have_text("06:00")
    screenshot(page, "board-20-chairs")
    grid.evaluate("g => { g.parentElement.scrollLeft = g.scrollWidth; }")  # the board scrolls sideways
    expect(grid.get_by_role("columnheader", name="Chair 20")).to_be_in_viewport()
    screenshot(page, "board-20-chairs-right")

    grid_box = grid.evaluate("g => { const r = g.getBoundingClientRect();"
                             " return {x: r.x, y: r.y, w: g.scrollWidth, h: g.scrollHeight}; }")
    for public_id, (chair_name, hhmm) in starts.items():
        card = page.locator(f"#appt-{public_id}").bounding_box()
        header = grid.get_by_role("columnheader", name=chair_name, exact=True).bounding_box()
        label = grid.locator(".board-time", has_text=hhmm).bounding_box() if hhmm.endswith(":00") else None
        assert grid_box["x"] <= card["x"] and card["x"] + card["width"] <= grid_box["x"] + grid_box["w"] + 1
        assert grid_box["y"] <= card["y"] and card["y"] + card["height"] <= grid_box["y"] + grid_box["h"] + 1
        # In its own chair's column ...
        assert header["x"] - 1 <= card["x"] and card["x"] + card["width"] <= header["x"] + header["width"] + 1, \
            chair_name
        # ... and on its start time's row (hour rows carry a label to measure against).
        if label is not None:
            assert abs(card["y"] - label["y"]) <= 2, (chair_name, hhmm)


def test_a_card_taller_than_its_slot_scrolls_so_every_button_can_be_reached(page, live_server, screenshot):
    """Eight chairs, a booked session whose patient must sign consent again: the warning and three buttons are
    taller than the 100 minutes' slot. The card scrolls under the mouse wheel, so Cancel can be reached; it was
    cut off (overflow hidden)."""
    location = LocationFactory(name="Eight Chairs")
    chairs = [ChairFactory(location=location, name=f"Chair {i}", position=i) for i in range(1, 9)]
    UserFactory(email="desk@clinic.test", role="front_desk")
    ConsentDocument.objects.create(version=1, title="Consent", body="…", published_by=UserFactory(role="manager"))
    monday = _next_monday()
    start = local(location, monday, 9)
    appointment = Appointment.objects.create(
        patient=PatientFactory(location=location), protocol=ProtocolFactory(), location=location, chair=chairs[0],
        nurse=make_nurse(email="tall@clinic.test"), nurse_slot=1, start=start, end=start + timedelta(minutes=100),
        blocked_until=start + timedelta(minutes=115), booked_by=UserFactory(role="front_desk"))

    sign_in(page, live_server, "desk@clinic.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/board/?location={location.public_id}&day={monday.isoformat()}")
    card = page.locator(f"#appt-{appointment.public_id}")
    expect(card.locator(".consent-warning")).to_be_visible()
    cancel = card.get_by_role("link", name="Cancel")
    card.locator(".consent-warning").hover()
    page.mouse.wheel(0, 300)
    expect(cancel).to_be_in_viewport(ratio=1)
    screenshot(page, "board-tall-card")
    cancel.click()
    expect(page).to_have_url(re.compile(r"/cancel/"))

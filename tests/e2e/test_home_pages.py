"""Issue 12: each role's home page is today's work, on a phone, a tablet and a desktop; axe-core finds nothing
serious or critical. Screenshots are kept in test-artifacts/home-<role>-<viewport>.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Intake
from tests.clinic.test_home_today import _many_intake_requests, _today_appointments
from tests.e2e.conftest import VIEWPORTS, assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, LocationFactory, UserFactory, make_submitted_intake

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PANELS = {
    "front_desk": ["Today's arrivals", "Intakes and requests"],
    "nurse": ["Today's patients"],
    "prescriber": ["Intakes to review", "Session records"],
    "manager": ["Today's census", "Consent in force"],
}


@pytest.mark.parametrize("role", list(PANELS))
def test_each_roles_home_shows_todays_work_on_phone_tablet_and_desktop(role, page, live_server, screenshot):
    location = LocationFactory(name="Demo Clinic Downtown")
    desk = UserFactory(email="desk@clinic.test", role="front_desk")
    _today_appointments(location, desk, 6)
    _today_appointments(location, desk, 3, day_offset=1)
    _many_intake_requests(location, 2)
    urgent = make_submitted_intake(location=location)
    Intake.objects.filter(pk=urgent.pk).update(urgent_at=timezone.now(), urgent_reasons=["C-SSRS high risk: q4"])
    user = desk if role == "front_desk" else UserFactory(email=f"{role}@clinic.test", role=role)
    sign_in(page, live_server, user.email, TEST_PASSWORD)
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/")
        for title in PANELS[role]:
            expect(page.locator("#home-panels").get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.locator(".home-panel a.home-count, .home-panel .home-empty, .home-census").first).to_be_visible()
        assert_accessible(page, f"home of {role} on a {name}")
        screenshot(page, f"home-{role}-{name}")


def test_a_nurse_chooses_where_they_work_from_the_menu_and_the_home_and_board_follow(page, live_server, screenshot):
    """Issue 13: at a clinic of two sites the home page says it shows every location, the menu's *Where you
    work* chooses one, and the home page's chairs and the day board are then that site's."""
    downtown, harbor = LocationFactory(name="Demo Clinic Downtown"), LocationFactory(name="Harbor Site")
    desk = UserFactory(email="desk@clinic.test", role="front_desk")
    _today_appointments(downtown, desk, 2, status="confirmed")
    nurse = UserFactory(email="nurse@clinic.test", role="nurse")
    sign_in(page, live_server, nurse.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".home-where")).to_contain_text("Every location.")
    page.get_by_role("button", name=nurse.full_name).click()  # the menu under the person's name
    page.get_by_role("link", name="Where you work", exact=True).click()
    page.get_by_label("Location").select_option(label=harbor.name)
    assert_accessible(page, "where you work")
    page.locator("main").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Your pages now open on Harbor Site.")
    panel = page.locator("#home-panels")
    expect(panel.locator(".home-where")).to_contain_text("Harbor Site, where you work.")
    expect(panel.get_by_text(downtown.name)).to_have_count(0)
    screenshot(page, "home-nurse-works-at")
    page.goto(f"{live_server.url}/schedule/board/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbor Site")

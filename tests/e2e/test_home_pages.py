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

"""Issue 12 #9: on a phone (390×844) the consent text is part of the page, read by scrolling the page, not
squeezed into a small box that scrolls on its own."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from patients.services import invitation_send
from tests.e2e.conftest import assert_accessible
from tests.factories import PatientFactory, published_consent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DOB = datetime.date(1984, 3, 9)


def test_the_whole_consent_text_is_in_the_page_flow_on_a_phone(live_server, phone_page, screenshot):
    document = published_consent()
    issued = invitation_send(patient=PatientFactory(date_of_birth=DOB), sent_by=None, by_email=False)
    page = phone_page
    page.goto(live_server.url + reverse("intake:link", kwargs={"token": issued.token}))
    page.get_by_label("Your date of birth").fill(DOB.isoformat())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("intake:step", kwargs={"token": issued.token, "step": "consent"}))
    expect(page.get_by_role("heading", name="Consent", exact=True)).to_be_visible()
    box = page.locator(".consent-text")
    # No inner scrolling: the box is as tall as its text, so the page itself scrolls through every line.
    sizes = box.evaluate("el => [el.scrollHeight, el.clientHeight, getComputedStyle(el).overflowY]")
    assert sizes[0] <= sizes[1] + 1 and sizes[2] not in ("auto", "scroll"), sizes
    last_line = document.body.strip().splitlines()[-1].strip()
    last = box.get_by_text(last_line[:40])
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    # Readable without zooming: body text at least 16 px, and nothing wider than the phone.
    assert box.evaluate("el => parseFloat(getComputedStyle(el.querySelector('p')).fontSize)") >= 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "consent on a phone")
    screenshot(page, "consent-phone-390")

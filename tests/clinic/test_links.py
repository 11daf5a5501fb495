"""clinic.links: a route's URL reversed once per process (issue 13), and a list's row links made from it."""

import uuid

from django.urls import reverse

from clinic import links


def test_each_rows_url_is_the_routes_and_the_route_is_reversed_once(reversals):
    first, second = uuid.uuid4(), uuid.uuid4()
    for _ in range(2):  # two pages of rows
        detail, check_in = links.url_for_public_id("patients:detail"), links.url_for_public_id(
            "schedule:action", "check-in")
        assert detail(first) == reverse("patients:detail", args=[first])
        assert detail(second) == reverse("patients:detail", args=[second])
        assert check_in(first) == reverse("schedule:action", args=[first, "check-in"])
    assert reversals == ["patients:detail", "schedule:action"]


def test_a_rows_own_page_is_its_routes_url_reversed_once_for_every_row(reversals):
    """``get_absolute_url`` of the models lists print a row each (the registry's 25 search results): each the
    route's own URL, the route reversed once for all of them."""
    from patients.models import Intake, Patient
    from sessions.models import Appointment, SessionRecord

    for model, route in ((Patient, "patients:detail"), (Intake, "patients:intake_review"),
                         (Appointment, "schedule:appointment"), (SessionRecord, "schedule:record")):
        rows = [model(public_id=uuid.uuid4()) for _ in range(25)]
        assert [row.get_absolute_url() for row in rows] == [reverse(route, kwargs={"public_id": row.public_id})
                                                            for row in rows]
    assert reversals == ["patients:detail", "patients:intake_review", "schedule:appointment", "schedule:record"]

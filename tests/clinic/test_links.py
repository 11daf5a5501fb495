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
